// The remote executor with workers the test drives frame by frame (in-process links carrying the
// catalog's JSON text), and, for the local member, real worker threads.
import { afterEach, describe, expect, it } from "vitest";
import { CloseCode } from "@updraft/worker";
import type { ExecutorEvent } from "../executor.ts";
import { ThreadsExecutor } from "../threads/threads-executor.ts";
import { LOST_CLOSE_CODE, RemoteExecutor, type RemoteExecutorOptions } from "./remote-executor.ts";
import { ScriptedWorker, assignment, success, testHost } from "./fixtures/scripted-worker.ts";
import type { WorkerEvent } from "./types.ts";

type Finished = Extract<ExecutorEvent, { type: "finished" }>;

const executors: RemoteExecutor[] = [];
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.stop({ graceful: false })));
});

async function open(opts: Partial<RemoteExecutorOptions> = {}) {
  const t = testHost({ greeting: "hi" });
  const warnings: string[] = [];
  const executor = new RemoteExecutor({ host: t.host, prefetch: 0, onWarning: (w) => warnings.push(w), ...opts });
  executors.push(executor);
  const events: ExecutorEvent[] = [];
  const workerEvents: WorkerEvent[] = [];
  executor.onEvent((e) => events.push(e));
  executor.onWorkerEvent((e) => workerEvents.push(e));
  await executor.start();
  const finished = (key: string) => events.filter((e): e is Finished => e.type === "finished" && e.key === key);
  const until = async (check: () => boolean, timeoutMs = 3_000) => {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs}ms; events ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { executor, events, workerEvents, warnings, finished, until, ...t };
}

describe("RemoteExecutor: placement", () => {
  it("routes a try to a worker serving its queue, and holds one for a queue nobody serves until a worker serving it joins", async () => {
    const { executor } = await open();
    const cpu = new ScriptedWorker("cpu").connect(executor, { queues: ["default"] });
    const a = assignment("add", [1, 2]);
    const g = assignment("add", [3, 4], { queue: "gpu" });
    executor.submit(a);
    executor.submit(g);
    expect(cpu.assigned()).toEqual([a.key]);
    expect(executor.stats().queues).toEqual({ default: { capacity: 1, inFlight: 1 }, gpu: { capacity: 0, inFlight: 1 } });
    const gpu = new ScriptedWorker("gpu").connect(executor, { queues: ["gpu"] });
    expect(gpu.assigned()).toEqual([g.key]);
    expect(cpu.assigned()).toEqual([a.key]);
  });

  it("spreads tries by free capacity and holds no more than capacity plus prefetch", async () => {
    const { executor } = await open({ prefetch: 1 });
    const big = new ScriptedWorker("big").connect(executor, { capacity: 3 });
    const small = new ScriptedWorker("small").connect(executor, { capacity: 1 });
    const tries = Array.from({ length: 8 }, (_, i) => assignment("add", [i, 0]));
    for (const a of tries) executor.submit(a);
    expect(big.assigned()).toHaveLength(4);
    expect(small.assigned()).toHaveLength(2);
    expect(big.assigned().slice(0, 3)).toEqual([tries[0]!.key, tries[1]!.key, tries[2]!.key]);
    expect(executor.stats()).toMatchObject({ queued: 8, running: 0, capacity: 4, threads: 2 });
    // A result frees room: the first pending try goes there.
    small.result(small.assigned()[0]!);
    expect(small.assigned()).toHaveLength(3);
    expect(small.assigned()[2]).toBe(tries[6]!.key);
  });

  it("reports started with the worker's name and finished once with its outcome, and acks the result", async () => {
    const { executor, events, finished } = await open();
    const w = new ScriptedWorker("w1").connect(executor);
    const a = assignment("add", [1, 2]);
    executor.submit(a);
    w.started(a.key);
    w.log(a.key, [{ at: 1, level: "info", message: "adding" }]);
    w.result(a.key, success(3));
    expect(events.find((e) => e.type === "started")).toMatchObject({ key: a.key, worker: "w1" });
    // The start is recorded before the worker may run the try's code: it is answered with go.
    expect(w.of("go").map((m) => m.key)).toEqual([a.key]);
    expect(finished(a.key)).toHaveLength(1);
    expect(finished(a.key)[0]!.outcome).toEqual(success(3));
    expect(w.of("ack").map((m) => m.key)).toEqual([a.key]);
    expect(executor.workers()[0]).toMatchObject({ name: "w1", tasksDone: 1, tasksFailed: 0, state: "online", tries: [] });
  });
});

