import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { DuplicateTryError, ExecutorNotRunningError } from "../errors.ts";
import { ThreadsExecutor, type ThreadsExecutorOptions } from "./threads-executor.ts";
import { assignment, eventLog, recordingHost } from "./fixtures/assignments.ts";

// Real threads running the real thread-main.ts → runTask, with fixtures/test-dag.ts as the bundle.
const executors: ThreadsExecutor[] = [];

function makeExecutor(options: Partial<ThreadsExecutorOptions> = {}) {
  const host = recordingHost({ greeting: "hi" }, () => executor);
  const executor = new ThreadsExecutor({ host, maxThreads: 2, timeoutGraceMs: 200, ...options });
  executors.push(executor);
  return { executor, host, ...eventLog(executor) };
}

async function until(check: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(5);
  }
}

afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.stop({ graceful: false })));
});

describe("ThreadsExecutor", () => {
  it("reports started with the thread as worker, then the try's outcome", async () => {
    const { executor, events, finished } = makeExecutor();
    await executor.start();
    const a = assignment("add", [2, 3]);
    executor.submit(a);
    const done = await finished(a.key);
    expect(done.outcome).toEqual({ status: "success", value: 5, pushed: {} });
    const mine = events.filter((e) => e.key === a.key);
    expect(mine.map((e) => e.type)).toEqual(["started", "finished"]);
    expect(mine[0]).toMatchObject({ type: "started", worker: `${hostname()}/thread-1` });
    expect(executor.stats()).toMatchObject({ running: 0, queued: 0, capacity: 2 });
  });

  it("starts nothing while its gate is closed (a scheduler that doubts its lease), and goes on when it opens", async () => {
    const { executor, events, finished } = makeExecutor();
    let open = true;
    let asked = 0;
    executor.gate(() => (asked++, open));
    await executor.start();
    const a = assignment("add", [1, 1]);
    executor.submit(a);
    await finished(a.key);
    open = false;
    const b = assignment("add", [2, 2]);
    executor.submit(b);
    const before = asked;
    await until(() => asked >= before + 3); // the pool asked on submit and on later ticks, and was refused each time
    expect(events.filter((e) => e.key === b.key)).toEqual([]);
    expect(executor.stats()).toMatchObject({ running: 0, queued: 1 });
    open = true;
    const done = await finished(b.key);
    expect(done.outcome).toEqual({ status: "success", value: 4, pushed: {} });
  });

  it("does not start a try whose bundle was still loading when the gate's time passed", async () => {
    const { executor, finished, host } = makeExecutor();
    const now = () => performance.timeOrigin + performance.now();
    let limit = Number.MAX_SAFE_INTEGER;
    executor.gate(() => now() <= limit, () => limit);
    await executor.start();
    const a = assignment("ran", [], { bundle: { hash: "fixture-slow-dag", path: new URL("./fixtures/slow-dag.ts", import.meta.url).pathname } });
    limit = now() + 200; // handed over now; the bundle takes 800 ms to import
    executor.submit(a);
    const done = await finished(a.key);
    expect(done.outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "ExecutorStoppedError" } });
    expect(host.lines.get(a.key) ?? []).toEqual([]);
  });

  it("runs many tries and reports each exactly once", async () => {
    const { executor, events, finished } = makeExecutor();
    await executor.start();
    const tries = Array.from({ length: 200 }, (_, i) => assignment("add", [i, 1]));
    for (const a of tries) executor.submit(a);
    const outcomes = await Promise.all(tries.map((a) => finished(a.key)));
    expect(outcomes.map((e) => (e.outcome.status === "success" ? e.outcome.value : null))).toEqual(tries.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === "finished")).toHaveLength(200);
    expect(events.filter((e) => e.type === "started")).toHaveLength(200);
  });

  it("serves variables and receives every log line before the try's outcome", async () => {
    const { executor, host, finished } = makeExecutor();
    let linesAtFinish = -1;
    executor.onEvent((e) => {
      if (e.type === "finished") linesAtFinish = host.lines.get(e.key)?.length ?? 0;
    });
    await executor.start();
    const a = assignment("chatty", ["ada"]);
    executor.submit(a);
    expect((await finished(a.key)).outcome).toEqual({ status: "success", value: "hi ada", pushed: {} });
    expect(host.lines.get(a.key)?.map((l) => l.message)).toEqual(["line 1 for ada", "line 2 for ada", "line 3 for ada"]);
    expect(linesAtFinish).toBe(3);
  });

  it("reports a task's own error as a retryable failure", async () => {
    const { executor, finished } = makeExecutor();
    await executor.start();
    const a = assignment("fail");
    executor.submit(a);
    const { outcome } = await finished(a.key);
    expect(outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "RangeError", message: "out of range" } });
  });

  it("fails a try that ignores its executionTimeout by terminating its thread, then runs the next one", async () => {
    const { executor, events, finished } = makeExecutor({ maxThreads: 1 });
    await executor.start();
    const spin = assignment("spin", [], { executionTimeoutMs: 150 });
    const next = assignment("add", [1, 1]);
    executor.submit(spin);
    executor.submit(next);
    const { outcome } = await finished(spin.key);
    expect(outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "TaskTimeoutError" } });
    expect(outcome.status === "failed" && outcome.error.message).toContain(
      `task "executor_test.spin" (try ${spin.tryNumber}) exceeded executionTimeout of 150ms`,
    );
    expect((await finished(next.key)).outcome.status).toBe("success");
    const started = events.find((e) => e.type === "started" && e.key === next.key);
    expect(started).toMatchObject({ worker: `${hostname()}/thread-2` });
  });

  it("fails a try whose thread exits, naming the thread and the exit code, and replaces the thread", async () => {
    const { executor, finished } = makeExecutor({ maxThreads: 1 });
    await executor.start();
    const a = assignment("exit", [7]);
    executor.submit(a);
    const { outcome } = await finished(a.key);
    expect(outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "ThreadCrashedError" } });
    expect(outcome.status === "failed" && outcome.error.message).toContain("thread thread-1 exited with code 7");
    const b = assignment("add", [0, 0]);
    executor.submit(b);
    expect((await finished(b.key)).outcome.status).toBe("success");
  });

  it("cancels a running try through its signal and a queued one before it starts, without retry", async () => {
    const { executor, events, finished } = makeExecutor({ maxThreads: 1 });
    await executor.start();
    const running = assignment("sleep", [10_000]);
    const queued = assignment("sleep", [10_000]);
    executor.submit(running);
    executor.submit(queued);
    await until(() => events.some((e) => e.type === "started" && e.key === running.key));
    executor.cancel(queued.key, "marked failed by a user");
    executor.cancel(running.key, "marked failed by a user");
    for (const a of [running, queued]) {
      const { outcome } = await finished(a.key);
      expect(outcome).toMatchObject({ status: "failed", retryable: false, error: { name: "TaskCancelledError" } });
      expect(outcome.status === "failed" && outcome.error.message).toContain("was cancelled: marked failed by a user");
    }
    expect(events.filter((e) => e.key === queued.key).map((e) => e.type)).toEqual(["finished"]);
  });

  it("stops gracefully: running tries finish, queued ones are returned as retryable", async () => {
    const { executor, finished } = makeExecutor({ maxThreads: 1 });
    await executor.start();
    const running = assignment("sleep", [200]);
    const queued = assignment("add", [1, 2]);
    executor.submit(running);
    executor.submit(queued);
    await until(() => executor.stats().running === 1);
    await executor.stop({ graceful: true });
    expect((await finished(running.key)).outcome).toEqual({ status: "success", value: 200, pushed: {} });
    expect((await finished(queued.key)).outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "ExecutorStoppedError" } });
    expect(executor.stats().threads).toBe(0);
  });

  it("stops at once when not graceful, aborting running tries as retryable", async () => {
    const { executor, finished } = makeExecutor();
    await executor.start();
    const a = assignment("sleep", [10_000]);
    executor.submit(a);
    await until(() => executor.stats().running === 1);
    await executor.stop({ graceful: false });
    const { outcome } = await finished(a.key);
    expect(outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "ExecutorStoppedError" } });
    expect(outcome.status === "failed" && outcome.error.message).toContain('was aborted: executor "threads" stopped');
  });

  it("refuses tries before start and a second try under a key in flight", async () => {
    const { executor } = makeExecutor();
    const a = assignment("sleep", [100]);
    expect(() => executor.submit(a)).toThrow(ExecutorNotRunningError);
    await executor.start();
    executor.submit(a);
    expect(() => executor.submit(a)).toThrow(DuplicateTryError);
  });

  describe("a try that awaits children it submitted (ctx.submit)", () => {
    it("runs the children in a one-thread pool while the parent waits, instead of deadlocking", async () => {
      const { executor, events, finished, host } = makeExecutor({ minThreads: 1, maxThreads: 1 });
      await executor.start();
      const a = assignment("parent", [5]);
      executor.submit(a);
      expect((await finished(a.key)).outcome).toEqual({ status: "success", value: 0 + 1 + 4 + 9 + 16, pushed: {} });
      expect(host.submits.map((r) => [r.key, r.seq, r.taskId, r.args])).toEqual([0, 1, 2, 3, 4].map((i) => [a.key, i, "square", [i]]));
      // Every child started on the one thread before the parent finished.
      const at = (type: string, key: string) => events.findIndex((e) => e.type === type && e.key === key);
      const children = events.filter((e) => e.type === "started" && e.key !== a.key);
      expect(children).toHaveLength(5);
      for (const c of children) {
        expect(c).toMatchObject({ worker: `${hostname()}/thread-1` });
        expect(at("started", c.key)).toBeLessThan(at("finished", a.key));
      }
      expect(executor.threads()).toHaveLength(1);
      expect(executor.stats()).toMatchObject({ running: 0, capacity: 1 });
    });

    it("runs children of children, and several waiting parents, on one thread", async () => {
      const { executor, finished } = makeExecutor({ minThreads: 1, maxThreads: 1 });
      await executor.start();
      const tops = [1, 2, 3].map((n) => assignment("top", [n]));
      const parents = [3, 4].map((n) => assignment("parent", [n]));
      for (const a of [...tops, ...parents]) executor.submit(a);
      const values = await Promise.all([...tops, ...parents].map(async (a) => {
        const { outcome } = await finished(a.key);
        return outcome.status === "success" ? outcome.value : outcome;
      }));
      expect(values).toEqual([11, 21, 31, 5, 14]);
    });

    it("counts a waiting parent out of the running tries and into the capacity", async () => {
      const { executor, finished } = makeExecutor({ minThreads: 1, maxThreads: 1 });
      await executor.start();
      const a = assignment("napper", [300]);
      executor.submit(a);
      await until(() => executor.stats().capacity === 2);
      expect(executor.stats()).toMatchObject({ running: 1, queued: 0, capacity: 2, threads: 1 });
      expect((await finished(a.key)).outcome).toMatchObject({ status: "success", value: 300 });
      expect(executor.stats()).toMatchObject({ running: 0, queued: 0, capacity: 1 });
    });
  });
});
