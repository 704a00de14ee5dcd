import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { IDLE_CLOSE_MS, TaskLogWriter } from "./task-logs.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("TaskLogWriter", () => {
  it("has a line on disk as soon as it is appended, so a try's log is complete before its end is committed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "updraft-logs-"));
    dirs.push(dir);
    const path = join(dir, "dag_id=d", "attempt=1.log");
    const logs = new TaskLogWriter();
    logs.register("k", path);
    logs.append("k", [{ at: 0, level: "error", message: "boom on purpose" }]);
    expect(readFileSync(path, "utf8")).toBe("[1970-01-01T00:00:00.000Z] ERROR - boom on purpose\n");
    logs.release("k");
  });

  it("keeps writing a try's log after the file was closed for being idle", async () => {
    const dir = await mkdtemp(join(tmpdir(), "updraft-logs-"));
    dirs.push(dir);
    const path = join(dir, "attempt=1.log");
    const logs = new TaskLogWriter();
    logs.register("k", path);
    logs.append("k", [{ at: Date.now(), level: "info", message: "before the pause" }]);
    await new Promise((r) => setTimeout(r, IDLE_CLOSE_MS + 300));
    logs.append("k", [{ at: Date.now(), level: "info", message: "after the pause" }]);
    logs.release("k");
    await logs.closeAll();
    await new Promise((r) => setTimeout(r, 100));
    const text = await readFile(path, "utf8");
    expect(text).toContain("before the pause");
    expect(text).toContain("after the pause");
  });

  it("drops lines of a try once it is released", async () => {
    const dir = await mkdtemp(join(tmpdir(), "updraft-logs-"));
    dirs.push(dir);
    const path = join(dir, "attempt=1.log");
    const logs = new TaskLogWriter();
    logs.register("k", path);
    logs.append("k", [{ at: Date.now(), level: "info", message: "in the try" }]);
    logs.release("k");
    logs.append("k", [{ at: Date.now(), level: "info", message: "too late" }]);
    await new Promise((r) => setTimeout(r, 200));
    await logs.closeAll();
    const text = await readFile(path, "utf8");
    expect(text).toContain("in the try");
    expect(text).not.toContain("too late");
  });
});