describe("RemoteExecutor: work stealing", () => {
  it("an idle worker takes a try that waits on a loaded one; the victim decides, so it runs once", async () => {
    const { executor, finished } = await open({ prefetch: 2 });
    const busy = new ScriptedWorker("busy").connect(executor, { capacity: 1 });
    const tries = [assignment("nap", [10]), assignment("nap", [10]), assignment("nap", [10])];
    for (const a of tries) executor.submit(a);
    busy.started(tries[0]!.key);
    const idle = new ScriptedWorker("idle").connect(executor, { capacity: 2 });
    const steal = await busy.until((w) => w.of("steal")[0]);
    expect(steal.keys).toEqual([tries[2]!.key, tries[1]!.key]);
    busy.started(tries[1]!.key); // it had begun this one before the steal arrived
    busy.send({ type: "released", keys: [tries[2]!.key] }); // so it gives back only the other
    expect(idle.assigned()).toEqual([tries[2]!.key]);
    idle.result(tries[2]!.key, success(2));
    busy.result(tries[1]!.key, success(1));
    busy.result(tries[0]!.key, success(0));
    for (const a of tries) expect(finished(a.key)).toHaveLength(1);
    expect(finished(tries[2]!.key)[0]!.outcome).toEqual(success(2));
    expect(idle.of("steal")).toEqual([]);
  });

  it("asks nothing back while tries of the idle worker's queues are pending", async () => {
    const { executor } = await open({ prefetch: 0 });
    const a = new ScriptedWorker("a").connect(executor, { capacity: 1 });
    executor.submit(assignment("add"));
    executor.submit(assignment("add"));
    const b = new ScriptedWorker("b").connect(executor, { capacity: 1 });
    expect(b.assigned()).toHaveLength(1);
    expect(a.of("steal")).toEqual([]);
  });
});

