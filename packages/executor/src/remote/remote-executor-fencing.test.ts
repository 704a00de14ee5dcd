// The remote executor's fencing of tries by scheduler epoch, and its checks of what a worker
// sends: every assignment carries the epoch of the scheduler lease it was dispatched under; a
// worker's message about a try under another epoch than the current one is refused at receipt
// (the worker is told, nothing of it reaches the scheduler); a result is checked against the XCom
// size limit as a thread's is. Workers are driven frame by frame over in-process links.
import { afterEach, describe, expect, it } from "vitest";
import { maxWorkerFrameBytes, type TaskOutcome } from "@updraft/worker";
import type { ExecutorEvent } from "../executor.ts";
import { RemoteExecutor } from "./remote-executor.ts";
import { ScriptedWorker, assignment, success, testHost } from "./fixtures/scripted-worker.ts";

type Finished = Extract<ExecutorEvent, { type: "finished" }>;

const executors: RemoteExecutor[] = [];
afterEach(async () => {
  delete process.env.UPDRAFT_MAX_XCOM_BYTES;
  await Promise.all(executors.splice(0).map((e) => e.stop({ graceful: false })));
});

/** An executor gated as a scheduler gates it, with an epoch the test sets. */
async function open(epoch: { now: number | null }) {
  const t = testHost();
  const warnings: string[] = [];
  const executor = new RemoteExecutor({ host: t.host, prefetch: 0, onWarning: (w) => warnings.push(w) });
  executors.push(executor);
  executor.gate(() => true, undefined, () => epoch.now);
  const events: ExecutorEvent[] = [];
  executor.onEvent((e) => events.push(e));
  await executor.start();
  const finished = (key: string) => events.filter((e): e is Finished => e.type === "finished" && e.key === key);
  return { executor, events, finished, warnings, ...t };
}

describe("RemoteExecutor: scheduler epochs", () => {
  it("sends each try with the epoch of the scheduler that gates it, and tells workers the largest frame it takes", async () => {
    const { executor } = await open({ now: 7 });
    const w = new ScriptedWorker("w").connect(executor);
    expect(w.of("welcome")[0]!.maxFrameBytes).toBe(maxWorkerFrameBytes());
    expect(maxWorkerFrameBytes()).toBe(5 * 1024 * 1024);
    const a = assignment("add");
    executor.submit(a);
    const b = assignment("add", [], { epoch: 6 }); // stamped by the scheduler's dispatcher: kept
    executor.submit(b);
    expect(w.of("assign").map((m) => [m.assignment.key, m.assignment.epoch])).toEqual([[a.key, 7]]);
    w.result(a.key);
    expect(w.of("assign").map((m) => [m.assignment.key, m.assignment.epoch])).toEqual([[a.key, 7], [b.key, 6]]);
  });

  it("refuses at receipt a result of a try dispatched under an earlier epoch: the worker is told, there is no ack, and nothing is reported", async () => {
    const epoch = { now: 1 as number | null };
    const { executor, finished, warnings } = await open(epoch);
    const w = new ScriptedWorker("w").connect(executor);
    const a = assignment("add");
    executor.submit(a);
    w.started(a.key);
    epoch.now = 2; // the lease went to another scheduler (epoch 2) while the try ran
    w.result(a.key, success(3), 1);
    expect(w.of("refused")).toEqual([{
      v: 3, type: "refused", key: a.key, epoch: 1,
      reason: `try "${a.key}" was dispatched under scheduler epoch 1, and the current epoch is 2 (another scheduler has taken over since): refused`,
    }]);
    expect(w.of("ack")).toEqual([]);
    expect(finished(a.key)).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining(`worker "w": result of try "${a.key}" was dispatched under scheduler epoch 1`)]);
  });

  it("refuses every message about a try while the scheduler holds no lease it may act on (lost, or not claimed yet)", async () => {
    const epoch = { now: 4 as number | null };
    const { executor, finished, lines } = await open(epoch);
    const w = new ScriptedWorker("w").connect(executor);
    const a = assignment("add");
    executor.submit(a);
    epoch.now = null; // the lease's local deadline passed (a freeze), or it was lost
    w.started(a.key);
    w.log(a.key, [{ at: 1, level: "info", message: "after the freeze" }]);
    w.result(a.key);
    w.heartbeat([a.key]);
    expect(w.of("refused").map((m) => m.key)).toEqual([a.key, a.key, a.key, a.key]);
    expect(w.of("refused")[0]!.reason).toBe(`try "${a.key}" (epoch 4) refused: this server's scheduler holds no lease it may act on now (lost to another scheduler, past its local deadline after a pause, or not claimed yet)`);
    expect(w.of("ack")).toEqual([]);
    expect(lines.get(a.key)).toBeUndefined();
    expect(finished(a.key)).toEqual([]);
    expect(executor.workers()[0]!.tries[0]).toMatchObject({ key: a.key, started: false });
  });

  it("drops at hello a try a reconnecting worker holds from an earlier scheduler, refuses its result, and takes only the result of the try under the current epoch", async () => {
    // Scheduler A (epoch 1) gave the worker try `a`; the worker was cut off, B took over (epoch 2)
    // and dispatched the same try number again. The worker reconnects to B still holding A's try.
    const { executor, finished } = await open({ now: 2 });
    const a = assignment("add");
    const w = new ScriptedWorker("w").connect(executor, { running: [{ key: a.key, epoch: 1 }] });
    expect(w.of("welcome")[0]!.drop).toEqual([a.key]);
    w.result(a.key, success(1), 1); // it sends it anyway (a frame already in flight, or a bad worker)
    expect(w.of("refused").map((m) => [m.key, m.epoch])).toEqual([[a.key, 1]]);

    executor.submit({ ...a, epoch: 2 }); // B's try with the same key
    expect(w.of("assign").map((m) => [m.assignment.key, m.assignment.epoch])).toEqual([[a.key, 2]]);
    w.started(a.key, 1);
    w.result(a.key, success(1), 1);
    expect(w.of("refused").map((m) => [m.key, m.epoch])).toEqual([[a.key, 1], [a.key, 1], [a.key, 1]]);
    expect(finished(a.key)).toEqual([]);
    expect(executor.workers()[0]!.tries).toEqual([expect.objectContaining({ key: a.key, started: false })]);

    w.started(a.key, 2);
    w.result(a.key, success(2), 2);
    expect(w.of("ack").map((m) => m.key)).toEqual([a.key]);
    expect(finished(a.key).map((e) => e.outcome)).toEqual([success(2)]);
  });

  it("stopping because the lease is lost, tells each worker to drop its tries (results on their way included) instead of cancelling them", async () => {
    const epoch = { now: 1 as number | null };
    const { executor, finished } = await open(epoch);
    const w = new ScriptedWorker("w").connect(executor, { capacity: 2 });
    const [a, b] = [assignment("add"), assignment("add")];
    executor.submit(a);
    executor.submit(b);
    w.started(a.key);
    epoch.now = null;
    await executor.stop({ graceful: false });
    expect(w.of("cancel")).toEqual([]);
    expect(w.of("refused").map((m) => [m.key, m.epoch, m.reason])).toEqual([
      [a.key, 1, `try "${a.key}" refused: this server's scheduler lost its lease (epoch 1) and stops`],
      [b.key, 1, `try "${b.key}" refused: this server's scheduler lost its lease (epoch 1) and stops`],
    ]);
    expect(finished(a.key).map((e) => e.outcome.status)).toEqual(["failed"]); // stopped: the scheduler is not listening any more
  });

  it("tells a worker whose heartbeat lists a try of an earlier epoch to drop it, and counts only the current one as held", async () => {
    const { executor, finished } = await open({ now: 3 });
    const w = new ScriptedWorker("w").connect(executor);
    const a = assignment("add");
    executor.submit(a);
    w.started(a.key);
    const stale = assignment("add");
    w.heartbeat([a.key, { key: stale.key, epoch: 2 }]);
    expect(w.of("refused").map((m) => [m.key, m.epoch])).toEqual([[stale.key, 2]]);
    expect(finished(a.key)).toEqual([]);
    expect(executor.workers()[0]!.tries).toEqual([expect.objectContaining({ key: a.key, started: true })]);
  });
});

