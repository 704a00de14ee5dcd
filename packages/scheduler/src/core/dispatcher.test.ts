// The dispatcher with an executor that routes by task queue (the remote executor, its workers
// speaking the catalog over in-process links): tries of a queue nobody serves wait in the
// scheduler, and do not take the room of other queues.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { RemoteExecutor } from "@updraft/executor";
import { migrateStore, openStore, taskInstance, type Store } from "@updraft/store";
import { PROTOCOL_VERSION, serverMessageSchema } from "@updraft/worker";
import { DagProcessor } from "../processor/dag-processor.ts";
import { Scheduler } from "./scheduler.ts";
import { SchedulerTaskHost } from "./task-host.ts";
import { TaskLogWriter } from "./task-logs.ts";

const DAG = `import { dag, task } from "@updraft/sdk";
export default dag({ id: "queues_dag", maxActiveTasks: 64 }, () => {
  for (let i = 0; i < 6; i++) task({ id: "gpu_" + i, queue: "gpu", priorityWeight: 10 }, () => i)();
  for (let i = 0; i < 6; i++) task("cpu_" + i, () => i)();
});
`;

/** A worker that answers every assignment at once with a success. */
function instantWorker(executor: RemoteExecutor, name: string, queues: string[]): { ran: string[] } {
  const ran: string[] = [];
  const session = executor.connect({
    send: (m) => {
      const msg = serverMessageSchema.parse(JSON.parse(JSON.stringify(m)));
      if (msg.type !== "assign") return;
      const { key, taskId, epoch = 0 } = msg.assignment;
      ran.push(taskId);
      setImmediate(() => {
        session.receive(JSON.stringify({ v: PROTOCOL_VERSION, type: "started", key, epoch, at: Date.now() }));
        session.receive(JSON.stringify({ v: PROTOCOL_VERSION, type: "result", key, epoch, at: Date.now(), outcome: { status: "success", value: null, pushed: {} } }));
      });
    },
    close: () => undefined,
  });
  session.receive(JSON.stringify({ v: PROTOCOL_VERSION, type: "hello", workerId: name, name, hostname: "h", pid: 1, version: "test", queues, capacity: 1, running: [], draining: false }));
  return { ran };
}

let dir: string;
let store: Store;
let scheduler: Scheduler;
let executor: RemoteExecutor;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-dispatcher-"));
  const home = join(dir, "home");
  const dagsFolder = join(dir, "dags");
  await mkdir(dagsFolder, { recursive: true });
  await writeFile(join(dagsFolder, "queues_dag.ts"), DAG);
  store = await openStore({ url: `file:${join(dir, "updraft.db")}` });
  await migrateStore(store);
  const results = await new DagProcessor({ store, dagsFolder, home }).processAll();
  if (results.some((r) => r.error)) throw new Error(results.map((r) => r.error).join("\n"));
  const logs = new TaskLogWriter();
  const host = new SchedulerTaskHost(store, logs);
  executor = new RemoteExecutor({ host, prefetch: 0 });
  scheduler = new Scheduler({ store, executor, host, logs, home, sweepMs: 100, scheduleRuns: false });
  await executor.start();
  await scheduler.start();
}, 60_000);

afterAll(async () => {
  await scheduler?.stop();
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function states(runId: string): Promise<Record<string, string | null>> {
  await scheduler.flushed();
  const rows = await store.db.select().from(taskInstance).where(and(eq(taskInstance.dagId, "queues_dag"), eq(taskInstance.runId, runId)));
  return Object.fromEntries(rows.map((r) => [r.taskId, r.state]));
}

describe("Dispatcher with per-queue room", () => {
  it("runs the tasks of a served queue while the tries of a queue without workers wait, and those once a worker serves it", async () => {
    const cpu = instantWorker(executor, "cpu-worker", ["default"]);
    const { runId } = await scheduler.triggerRun("queues_dag", { logicalDate: new Date(Date.UTC(2026, 0, 1)) });
    for (let i = 0; ; i++) {
      const s = await states(runId);
      if (Object.entries(s).filter(([id, st]) => id.startsWith("cpu_") && st === "success").length === 6) {
        // The higher-priority gpu tries never took the room of the default queue.
        expect(Object.entries(s).filter(([id]) => id.startsWith("gpu_")).map(([, st]) => st)).toEqual(Array(6).fill("scheduled"));
        break;
      }
      if (i > 200) throw new Error(`the default queue's tasks did not run: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(cpu.ran.every((t) => t.startsWith("cpu_"))).toBe(true);
    const gpu = instantWorker(executor, "gpu-worker", ["gpu"]);
    expect(await scheduler.waitForRun("queues_dag", runId)).toBe("success");
    expect(gpu.ran.sort()).toEqual(["gpu_0", "gpu_1", "gpu_2", "gpu_3", "gpu_4", "gpu_5"]);
  }, 30_000);
});
