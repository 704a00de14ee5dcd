// The worker socket end to end on 127.0.0.1: the API's HTTP server with `attachWorkerSocket`, a
// real RemoteExecutor behind it, and workers the test drives frame by frame over real WebSockets;
// tokens from a real libSQL database.
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LOST_CLOSE_CODE, RemoteExecutor, type ExecutorEvent, type RemoteExecutorOptions } from "@updraft/executor";
import { createToken, migrateStore, openStore, revokeToken, type Store, type TokenScope } from "@updraft/store";
import { CloseCode } from "@updraft/worker";
import { createApiApp } from "./app.ts";
import { attachWorkerSocket } from "./worker-socket.ts";
import { SocketWorker, assignment, handshake, mapHost, success } from "./testing/socket-worker.ts";

type Finished = Extract<ExecutorEvent, { type: "finished" }>;

let dir: string;
let store: Store;
const tokens = {} as Record<TokenScope, string>;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-worker-socket-"));
  store = await openStore({ url: `file:${join(dir, "updraft.db")}` });
  await migrateStore(store);
  for (const scope of ["read", "worker", "admin"] as const) tokens[scope] = (await createToken(store, { name: `${scope}-token`, scope })).token;
}, 60_000);

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** An HTTP server on 127.0.0.1 with the API and the worker socket; `gateway: false` is a process without a scheduler. */
async function server(opts: Partial<RemoteExecutorOptions> & { gateway?: boolean; recheckMs?: number } = {}) {
  const warnings: string[] = [];
  const executor = new RemoteExecutor({ host: mapHost({ greeting: "hi" }), prefetch: 0, onWarning: (w) => warnings.push(w), ...opts });
  const events: ExecutorEvent[] = [];
  executor.onEvent((e) => events.push(e));
  await executor.start();
  const workers = opts.gateway === false ? undefined : executor;
  const app = createApiApp({ store, home: dir, version: "test", trigger: () => Promise.reject(new Error("no triggers here")), workers });
  const http = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => (http.listening ? resolve() : http.once("listening", () => resolve())));
  const socket = attachWorkerSocket(http, { store, workers, ...(opts.recheckMs ? { recheckMs: opts.recheckMs } : {}) });
  const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  cleanups.push(async () => {
    await executor.stop({ graceful: false });
    socket.close();
    await new Promise((resolve) => http.close(resolve));
  });
  const finished = (key: string) => events.filter((e): e is Finished => e.type === "finished" && e.key === key);
  const worker = (name: string, workerId?: string) => new SocketWorker(baseUrl, tokens.worker, name, workerId);
  const until = async (check: () => boolean, timeoutMs = 5_000) => {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs}ms; events ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { executor, events, finished, warnings, baseUrl, worker, until, socketWorker: (token: string, name: string) => new SocketWorker(baseUrl, token, name) };
}

describe("the worker socket's handshake", () => {
  it("refuses a missing or bad token with HTTP 401 and a token without the worker scope with 403; the socket never opens", async () => {
    const { baseUrl, executor } = await server();
    const none = await handshake(baseUrl, null);
    expect(none).toMatchObject({ status: 401 });
    expect(JSON.parse((none as { body: string }).body)).toMatchObject({ status: 401, title: "Unauthorized", detail: expect.stringContaining("no credentials") });
    expect(await handshake(baseUrl, `Bearer updr_${"A".repeat(43)}`)).toMatchObject({ status: 401 });
    const read = await handshake(baseUrl, `Bearer ${tokens.read}`);
    expect(read).toMatchObject({ status: 403 });
    expect(JSON.parse((read as { body: string }).body).detail).toContain('"worker" scope');
    expect(await handshake(baseUrl, `Bearer ${tokens.worker}`)).toBe("open");
    expect(await handshake(baseUrl, `Bearer ${tokens.admin}`)).toBe("open");
    expect(executor.workers()).toEqual([]);
  });

  it("closes an open socket with 4401 once its token is revoked", async () => {
    const { socketWorker, executor } = await server({ recheckMs: 50 });
    const { token, id } = await createToken(store, { name: "soon-revoked", scope: "worker" });
    const w = socketWorker(token, "revocable");
    await w.connect();
    expect(executor.workers().map((x) => x.name)).toEqual(["revocable"]);
    await revokeToken(store, id);
    await w.until(() => w.closed);
    expect(w.closed).toMatchObject({ code: CloseCode.unauthorized, reason: expect.stringContaining("revoked") });
  });

  it("answers 503 in a process without a scheduler, after checking the token", async () => {
    const { baseUrl } = await server({ gateway: false });
    expect(await handshake(baseUrl, null)).toMatchObject({ status: 401 });
    const refused = await handshake(baseUrl, `Bearer ${tokens.worker}`);
    expect(refused).toMatchObject({ status: 503 });
    expect((refused as { body: string }).body).toContain("workers connect to the process that runs the scheduler (updraft standalone)");
  });

  it("answers a malformed first frame with protocol_error and closes with 4400; a malformed later one only with protocol_error", async () => {
    const { worker } = await server();
    const bad = worker("bad");
    await bad.open();
    bad.send({ type: "hello", workerId: "w", name: "bad", capacity: 0 });
    await bad.until(() => bad.closed);
    expect(bad.of("protocol_error")[0]?.message).toMatch(/the first message must be a valid hello: .*capacity/s);
    expect(bad.closed?.code).toBe(CloseCode.protocol);

    const good = worker("good");
    await good.connect();
    good.raw("{ not json");
    good.send({ type: "started", key: 42 });
    await good.until(() => good.of("protocol_error").length === 2);
    expect(good.of("protocol_error")[0]!.message).toMatch(/not JSON/);
    good.heartbeat();
    await new Promise((r) => setTimeout(r, 50));
    expect(good.closed).toBeNull();
  });
});

