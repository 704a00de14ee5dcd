// GET /api/updraft/ui/workers over the Hono app, with real parts: DAG files parsed by the DAG
// processor and run by the scheduler on the remote executor, whose local member is a real thread
// pool, with one remote worker connected over an in-process link; a libSQL file.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { createToken, migrateStore, openStore, taskInstance, taskInstanceHistory, type Store } from "@updraft/store";
import { DagProcessor, Scheduler, SchedulerTaskHost, TaskLogWriter } from "@updraft/scheduler";
import { RemoteExecutor, ThreadsExecutor, type Executor } from "@updraft/executor";
import { PROTOCOL_VERSION } from "@updraft/worker";
import { createApiApp } from "../../app.ts";
import type { ApiApp } from "../../types.ts";
import type { Principal } from "../../auth.ts";
import type { LocalPoolView } from "../../types.ts";
import { recentTries, throughput } from "./worker-activity.ts";

const DAG_A = `import { dag, task } from "@updraft/sdk";
const one = task("one", () => 1);
const two = task({ id: "two", retries: 1, retryDelay: "50ms" }, (ctx) => { if (ctx.tryNumber === 1) throw new Error("first try fails"); return 2; });
export default dag({ id: "stream_a" }, () => { one(); two(); });
`;
const DAG_B = `import { dag, task } from "@updraft/sdk";
export default dag({ id: "stream_b" }, () => { task("solo", () => null)(); });
`;

let dir: string;
let store: Store;
let app: ApiApp;
let bare: ApiApp;
let executor: RemoteExecutor;
let scheduler: Scheduler;
let local: ThreadsExecutor | null = null;
let readToken: string;
const host = hostname();

/** What the CLI's localPoolView answers, from the same thread pool. */
function poolView(threads: Executor & { threads(): ReturnType<ThreadsExecutor["threads"]> }): () => LocalPoolView {
  return () => {
    const s = threads.stats();
    return {
      executor: "threads", hostname: host, queues: ["default"], threads: threads.threads(),
      running: s.running, queued: s.queued, capacity: s.capacity, tasksDone: 3, tasksFailed: 1, startedAt: Date.now() - 1000,
    };
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-ui-workers-"));
  const home = join(dir, "home");
  const dagsFolder = join(dir, "dags");
  await mkdir(dagsFolder, { recursive: true });
  await writeFile(join(dagsFolder, "stream_a.ts"), DAG_A);
  await writeFile(join(dagsFolder, "stream_b.ts"), DAG_B);
  store = await openStore({ url: `file:${join(dir, "updraft.db")}` });
  await migrateStore(store);
  const results = await new DagProcessor({ store, dagsFolder, home }).processAll();
  if (results.some((r) => r.error)) throw new Error(results.map((r) => r.error).join("\n"));

  const logs = new TaskLogWriter();
  const taskHost = new SchedulerTaskHost(store, logs);
  executor = new RemoteExecutor({
    host: taskHost,
    local: { executor: (h) => (local = new ThreadsExecutor({ host: h, maxThreads: 2 })), queues: ["default"] },
  });
  scheduler = new Scheduler({ store, executor, host: taskHost, logs, home, sweepMs: 100, scheduleRuns: false, onError: (e) => console.error(e) });
  await executor.start();
  await scheduler.start();
  for (const dagId of ["stream_a", "stream_b"]) {
    const { runId } = await scheduler.triggerRun(dagId, {});
    await scheduler.waitForRun(dagId, runId);
  }
  await scheduler.flushed();

  // A remote worker that serves a queue no task uses: it is listed, it runs nothing.
  const session = executor.connect({ send: () => undefined, close: () => undefined }, { address: "10.0.0.7", principal: "token:1" });
  session.receive(JSON.stringify({
    v: PROTOCOL_VERSION, type: "hello", workerId: "w-gpu-1", name: "gpu-box", hostname: "gpu-box.local", pid: 77, version: "test",
    queues: ["gpu"], capacity: 4, running: [], draining: false,
  }));

  readToken = (await createToken(store, { name: "read", scope: "read" })).token;
  const deps = { store, home, version: "test", trigger: () => Promise.reject(new Error("no triggers here")), events: { subscribe: () => () => undefined } };
  app = createApiApp({ ...deps, workers: executor, localPool: poolView(local!) });
  bare = createApiApp(deps);
}, 90_000);

