import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LogLine } from "@updraft/worker";
import { ThreadLogFiles } from "./thread-log-files.ts";
import { ThreadsExecutor } from "./threads-executor.ts";
import { assignment, eventLog, recordingHost } from "./fixtures/assignments.ts";

const dirs: string[] = [];
const executors: ThreadsExecutor[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "updraft-thread-logs-"));
  dirs.push(dir);
  return dir;
}

const line = (message: string): LogLine => ({ at: Date.UTC(2026, 0, 1), level: "info", message });

afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.stop({ graceful: false })));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("ThreadLogFiles", () => {
  it("appends each batch in order, creating the folders on the first line only", () => {
    const files = new ThreadLogFiles();
    const path = join(tempDir(), "dag_id=d", "run_id=r", "task_id=t", "attempt=1.log");
    files.expect("k", path);
    expect(existsSync(path)).toBe(false); // a try that never logs opens nothing
    expect(files.write("k", [line("one"), line("two")])).toBe(true);
    expect(files.write("k", [line("three")])).toBe(true);
    expect(files.openFiles).toBe(1);
    files.close("k");
    expect(files.openFiles).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(
      "[2026-01-01T00:00:00.000Z] INFO - one\n[2026-01-01T00:00:00.000Z] INFO - two\n[2026-01-01T00:00:00.000Z] INFO - three\n",
    );
  });

  it("gives back the lines of a try it holds no file for, and those after the try closed", () => {
    const files = new ThreadLogFiles();
    files.expect("none", null);
    expect(files.write("none", [line("x")])).toBe(false);
    files.expect("k", join(tempDir(), "attempt=1.log"));
    files.close("k");
    expect(files.write("k", [line("late")])).toBe(false);
  });

  it("gives back the batch that finds its file unwritable, then drops the rest of the try", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "file"), "");
    const files = new ThreadLogFiles();
    files.expect("k", join(dir, "file", "attempt=1.log")); // a folder that is a file
    expect(files.write("k", [line("first")])).toBe(false);
    expect(files.write("k", [line("second")])).toBe(true);
    expect(files.openFiles).toBe(0);
  });
});

describe("threads executor log files", () => {
  it("has a thread printing 200,000 lines write them itself, in order, masked, complete before the outcome", async () => {
    const home = tempDir();
    const host = recordingHost({ api_token: "s3cr3t-value" });
    let hostLogCalls = 0;
    const record = host.log;
    host.log = (key, lines) => {
      hostLogCalls++;
      record(key, lines);
    };
    const path = join(home, "logs", "flood", "attempt=1.log");
    const paths = new Map<string, string>();
    const withFile = { ...host, logFile: (key: string) => paths.get(key) ?? null };
    const executor = new ThreadsExecutor({ host: withFile, minThreads: 1, maxThreads: 1 });
    executors.push(executor);
    const { finished } = eventLog(executor);
    await executor.start();

    // The main thread's event loop keeps turning while the thread floods: counted, not timed.
    let turns = 0;
    let turning = true;
    const turn = (): void => {
      turns++;
      if (turning) setImmediate(turn);
    };
    setImmediate(turn);
    const n = 200_000;
    const a = assignment("flood", [n]);
    paths.set(a.key, path);
    let onDiskAtFinish = -1;
    executor.onEvent((e) => {
      if (e.type === "finished" && e.key === a.key) onDiskAtFinish = existsSync(path) ? readFileSync(path, "utf8").split("\n").length - 1 : 0;
    });
    executor.submit(a);
    const done = await finished(a.key, 120_000);
    turning = false;

    expect(done.outcome).toEqual({ status: "success", value: n, pushed: {} });
    expect(onDiskAtFinish).toBe(n); // every line was on disk when the outcome arrived
    expect(hostLogCalls).toBe(0); // not one batch crossed to the main thread
    expect(turns).toBeGreaterThan(0);
    const lines = readFileSync(path, "utf8").split("\n").slice(0, -1);
    expect(lines).toHaveLength(n);
    for (let i = 0; i < n; i += 9_973) expect(lines[i]).toMatch(new RegExp(`^\\[[^\\]]+\\] INFO - line ${i} token=\\*\\*\\*$`));
    expect(lines.at(-1)).toMatch(/INFO - line 199999 token=\*\*\*$/);
    expect(lines.every((l, i) => l.endsWith(` - line ${i} token=***`))).toBe(true);
  }, 180_000);

  it("sends the lines of a try without a file to the host, before the outcome", async () => {
    const host = recordingHost();
    const executor = new ThreadsExecutor({ host: { ...host, logFile: () => null }, minThreads: 1, maxThreads: 1 });
    executors.push(executor);
    const { finished } = eventLog(executor);
    await executor.start();
    const a = assignment("chatty", ["bo"]);
    let linesAtFinish = -1;
    executor.onEvent((e) => {
      if (e.type === "finished") linesAtFinish = host.lines.get(e.key)?.length ?? 0;
    });
    executor.submit(a);
    await finished(a.key);
    expect(linesAtFinish).toBe(3);
  });
});