describe("placement over real sockets", () => {
  it("routes tries by queue and spreads them by free capacity", async () => {
    const { executor, worker } = await server();
    const a = worker("cpu-a");
    const b = worker("cpu-b");
    const g = worker("gpu");
    await a.connect({ capacity: 2 });
    await b.connect({ capacity: 2 });
    await g.connect({ queues: ["gpu"], capacity: 1 });
    const cpu = [assignment("t"), assignment("t"), assignment("t")];
    const gpu = assignment("train", { queue: "gpu" });
    for (const t of [...cpu, gpu]) executor.submit(t);
    await g.until(() => g.assigned().length === 1);
    await a.until(() => a.assigned().length + b.assigned().length === 3);
    expect(g.assigned()).toEqual([gpu.key]);
    expect([a.assigned().length, b.assigned().length].sort()).toEqual([1, 2]);
    expect([...a.assigned(), ...b.assigned()].sort()).toEqual(cpu.map((t) => t.key).sort());
  });

  it("an idle worker steals a try that waits behind a running one, and it runs exactly once", async () => {
    const { executor, worker, finished, until } = await server({ prefetch: 2 });
    const busy = worker("busy");
    await busy.connect({ capacity: 1 });
    const tries = [assignment("t"), assignment("t"), assignment("t")];
    for (const t of tries) executor.submit(t);
    await busy.until(() => busy.assigned().length === 3);
    busy.started(tries[0]!.key);
    const idle = worker("idle");
    await idle.connect({ capacity: 2 });
    // The busy worker gives back what it has not started, as the real worker does.
    const steal = await busy.until(() => busy.of("steal")[0]);
    expect(steal.keys.sort()).toEqual([tries[1]!.key, tries[2]!.key].sort());
    busy.send({ type: "released", keys: steal.keys });
    await idle.until(() => idle.assigned().length === 2);
    for (const key of idle.assigned()) idle.result(key, success(2));
    busy.result(tries[0]!.key, success(0));
    await until(() => tries.every((t) => finished(t.key).length === 1));
    await new Promise((r) => setTimeout(r, 50));
    for (const t of tries) expect(finished(t.key)).toHaveLength(1);
    expect(busy.assigned()).toHaveLength(3);
    expect(executor.workers().map((w) => [w.name, w.tasksDone])).toEqual([["busy", 1], ["idle", 2]]);
  });
});