describe("RemoteExecutor: lost workers", () => {
  it("a worker silent past the time-out is lost: its tries fail retryable with WorkerLostError; a late result is ignored", async () => {
    const { executor, finished, workerEvents, warnings, until } = await open({ timeoutMs: 150 });
    const w = new ScriptedWorker("doomed").connect(executor, { capacity: 2 });
    const [a, b] = [assignment("nap", [10]), assignment("nap", [10])];
    executor.submit(a);
    executor.submit(b);
    w.started(a.key);
    await until(() => finished(a.key).length > 0);
    const outcome = finished(a.key)[0]!.outcome;
    expect(outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "WorkerLostError" } });
    expect(outcome.status === "failed" && outcome.error.message).toMatch(/task "remote_test.nap" \(try \d+\) was lost with worker "doomed": no heartbeat for 150ms \(it had started\)/);
    // b had not started: it never ran, so it waits for another worker with no try charged.
    expect(finished(b.key)).toEqual([]);
    expect(w.closedWith?.code).toBe(LOST_CLOSE_CODE);
    expect(executor.workers()[0]).toMatchObject({ name: "doomed", state: "lost", tasksFailed: 1 });
    expect(workerEvents.map((e) => e.type)).toEqual(["joined", "lost"]);
    expect(executor.stats()).toMatchObject({ capacity: 0, threads: 0, queued: 1 });

    // It comes back (its process was only frozen) and reports the try as finished: dropped, ignored.
    w.connect(executor, { running: [a.key] });
    expect(w.of("welcome").at(-1)?.drop).toEqual([a.key]);
    w.result(a.key, success(7));
    expect(finished(a.key)).toHaveLength(1);
    expect(w.of("ack").map((m) => m.key)).toContain(a.key);
    expect(warnings.some((x) => x.includes(a.key) && x.includes("ignored"))).toBe(true);
    expect(workerEvents.at(-1)?.type).toBe("joined");
  });

  it("heartbeats keep a worker alive", async () => {
    const { executor, finished } = await open({ timeoutMs: 120 });
    const w = new ScriptedWorker("steady").connect(executor);
    const a = assignment("nap", [10]);
    executor.submit(a);
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 40));
      w.heartbeat([a.key]);
    }
    expect(finished(a.key)).toEqual([]);
    expect(executor.workers()[0]!.state).toBe("online");
  });

  it("a try a worker's heartbeats stop listing is placed again when not started, and fails as lost when started", async () => {
    const { executor, finished, warnings, until } = await open({ timeoutMs: 2_000, heartbeatMs: 50 });
    const w = new ScriptedWorker("forgetful").connect(executor, { capacity: 2 });
    const [a, b] = [assignment("nap", [10]), assignment("nap", [10])];
    executor.submit(a);
    executor.submit(b);
    w.started(a.key);
    w.heartbeat([a.key, b.key]); // in time: both listed
    await new Promise((r) => setTimeout(r, 150));
    w.heartbeat([]); // it lost both (an assign that never arrived, a try that vanished)
    await until(() => finished(a.key).length === 1);
    expect(finished(a.key)[0]!.outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "WorkerLostError" } });
    expect(finished(b.key)).toEqual([]);
    expect(w.assigned().filter((k) => k === b.key)).toHaveLength(2); // sent again
    expect(warnings.some((x) => x.includes(b.key) && x.includes("placed again"))).toBe(true);
  });

  it("a worker that reconnects within the time-out keeps its tries; one it no longer reports is placed again", async () => {
    const { executor, finished, workerEvents } = await open({ timeoutMs: 2_000 });
    const w = new ScriptedWorker("flaky").connect(executor, { capacity: 2 });
    const [a, b] = [assignment("nap", [10]), assignment("nap", [10])];
    executor.submit(a);
    executor.submit(b);
    w.started(a.key);
    w.disconnect();
    expect(executor.workers()[0]!.state).toBe("disconnected");
    const other = new ScriptedWorker("other").connect(executor, { capacity: 2 });
    expect(other.assigned()).toEqual([]); // the tries stay with the disconnected worker meanwhile
    w.connect(executor, { capacity: 2, running: [a.key, "remote_test/manual__1/ghost/-1/1"] });
    expect(w.of("welcome").at(-1)?.drop).toEqual(["remote_test/manual__1/ghost/-1/1"]);
    expect(other.assigned()).toEqual([b.key]); // lost in transit: placed again
    w.result(a.key, success(5));
    other.result(b.key, success(6));
    expect(finished(a.key).map((e) => e.outcome)).toEqual([success(5)]);
    expect(finished(b.key).map((e) => e.outcome)).toEqual([success(6)]);
    expect(workerEvents.map((e) => `${e.type}:${e.worker.name}`)).toEqual(["joined:flaky", "left:flaky", "joined:other", "reconnected:flaky"]);
  });

  it("counts a disconnected worker's time-out from the moment its connection closed", async () => {
    const { executor, finished, until } = await open({ timeoutMs: 250 });
    const w = new ScriptedWorker("away").connect(executor);
    const a = assignment("nap", [10]);
    executor.submit(a);
    await new Promise((r) => setTimeout(r, 150)); // silent a while, then the link drops
    w.disconnect();
    await new Promise((r) => setTimeout(r, 150)); // silent 300ms in all, but away only 150ms
    w.connect(executor, { running: [a.key] });
    w.result(a.key, success(1));
    expect(finished(a.key).map((e) => e.outcome)).toEqual([success(1)]);

    const b = assignment("nap", [10]);
    executor.submit(b);
    w.started(b.key);
    w.disconnect();
    await until(() => finished(b.key).length === 1);
    const outcome = finished(b.key)[0]!.outcome;
    expect(outcome.status === "failed" && outcome.error.message).toMatch(/lost with worker "away": disconnected for more than 250ms \(it had started\)/);
  });

  it("a second connection under the same worker id replaces the first", async () => {
    const { executor } = await open();
    const first = new ScriptedWorker("twin").connect(executor);
    const second = new ScriptedWorker("twin", first.workerId);
    second.connect(executor);
    expect(first.closedWith?.code).toBe(CloseCode.replaced);
    expect(executor.workers()).toHaveLength(1);
  });

  it("refuses to let another token's holder resume a worker by its id", async () => {
    const { executor, finished } = await open();
    const owner = new ScriptedWorker("owner").connect(executor, { principal: "token:1" });
    const a = assignment("nap", [10]);
    executor.submit(a);
    owner.started(a.key);
    const thief = new ScriptedWorker("owner", owner.workerId);
    thief.connect(executor, { principal: "token:2", running: [a.key] });
    expect(thief.closedWith?.code).toBe(CloseCode.protocol);
    expect(owner.closedWith).toBeNull();
    thief.result(a.key, success(666));
    owner.result(a.key, success(1));
    expect(finished(a.key).map((e) => e.outcome)).toEqual([success(1)]);
  });
});