describe("RemoteExecutor: a worker's result is checked as a thread's", () => {
  const big = (bytes: number) => "x".repeat(bytes - 2); // a string of `bytes` bytes of JSON

  it("fails a result whose return value is larger than UPDRAFT_MAX_XCOM_BYTES, naming the task, the key and the limit", async () => {
    const { executor, finished, lines } = await open({ now: 0 });
    const w = new ScriptedWorker("w").connect(executor);
    const a = assignment("add");
    executor.submit(a);
    w.started(a.key);
    w.result(a.key, { status: "success", value: big(1024 * 1024 + 2), pushed: {} });
    const message = `task "add": XCom "return_value" is ${1024 * 1024 + 2} bytes of JSON, more than the limit of ${1024 * 1024} bytes (UPDRAFT_MAX_XCOM_BYTES); store large data elsewhere and pass a reference`;
    expect(finished(a.key).map((e) => e.outcome)).toEqual([{ status: "failed", retryable: true, error: { name: "RangeError", message } } satisfies TaskOutcome]);
    expect(lines.get(a.key)).toEqual([expect.objectContaining({ level: "error", message: `RangeError: ${message}` })]);
    expect(w.of("ack").map((m) => m.key)).toEqual([a.key]); // delivered: the worker need not send it again
  });

  it("applies the limit set in the server's environment to pushed XComs of a success or a skip, and lets results within it through", async () => {
    process.env.UPDRAFT_MAX_XCOM_BYTES = "64";
    const { executor, finished } = await open({ now: 0 });
    const w = new ScriptedWorker("w", undefined).connect(executor, { capacity: 3 });
    const [ok, pushed, skipped] = [assignment("add"), assignment("push"), assignment("skip")];
    for (const a of [ok, pushed, skipped]) executor.submit(a);
    w.result(ok.key, { status: "success", value: big(64), pushed: { small: 1 } });
    w.result(pushed.key, { status: "success", value: 1, pushed: { rows: [big(70)] } });
    w.result(skipped.key, { status: "skipped", reason: "nothing to do", pushed: { note: big(65) } });
    expect(finished(ok.key)[0]!.outcome.status).toBe("success");
    expect(finished(pushed.key)[0]!.outcome).toMatchObject({ status: "failed", error: { message: `task "push": XCom "rows" is 72 bytes of JSON, more than the limit of 64 bytes (UPDRAFT_MAX_XCOM_BYTES); store large data elsewhere and pass a reference` } });
    expect(finished(skipped.key)[0]!.outcome).toMatchObject({ status: "failed", error: { message: expect.stringMatching(/^task "skip": XCom "note" is 65 bytes of JSON/) } });
  });
});