describe("lost and reconnecting workers over real sockets", () => {
  it("a worker silent past the time-out is lost: its tries fail retryable with WorkerLostError, the socket is closed, a late result is ignored", async () => {
    const { executor, worker, finished, until, warnings } = await server({ timeoutMs: 300, heartbeatMs: 100 });
    const w = worker("frozen");
    const welcome = await w.connect({ capacity: 2 });
    expect(welcome).toMatchObject({ heartbeatMs: 100, timeoutMs: 300, drop: [] });
    const t = assignment("t");
    executor.submit(t);
    await w.until(() => w.assigned().length === 1);
    w.started(t.key);
    await until(() => finished(t.key).length === 1);
    expect(finished(t.key)[0]!.outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "WorkerLostError", message: expect.stringContaining('worker "frozen"') } });
    await w.until(() => w.closed);
    expect(w.closed?.code).toBe(LOST_CLOSE_CODE);
    expect(executor.workers()[0]).toMatchObject({ name: "frozen", state: "lost" });

    // It wakes up, reconnects and reports the try done: dropped, acked, no second finished.
    const again = await w.connect({ capacity: 2, running: [t.key] });
    expect(again.drop).toEqual([t.key]);
    w.result(t.key, success(9));
    await w.until(() => w.of("ack").some((m) => m.key === t.key));
    expect(finished(t.key)).toHaveLength(1);
    expect(warnings.join("\n")).toContain(`try "${t.key}", which is no longer assigned to it`);
  }, 10_000);

  it("a worker whose link is cut and comes back within the time-out keeps its tries; their results count once", async () => {
    const { executor, worker, finished, until } = await server({ timeoutMs: 3_000 });
    const w = worker("flaky");
    await w.connect({ capacity: 2 });
    const [a, b] = [assignment("t"), assignment("t")];
    executor.submit(a);
    executor.submit(b);
    await w.until(() => w.assigned().length === 2);
    w.started(a.key);
    w.started(b.key);
    w.cut();
    await until(() => executor.workers()[0]?.state === "disconnected");
    const welcome = await w.connect({ capacity: 2, running: [a.key, b.key] });
    expect(welcome.drop).toEqual([]);
    expect(executor.workers()[0]).toMatchObject({ state: "online", running: 2 });
    w.result(a.key, success(1));
    w.result(b.key, success(2));
    w.result(b.key, success(2)); // sent again (its ack was lost): acked, ignored
    await until(() => finished(a.key).length === 1 && finished(b.key).length === 1);
    await w.until(() => w.of("ack").length === 3);
    expect(finished(b.key)).toHaveLength(1);
    expect(finished(a.key)[0]!.outcome).toEqual(success(1));
  }, 10_000);
});

describe("GET /api/updraft/workers", () => {
  it("lists the workers in snake_case with total_entries; read scope", async () => {
    const { executor, worker, baseUrl } = await server();
    const w = worker("lister");
    await w.connect({ queues: ["default", "gpu"], capacity: 3 });
    const t = assignment("t");
    executor.submit(t);
    await w.until(() => w.assigned().length === 1);
    w.started(t.key);
    await w.until(() => executor.workers()[0]?.running === 1);
    const res = await fetch(`${baseUrl}/api/updraft/workers`, { headers: { authorization: `Bearer ${tokens.read}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { workers: Array<Record<string, unknown>>; total_entries: number };
    expect(body.total_entries).toBe(1);
    expect(body.workers[0]).toMatchObject({
      worker_id: w.workerId, name: "lister", hostname: "test-host", pid: process.pid, version: "test", address: "127.0.0.1", queues: ["default", "gpu"],
      capacity: 3, state: "online", running: 1, tasks_done: 0, tasks_failed: 0, lost_at: null,
      tries: [{ key: t.key, dag_id: "socket_test", dag_run_id: "manual__1", task_id: "t", map_index: -1, try_number: t.tryNumber, started: true }],
    });
    expect(Date.parse(String(body.workers[0]!.last_heartbeat))).toBeGreaterThan(0);
    const denied = await fetch(`${baseUrl}/api/updraft/workers`, { headers: { authorization: `Bearer ${tokens.worker}` } });
    expect(denied.status).toBe(403);
    const metrics = await (await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${tokens.read}` } })).text();
    expect(metrics).toContain("updraft_workers 1");
    expect(metrics).toContain('updraft_workers_by_state{state="online"} 1');
  });

  it("answers 503 in a process without a scheduler", async () => {
    const { baseUrl } = await server({ gateway: false });
    const res = await fetch(`${baseUrl}/api/updraft/workers`, { headers: { authorization: `Bearer ${tokens.read}` } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 503, title: "Service Unavailable", detail: "workers connect to the process that runs the scheduler (updraft standalone)" });
  });
});

describe("the worker socket under a log flood", () => {
  it("reads the next frame only after a turn of the event loop when one is large, so a flooding worker holds the main thread one frame at a time", async () => {
    // Counted, not timed: the turn of this process's event loop in which each log frame reached the host.
    let turn = 0;
    let turning = true;
    const tick = (): void => {
      turn++;
      if (turning) setImmediate(tick);
    };
    setImmediate(tick);
    const host = mapHost();
    const turnsOfFrames: number[] = [];
    const record = host.log;
    host.log = (key, lines) => {
      turnsOfFrames.push(turn);
      record(key, lines);
    };
    const { executor, worker } = await server({ host });
    const w = worker("flooder");
    await w.connect();
    const t = assignment("t");
    executor.submit(t);
    await w.until(() => w.assigned().includes(t.key));
    w.started(t.key);
    const FRAMES = 40;
    const lines = Array.from({ length: 100 }, (_, i) => ({ at: 1, level: "info" as const, message: `${i} ${"x".repeat(1_000)}` }));
    for (let i = 0; i < FRAMES; i++) w.log(t.key, lines); // ~100 KiB each, all sent at once
    await w.until(() => turnsOfFrames.length === FRAMES, 60_000);
    turning = false;
    expect(new Set(turnsOfFrames).size).toBe(FRAMES);
  }, 90_000);
});