describe("RemoteExecutor: protocol", () => {
  it("closes a connection that sends no hello in time", async () => {
    const { executor } = await open({ helloTimeoutMs: 50 });
    const sent: unknown[] = [];
    let closed: number | null = null;
    executor.connect({ send: (m) => sent.push(m), close: (code) => (closed = code) });
    await new Promise((r) => setTimeout(r, 120));
    expect(closed).toBe(CloseCode.protocol);
    expect(sent).toEqual([{ v: 3, type: "protocol_error", message: "no hello within 50ms" }]);
  });

  it("refuses a connection whose first frame is not a valid hello (protocol_error, close 4400)", async () => {
    const { executor } = await open();
    for (const frame of ['{"v":3,"type":"heartbeat","at":1,"running":[]}', "not json", '{"v":3,"type":"hello"}', '{"v":1,"type":"hello"}']) {
      const w = new ScriptedWorker("bad");
      const sent: string[] = [];
      let closed: number | null = null;
      const session = executor.connect({ send: (m) => sent.push(JSON.stringify(m)), close: (code) => void (closed = code) });
      session.receive(frame);
      expect(sent.map((s) => JSON.parse(s).type)).toEqual(["protocol_error"]);
      expect(closed).toBe(CloseCode.protocol);
      expect(w.received).toEqual([]);
    }
    expect(executor.workers()).toEqual([]);
  });

  it("answers a malformed frame after hello with protocol_error and keeps the connection", async () => {
    const { executor } = await open();
    const w = new ScriptedWorker("w").connect(executor);
    w.raw('{"v":3,"type":"result","key":"k"}');
    w.send({ type: "teleport" });
    expect(w.of("protocol_error")).toHaveLength(2);
    expect(w.of("protocol_error")[0]!.message).toMatch(/outcome|at/);
    expect(w.closedWith).toBeNull();
  });
});