afterAll(async () => {
  await scheduler?.stop({ graceful: false });
  await executor?.stop({ graceful: false });
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const get = async (a: ApiApp, path: string) => {
  const res = await a.request(path, { headers: { authorization: `Bearer ${readToken}` } });
  return { status: res.status, body: (await res.json()) as any };
};

describe("GET /api/updraft/ui/workers", () => {
  it("answers the remote workers, the local pool, the recent tries on their threads and the throughput per host and minute", async () => {
    const { status, body } = await get(app, "/api/updraft/ui/workers");
    expect(status).toBe(200);
    expect(body.window_minutes).toBe(10);
    expect(body.scheduler).toBe(true);
    expect(body.workers).toEqual([expect.objectContaining({ worker_id: "w-gpu-1", name: "gpu-box", state: "online", queues: ["gpu"], capacity: 4, running: 0, tries: [] })]);
    expect(body.local).toMatchObject({ executor: "threads", hostname: host, queues: ["default"], tasks_done: 3, tasks_failed: 1 });
    expect(body.local.threads.length).toBeGreaterThan(0);
    expect(body.local.threads[0]).toEqual({ name: expect.stringMatching(/^thread-\d+$/), state: expect.any(String), jobs: expect.any(Number), jobs_run: expect.any(Number), heap_used_mb: expect.any(Number) });

    // Four tries ran: stream_a's "one", its "two" twice (the first failed), stream_b's "solo".
    expect(body.tries).toHaveLength(4);
    expect(body.tries_truncated).toBe(false);
    for (const t of body.tries) {
      expect(t.hostname).toMatch(new RegExp(`^${host.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/thread-\\d+$`));
      expect(Date.parse(t.end_date)).toBeGreaterThanOrEqual(Date.parse(t.start_date));
    }
    const two = body.tries.filter((t: any) => t.task_id === "two").sort((a: any, b: any) => a.try_number - b.try_number);
    expect(two.map((t: any) => [t.try_number, t.state])).toEqual([[1, "failed"], [2, "success"]]);
    // Newest first.
    const ends = body.tries.map((t: any) => Date.parse(t.end_date));
    expect(ends).toEqual([...ends].sort((a, b) => b - a));

    const done = body.throughput.reduce((n: number, b: any) => n + b.done, 0);
    const failed = body.throughput.reduce((n: number, b: any) => n + b.failed, 0);
    expect([done, failed]).toEqual([4, 1]);
    for (const b of body.throughput) expect(new Date(b.minute).getUTCSeconds()).toBe(0);
  });

  it("shows a running try with no end, on the thread that runs it", async () => {
    const where = and(eq(taskInstance.dagId, "stream_b"), eq(taskInstance.taskId, "solo"));
    const started = new Date(Date.now() - 5_000);
    await store.db.update(taskInstance).set({ state: "running", tryNumber: 2, hostname: `${host}/thread-9`, startDate: started, endDate: null }).where(where);
    try {
      const { body } = await get(app, "/api/updraft/ui/workers");
      expect(body.tries[0]).toMatchObject({ dag_id: "stream_b", task_id: "solo", try_number: 2, state: "running", hostname: `${host}/thread-9`, end_date: null });
      expect(Date.parse(body.tries[0].start_date)).toBe(started.getTime());
      expect(body.tries).toHaveLength(5);
    } finally {
      await store.db.update(taskInstance).set({ state: "success", tryNumber: 1 }).where(where);
    }
  });

  it("leaves out tries that ended before the window", async () => {
    const old = new Date(Date.now() - 3 * 60_000);
    const where = and(eq(taskInstanceHistory.dagId, "stream_b"), eq(taskInstanceHistory.taskId, "solo"));
    const [row] = await store.db.select().from(taskInstanceHistory).where(where);
    await store.db.update(taskInstanceHistory).set({ startDate: new Date(old.getTime() - 1000), endDate: old }).where(where);
    try {
      const { body } = await get(app, "/api/updraft/ui/workers?minutes=2");
      expect(body.window_minutes).toBe(2);
      expect(body.tries.map((t: any) => t.dag_id)).not.toContain("stream_b");
      expect(body.throughput.reduce((n: number, b: any) => n + b.done, 0)).toBe(3);
    } finally {
      await store.db.update(taskInstanceHistory).set({ startDate: row!.startDate, endDate: row!.endDate }).where(where);
    }
  });

  it("answers a process without a scheduler with no workers and no pool, and the tries from the store", async () => {
    const { status, body } = await get(bare, "/api/updraft/ui/workers");
    expect(status).toBe(200);
    expect(body).toMatchObject({ scheduler: false, local: null, workers: [] });
    expect(body.tries).toHaveLength(4);
  });

  it("refuses a window outside 1..60 minutes, naming the parameter", async () => {
    for (const minutes of ["0", "61", "ten"]) {
      const { status, body } = await get(app, `/api/updraft/ui/workers?minutes=${minutes}`);
      expect(status).toBe(400);
      expect(body.detail).toContain("minutes");
    }
  });

  it("is described in /openapi.json", async () => {
    const { body } = await get(app, "/openapi.json");
    expect(body.paths["/api/updraft/ui/workers"].get.summary).toMatch(/workers view/);
  });
});

describe("recentTries and throughput", () => {
  const since = () => new Date(Date.now() - 10 * 60_000);
  const who = (dags: string[] | null): Principal => ({ name: "token:9", scope: "read", dags });

  it("keep to the DAG patterns of restricted credentials", async () => {
    expect((await recentTries(store, since(), who(["stream_b"]), 100)).tries.map((t) => t.dagId)).toEqual(["stream_b"]);
    expect((await recentTries(store, since(), who(["stream_*"]), 100)).tries).toHaveLength(4);
    expect((await recentTries(store, since(), who(["other", "*_a"]), 100)).tries.map((t) => t.dagId)).toEqual(["stream_a", "stream_a", "stream_a"]);
    expect((await throughput(store, since(), who(["stream_b"]))).reduce((n, b) => n + b.done, 0)).toBe(1);
  });

  it("read a pattern's ? and [ as plain characters, as the API's DAG restriction does", async () => {
    expect((await recentTries(store, since(), who(["stream_?"]), 100)).tries).toEqual([]);
    expect((await recentTries(store, since(), who(["[s]tream_a"]), 100)).tries).toEqual([]);
  });

  it("say when more tries matched than the limit", async () => {
    const { tries, truncated } = await recentTries(store, since(), who(null), 2);
    expect(tries).toHaveLength(2);
    expect(truncated).toBe(true);
  });
});
