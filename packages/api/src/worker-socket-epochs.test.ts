// The worker socket with real schedulers behind it, on 127.0.0.1: scheduler A hands a try to a
// worker over a real WebSocket and dies; scheduler B takes the lease over (epoch 2) and dispatches
// the task again. The worker, reconnecting to B, reports A's try: B refuses it at receipt (the
// worker is told, with no ack) and records nothing of it, and takes the result of its own. And the socket's largest
// frame, derived from the XCom limit: a larger frame closes the connection before the server
// buffers it or the executor sees it.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RemoteExecutor } from "@updraft/executor";
import { DagProcessor, Scheduler, SchedulerTaskHost, TaskLogWriter, type SchedulerLeaseLostError } from "@updraft/scheduler";
import { createToken, migrateStore, openStore, schedulerLease, taskInstance, taskInstanceHistory, xcom, type Store } from "@updraft/store";
import { maxWorkerFrameBytes } from "@updraft/worker";
import { createApiApp } from "./app.ts";
import { attachWorkerSocket } from "./worker-socket.ts";
import { SocketWorker, success } from "./testing/socket-worker.ts";

const DAG = `import { dag, task } from "@updraft/sdk";
export default dag({ id: "epochs" }, () => {
  task({ id: "answer", queue: "remote" }, () => 42)();
});
`;

let dir: string;
let home: string;
let dbUrl: string;
let token: string;
const stores: Store[] = [];
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-socket-epochs-"));
  home = join(dir, "home");
  const dagsFolder = join(dir, "dags");
  await mkdir(dagsFolder, { recursive: true });
  await writeFile(join(dagsFolder, "epochs.ts"), DAG);
  dbUrl = `file:${join(dir, "updraft.db")}`;
  const store = await openStore({ url: dbUrl });
  stores.push(store);
  await migrateStore(store);
  const results = await new DagProcessor({ store, dagsFolder, home }).processAll();
  if (results.some((r) => r.error)) throw new Error(results.map((r) => r.error).join("\n"));
  token = (await createToken(store, { name: "worker-token", scope: "worker" })).token;
}, 120_000);

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  for (const s of stores.splice(0)) await s.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A server process as `updraft standalone` builds it: a store, a scheduler over a remote executor, the worker socket. */
async function standalone() {
  const store = await openStore({ url: dbUrl });
  stores.push(store);
  const logs = new TaskLogWriter();
  const host = new SchedulerTaskHost(store, logs);
  const warnings: string[] = [];
  const executor = new RemoteExecutor({ host, prefetch: 0, onWarning: (w) => warnings.push(w) });
  const lost: SchedulerLeaseLostError[] = [];
  const scheduler = new Scheduler({
    store, executor, host, logs, home, sweepMs: 100, scheduleRuns: false, leaseMs: 60_000,
    onLeaseLost: (err) => lost.push(err), onError: (err) => warnings.push(`error: ${String(err)}`),
  });
  await executor.start();
  await scheduler.start();
  const app = createApiApp({ store, home, version: "test", trigger: (dagId, req) => scheduler.triggerRun(dagId, req), workers: executor });
  const http = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => (http.listening ? resolve() : http.once("listening", () => resolve())));
  const socket = attachWorkerSocket(http, { store, workers: executor });
  const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  cleanups.push(async () => {
    await scheduler.stop().catch(() => undefined);
    socket.close();
    await new Promise((resolve) => http.close(resolve));
  });
  return { store, scheduler, executor, warnings, lost, worker: (name: string, id?: string) => new SocketWorker(baseUrl, token, name, id) };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("a worker reporting a try of a scheduler whose lease was taken over", () => {
  it("is refused by the new scheduler at receipt, and nothing of that try is recorded; the new try's result is", { timeout: 120_000 }, async () => {
    const a = await standalone();
    const w = a.worker("w", "worker-1");
    await w.connect({ queues: ["remote"] });
    const { runId } = await a.scheduler.triggerRun("epochs");
    const sent = await w.until(() => w.of("assign")[0]);
    const keyA = sent.assignment.key;
    expect(sent.assignment.epoch).toBe(1);

    // A dies without a word (its process gone on this host): B takes the lease over at once.
    await a.store.write((tx) => tx.update(schedulerLease).set({ pid: 2 ** 22 + 1 }));
    const b = await standalone();
    const [lease] = await b.store.db.select().from(schedulerLease);
    expect(lease!.epoch).toBe(2);
    await until("A to find its lease lost", () => a.lost.length > 0);
    await until("A's executor to close the worker's connection", () => w.closed !== null);

    // The worker (same id) reconnects to B still holding A's try; B has dispatched the task again.
    const wb = b.worker("w", "worker-1");
    const welcome = await wb.connect({ queues: ["remote"], running: [{ key: keyA, epoch: 1 }] });
    expect(welcome.drop).toEqual([keyA]);
    const again = await wb.until(() => wb.of("assign").find((m) => m.assignment.epoch === 2));
    const keyB = again.assignment.key;

    wb.result(keyA, success(1), 1); // A's result, as a frame sent before the worker dropped it
    const refused = await wb.until(() => wb.of("refused")[0]);
    expect(refused).toEqual({
      v: 3, type: "refused", key: keyA, epoch: 1,
      reason: `try "${keyA}" was dispatched under scheduler epoch 1, and the current epoch is 2 (another scheduler has taken over since): refused`,
    });
    expect(wb.of("ack")).toEqual([]);
    await b.scheduler.flushed();
    const row = async () => (await b.store.db.select().from(taskInstance).where(and(eq(taskInstance.runId, runId), eq(taskInstance.taskId, "answer"))))[0]!;
    expect((await row()).state).toBe("queued");
    expect(await b.store.db.select().from(xcom).where(eq(xcom.runId, runId))).toEqual([]);
    const history = await b.store.db.select().from(taskInstanceHistory).where(eq(taskInstanceHistory.runId, runId));
    expect(history.filter((h) => h.state === "success")).toEqual([]);

    wb.started(keyB, 2);
    wb.result(keyB, success(42), 2);
    expect(await b.scheduler.waitForRun("epochs", runId)).toBe("success");
    expect(await row()).toMatchObject({ state: "success", tryNumber: again.assignment.tryNumber });
    const [value] = await b.store.db.select().from(xcom).where(eq(xcom.runId, runId));
    expect(value!.value).toBe(42);
  });
});

