// GET …/logs/{try}?full_content=true as JSON, on the real app and store: the whole log streamed as
// `{"content": …, "continuation_token": …}`, escaped exactly as JSON.stringify would (characters
// split between reads included), without ever holding the log in memory.
import { mkdir, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, dag, dagRun, migrateStore, openStore, taskInstance, type Store } from "@updraft/store";
import { taskLogPath } from "@updraft/scheduler";
import { createApiApp } from "../app.ts";
import type { ApiApp } from "../types.ts";
import { decodeLogToken } from "../task-log-reader.ts";

let dir = "";
let store: Store;
let app: ApiApp;
let token = "";
const LOGS = "/api/v1/dags/big/dagRuns/r1/taskInstances";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-task-logs-"));
  store = await openStore({ url: ":memory:" });
  await migrateStore(store);
  token = (await createToken(store, { name: "r", scope: "read" })).token;
  await store.write(async (tx) => {
    await tx.insert(dag).values({ dagId: "big", fileloc: "/d/big.ts", versionHash: "h" });
    await tx.insert(dagRun).values({ dagId: "big", runId: "r1", runType: "manual", state: "running", logicalDate: new Date("2026-01-01T00:00:00Z") });
    await tx.insert(taskInstance).values([
      { dagId: "big", runId: "r1", taskId: "chatty", state: "running", tryNumber: 1 },
      { dagId: "big", runId: "r1", taskId: "odd", state: "running", tryNumber: 1 },
      { dagId: "big", runId: "r1", taskId: "silent", state: "running", tryNumber: 1 },
    ]);
  });
  app = createApiApp({ store, home: dir, version: "test", trigger: () => Promise.reject(new Error("no triggers here")) });
});

afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const logPath = (taskId: string) => taskLogPath(dir, { dagId: "big", runId: "r1", taskId, mapIndex: -1, tryNumber: 1 });
const get = (taskId: string) => app.request(`http://localhost${LOGS}/${taskId}/logs/1?full_content=true`, { headers: { authorization: `Bearer ${token}`, "accept-encoding": "identity" } });

describe("a whole log as JSON", () => {
  it("is the file's text, escaped as JSON.stringify escapes it, with a token at its end", async () => {
    // Quotes, backslashes, control characters, and multi-byte characters across the 64 KiB reads.
    const line = 'say "hi" \\ tab\there\u0001 é 漢字 🚀\n';
    const text = line.repeat(20_000);
    await mkdir(dirname(logPath("odd")), { recursive: true });
    await writeFile(logPath("odd"), text);
    const res = await get("odd");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const raw = await res.text();
    const body = JSON.parse(raw) as { content: string; continuation_token: string };
    expect(body.content).toBe(text);
    expect(raw.slice(0, raw.indexOf('","continuation_token"') + 1)).toBe(`{"content":${JSON.stringify(text)}`);
    expect(decodeLogToken(body.continuation_token)).toEqual({ log_pos: Buffer.byteLength(text), end_of_log: false });

    const empty = await (await get("silent")).json() as { content: string; continuation_token: string };
    expect(empty.content).toBe("");
    expect(decodeLogToken(empty.continuation_token)).toEqual({ log_pos: 0, end_of_log: false });
  });

  it("streams a 256 MB log without holding it: this process grows by far less than the log", async () => {
    const size = 256 * 1024 * 1024;
    await mkdir(dirname(logPath("chatty")), { recursive: true });
    const file = await open(logPath("chatty"), "w");
    const block = Buffer.from("[2026-01-01T00:00:00.000Z] INFO - a line of a very chatty task\n".repeat(16_384));
    for (let written = 0; written < size; written += block.length) await file.write(block);
    await file.close();
    const fileSize = (await open(logPath("chatty"), "r").then(async (f) => { const s = await f.stat(); await f.close(); return s.size; }));

    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const res = await get("chatty");
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let bytes = 0;
    let head = "";
    let last = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.length;
      if (head.length < 64) head += Buffer.from(value).toString("utf8", 0, 64);
      last = (last + Buffer.from(value.subarray(Math.max(0, value.length - 300))).toString("utf8")).slice(-300);
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(head.startsWith('{"content":"[2026-01-01T00:00:00.000Z] INFO - a line')).toBe(true);
    expect(last).toMatch(/very chatty task\\n","continuation_token":"[^"]+"}$/);
    // Every newline becomes `\n` (2 bytes): the body is the file plus one byte a line, plus the frame.
    expect(bytes).toBeGreaterThan(fileSize);
    expect(peak - before).toBeLessThan(128 * 1024 * 1024);
  }, 120_000);
});