describe("RemoteExecutor: host requests", () => {
  it("serves a worker's host calls and answers errors as data", async () => {
    const { executor } = await open();
    const w = new ScriptedWorker("w").connect(executor);
    const a = assignment("nap", [10]);
    executor.submit(a);
    w.started(a.key);
    w.send({ type: "request", id: 1, request: { call: "variableGet", args: { key: "greeting" } } });
    w.send({ type: "request", id: 2, request: { call: "connectionGet", args: { connId: "nope" } } });
    const responses = await w.until((x) => x.of("response").length === 2 && x.of("response"));
    expect(responses.find((r) => r.id === 1)!.result).toEqual({ ok: true, value: "hi" });
    expect(responses.find((r) => r.id === 2)!.result).toMatchObject({ ok: false, error: { name: "RangeError", message: 'connection "nope" does not exist' } });
  });

  it("refuses host calls from a worker that runs no try, and XCom reads of runs it runs no try of", async () => {
    const { executor } = await open();
    const w = new ScriptedWorker("snoop").connect(executor);
    w.send({ type: "request", id: 1, request: { call: "connectionGet", args: { connId: "prod_db" } } });
    const first = await w.until((x) => x.of("response")[0]);
    expect(first.result).toMatchObject({ ok: false, error: { name: "NotAssignedError", message: 'worker "snoop" runs no try: host call "connectionGet" refused' } });
    const a = assignment("nap", [10]);
    executor.submit(a);
    w.started(a.key);
    w.send({ type: "request", id: 2, request: { call: "xcomPull", args: { dagId: "other_dag", runId: "r1", taskId: "t", key: "return_value", mapIndex: null } } });
    const second = await w.until((x) => x.of("response").find((r) => r.id === 2));
    expect(second.result).toMatchObject({ ok: false, error: { message: 'worker "snoop" runs no try of dag "other_dag" run "r1": its XComs are not readable from it' } });
  });

  it("a try awaiting its submitted children holds no slot (secede) until the answer is sent", async () => {
    const { executor, submits, answer } = await open();
    const w = new ScriptedWorker("w").connect(executor, { capacity: 1 });
    const parent = assignment("parent", [1]);
    const child = assignment("square", [0]);
    executor.submit(parent);
    executor.submit(child);
    w.started(parent.key);
    expect(w.assigned()).toEqual([parent.key]);
    w.send({ type: "request", id: 7, request: { call: "submit", args: { key: parent.key, seq: 0, taskId: "square", args: [0] } } });
    expect(w.assigned()).toEqual([parent.key, child.key]);
    expect(executor.stats().queues?.default).toEqual({ capacity: 1, inFlight: 1 });
    await w.until(() => submits.length === 1);
    answer(parent.key, 0, { ok: true, value: 0 });
    const response = await w.until((x) => x.of("response")[0]);
    expect(response).toMatchObject({ id: 7, result: { ok: true, value: { ok: true, value: 0 } } });
    expect(executor.stats().queues?.default).toEqual({ capacity: 1, inFlight: 2 });
  });

  it("refuses a submit for a try that is not the worker's", async () => {
    const { executor, submits } = await open();
    const w = new ScriptedWorker("w").connect(executor);
    w.send({ type: "request", id: 3, request: { call: "submit", args: { key: "someone/else/t/-1/1", seq: 0, taskId: "t", args: [] } } });
    expect(w.of("response")[0]?.result).toMatchObject({ ok: false, error: { name: "NotAssignedError" } });
    expect(submits).toEqual([]);
  });
});

