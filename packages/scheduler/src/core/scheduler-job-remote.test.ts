// The scheduler's lease and remote workers: the remote executor it gates takes a worker's messages
// only under the epoch the scheduler holds and trusts now. A scheduler that wakes from a freeze
// past its lease refuses, at receipt, a result that arrived meanwhile (the worker is told; nothing
// is acked or recorded), before any timer has looked at the lease. (Whether the scheduler then
// stops depends on whether another took the lease over: a fenced commit that still goes through
// proves the lease is its own; scheduler-job.test.ts covers that.) The worker speaks the catalog
// over an in-process link.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { RemoteExecutor } from "@updraft/executor";
import { migrateStore, openStore, taskInstance, xcom, type Store } from "@updraft/store";
import { PROTOCOL_VERSION, serverMessageSchema, type ServerMessage } from "@updraft/worker";
import { DagProcessor } from "../processor/dag-processor.ts";
import { Scheduler } from "./scheduler.ts";
import { SchedulerTaskHost } from "./task-host.ts";
import { TaskLogWriter } from "./task-logs.ts";

const DAG = `import { dag, task } from "@updraft/sdk";
export default dag({ id: "lease_remote" }, () => {
  task({ id: "far", queue: "remote" }, () => 1)();
});
`;

/** Blocks this whole process (event loop and all), as SIGSTOP or a long GC pause would. */
const freeze = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

let dir = "";
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A scheduler over a remote executor, a worker connected over an in-process link, and one try assigned to it. */
async function setUp(leaseMs: number) {
  dir = await mkdtemp(join(tmpdir(), "updraft-lease-remote-"));
  const home = join(dir, "home");
  await mkdir(join(dir, "dags"), { recursive: true });
  await writeFile(join(dir, "dags", "lease_remote.ts"), DAG);
  const store = await openStore({ url: `file:${join(dir, "updraft.db")}` });
  stores.push(store);
  await migrateStore(store);
  const parsed = await new DagProcessor({ store, dagsFolder: join(dir, "dags"), home }).processAll();
  expect(parsed.map((r) => r.error)).toEqual([null]);
  const logs = new TaskLogWriter();
  const host = new SchedulerTaskHost(store, logs);
  const executor = new RemoteExecutor({ host, prefetch: 0 });
  const scheduler = new Scheduler({ store, executor, host, logs, home, sweepMs: 100, scheduleRuns: false, leaseMs, onLeaseLost: () => undefined });
  await executor.start();
  await scheduler.start();

  const received: ServerMessage[] = [];
  const session = executor.connect({ send: (m) => void received.push(serverMessageSchema.parse(JSON.parse(JSON.stringify(m)))), close: () => undefined });
  const send = (m: Record<string, unknown>) => session.receive(JSON.stringify({ v: PROTOCOL_VERSION, ...m }));
  send({ type: "hello", workerId: "w", name: "w", hostname: "h", pid: 1, version: "test", queues: ["remote"], capacity: 1, running: [], draining: false });
  const { runId } = await scheduler.triggerRun("lease_remote");
  const end = Date.now() + 20_000;
  let assign: Extract<ServerMessage, { type: "assign" }> | undefined;
  while (!(assign = received.find((m) => m.type === "assign"))) {
    if (Date.now() > end) throw new Error(`no assignment; received ${JSON.stringify(received)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return { store, scheduler, received, send, runId, assign };
}

describe("a scheduler with remote workers that wakes from a freeze past its lease", () => {
  it("refuses at receipt a worker's result that arrived meanwhile, and records nothing of it", { timeout: 60_000 }, async () => {
    const { store, scheduler, received, send, runId, assign } = await setUp(2_000);
    const { key, epoch } = assign.assignment;
    expect(epoch).toBe(1);
    send({ type: "started", key, epoch, at: Date.now() });

    freeze(2_600); // past the 2 s lease: another scheduler may own the database by now
    send({ type: "result", key, epoch, outcome: { status: "success", value: 7, pushed: {} }, at: Date.now() });
    expect(received.filter((m) => m.type === "ack")).toEqual([]);
    expect(received.filter((m) => m.type === "refused")).toEqual([{
      v: PROTOCOL_VERSION, type: "refused", key, epoch: 1,
      reason: `try "${key}" (epoch 1) refused: this server's scheduler holds no lease it may act on now (lost to another scheduler, past its local deadline after a pause, or not claimed yet)`,
    }]);
    await scheduler.stop();
    const [row] = await store.db.select().from(taskInstance).where(and(eq(taskInstance.runId, runId), eq(taskInstance.taskId, "far")));
    expect(row!.state).not.toBe("success");
    expect(await store.db.select().from(xcom).where(eq(xcom.runId, runId))).toEqual([]);
  });
});

describe("a scheduler with remote workers that stops gracefully", () => {
  it("keeps its lease while it waits for a remote try longer than the lease, and records the try's result", { timeout: 60_000 }, async () => {
    const { store, scheduler, received, send, runId, assign } = await setUp(1_500);
    const { key, epoch } = assign.assignment;
    send({ type: "started", key, epoch, at: Date.now() });
    const stopping = scheduler.stop({ graceful: true });
    await new Promise((r) => setTimeout(r, 3_000)); // the try runs on past the 1.5 s lease
    send({ type: "result", key, epoch, outcome: { status: "success", value: 7, pushed: {} }, at: Date.now() });
    expect(received.filter((m) => m.type === "refused")).toEqual([]);
    expect(received.filter((m) => m.type === "ack").map((m) => (m as { key: string }).key)).toEqual([key]);
    await stopping;
    const [row] = await store.db.select().from(taskInstance).where(and(eq(taskInstance.runId, runId), eq(taskInstance.taskId, "far")));
    expect(row!.state).toBe("success");
  });
});