describe("the worker socket's largest frame", () => {
  afterEach(() => {
    delete process.env.UPDRAFT_MAX_XCOM_BYTES;
    delete process.env.UPDRAFT_MAX_VARIABLE_BYTES;
  });

  it("is derived from the XCom limit (5 MiB by default, not 64 MiB): a larger frame closes the connection (1009) unread, and the worker is told the figure", { timeout: 60_000 }, async () => {
    process.env.UPDRAFT_MAX_XCOM_BYTES = "2048";
    process.env.UPDRAFT_MAX_VARIABLE_BYTES = "1024";
    expect(maxWorkerFrameBytes()).toBe(4 * 2048 + 1024 * 1024);
    const s = await standalone();
    const w = s.worker("big");
    const welcome = await w.connect();
    expect(welcome.maxFrameBytes).toBe(4 * 2048 + 1024 * 1024);
    w.raw(JSON.stringify({ v: 3, type: "log", key: "k", epoch: 1, lines: [{ at: 1, level: "info", message: "x".repeat(1024 * 1024) }] })); // under it: taken
    w.raw(JSON.stringify({ v: 3, type: "draining", pad: "x".repeat(2 * 1024 * 1024) })); // over it
    await w.until(() => w.closed);
    expect(w.closed!.code).toBe(1009);
    expect(w.of("protocol_error")).toEqual([]);
    // The drain frame was never read: the worker is disconnected, not draining.
    expect(await until("the server to see the close", () => s.executor.workers().find((x) => x.state !== "online")?.state)).toBe("disconnected");

    delete process.env.UPDRAFT_MAX_XCOM_BYTES;
    delete process.env.UPDRAFT_MAX_VARIABLE_BYTES;
    expect(maxWorkerFrameBytes()).toBe(5 * 1024 * 1024);
  });
});