describe("RemoteExecutor: cancel, drain, stop", () => {
  it("cancels a pending try at once and a placed one through its worker", async () => {
    const { executor, finished, until } = await open();
    const w = new ScriptedWorker("w").connect(executor);
    const [placed, pending] = [assignment("nap", [10]), assignment("nap", [10])];
    executor.submit(placed);
    executor.submit(pending);
    executor.cancel(pending.key, "marked failed");
    executor.cancel(placed.key, "marked failed");
    await until(() => finished(pending.key).length === 1);
    expect(finished(pending.key)[0]!.outcome).toMatchObject({ status: "failed", retryable: false, error: { name: "TaskCancelledError" } });
    expect(w.of("cancel")).toEqual([expect.objectContaining({ key: placed.key, reason: "marked failed" })]);
    w.result(placed.key, { status: "failed", retryable: false, error: { name: "TaskCancelledError", message: "cancelled" } });
    expect(finished(placed.key)).toHaveLength(1);
  });

  it("assigns nothing more to a draining worker; it leaves cleanly once it holds nothing", async () => {
    const { executor, workerEvents } = await open();
    const w = new ScriptedWorker("w").connect(executor, { capacity: 1 });
    const a = assignment("nap", [10]);
    executor.submit(a);
    w.send({ type: "draining" });
    executor.submit(assignment("nap", [10]));
    expect(w.assigned()).toEqual([a.key]);
    expect(executor.workers()[0]!.state).toBe("draining");
    w.result(a.key);
    w.disconnect(1000);
    expect(executor.workers()).toEqual([]);
    expect(workerEvents.map((e) => e.type)).toEqual(["joined", "draining", "left"]);
  });

  it("a graceful stop waits for the workers' tries without telling them to drain (they reconnect to the next server); a forced one reports them stopped", async () => {
    const { executor, finished } = await open();
    const w = new ScriptedWorker("w").connect(executor, { capacity: 2 });
    const [a, b] = [assignment("nap", [10]), assignment("nap", [10])];
    executor.submit(a);
    executor.submit(b);
    w.started(a.key);
    let stopped = false;
    const stopping = executor.stop({ graceful: true }).then(() => void (stopped = true));
    expect(w.of("drain")).toHaveLength(0);
    w.result(a.key);
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false);
    await executor.stop({ graceful: false });
    await stopping;
    expect(finished(b.key)[0]!.outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "ExecutorStoppedError" } });
    expect(w.of("cancel").map((m) => m.key)).toEqual([b.key]);
    expect(w.closedWith?.code).toBe(CloseCode.shutdown);
  });
});

describe("RemoteExecutor: the scheduler's own threads as local member", () => {
  it("runs tries of its queues in real threads and others on workers; per-queue stats for the dispatcher", async () => {
    const { executor, finished, until } = await open({
      local: { executor: (host) => new ThreadsExecutor({ host, minThreads: 1, maxThreads: 2 }), queues: ["default"] },
    });
    const gpu = new ScriptedWorker("gpu").connect(executor, { queues: ["gpu"], capacity: 3 });
    const local = assignment("add", [2, 3]);
    const remote = assignment("add", [4, 5], { queue: "gpu" });
    executor.submit(local);
    executor.submit(remote);
    expect(gpu.assigned()).toEqual([remote.key]);
    expect(executor.stats().queues).toMatchObject({ default: { capacity: 2 }, gpu: { capacity: 3, inFlight: 1 } });
    await until(() => finished(local.key).length === 1, 15_000);
    expect(finished(local.key)[0]!.outcome).toMatchObject({ status: "success", value: 5 });
  }, 20_000);

  it("a local try awaiting its submitted children does not count against the threads' capacity", async () => {
    const { executor, finished, until, submits, answer } = await open({
      local: { executor: (host) => new ThreadsExecutor({ host, minThreads: 1, maxThreads: 1 }), queues: ["default"] },
    });
    const parent = assignment("parent", [2]);
    executor.submit(parent);
    await until(() => submits.length === 2, 15_000);
    expect(executor.stats().queues?.default?.inFlight).toBe(0);
    const other = assignment("add", [1, 1]);
    executor.submit(other);
    expect(executor.stats().queues?.default?.inFlight).toBe(1);
    answer(parent.key, 0, { ok: true, value: 0 });
    answer(parent.key, 1, { ok: true, value: 1 });
    await until(() => finished(parent.key).length === 1 && finished(other.key).length === 1, 15_000);
    expect(finished(parent.key)[0]!.outcome).toMatchObject({ status: "success", value: 1 });
    expect(finished(other.key)[0]!.outcome).toMatchObject({ status: "success", value: 2 });
  }, 20_000);
});
