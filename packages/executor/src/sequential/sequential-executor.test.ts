import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import type { TaskOutcome } from "@updraft/worker";
import { ExecutorNotRunningError } from "../errors.ts";
import { SequentialExecutor, type SequentialExecutorOptions } from "./sequential-executor.ts";
import { assignment, eventLog, recordingHost } from "../threads/fixtures/assignments.ts";

// The real runTask, in this process, with ../threads/fixtures/test-dag.ts as the bundle.
const executors: SequentialExecutor[] = [];

function makeExecutor(options: Partial<SequentialExecutorOptions> = {}) {
  const host = recordingHost({ greeting: "hi" }, () => executor);
  const executor = new SequentialExecutor({ host, timeoutGraceMs: 100, ...options });
  executors.push(executor);
  return { executor, host, ...eventLog(executor) };
}

afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.stop({ graceful: false })));
});

describe("SequentialExecutor", () => {
  it("runs tries one at a time, in the order they were submitted", async () => {
    const { executor, events, finished } = makeExecutor();
    await executor.start();
    const tries = [assignment("sleep", [30]), assignment("add", [1, 2]), assignment("chatty", ["ada"])];
    for (const a of tries) executor.submit(a);
    expect(executor.stats()).toEqual({ running: 1, queued: 2, capacity: 1, threads: 1 });
    await finished(tries[2]!.key);
    expect(events.map((e) => `${e.type} ${e.key.split("/")[2]}`)).toEqual([
      "started sleep", "finished sleep", "started add", "finished add", "started chatty", "finished chatty",
    ]);
    expect(events[0]).toMatchObject({ worker: `${hostname()}/main` });
    const outcomes = events.flatMap((e) => (e.type === "finished" ? [e.outcome] : []));
    expect(outcomes.map((o: TaskOutcome) => (o.status === "success" ? o.value : o.status))).toEqual([30, 3, "hi ada"]);
  });

  it("aborts a try at its executionTimeout and reports it timed out", async () => {
    const { executor, finished } = makeExecutor();
    await executor.start();
    const a = assignment("sleep", [10_000], { executionTimeoutMs: 50 });
    executor.submit(a);
    const { outcome } = await finished(a.key);
    expect(outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "TaskTimeoutError" } });
    expect(outcome.status === "failed" && outcome.error.message).toContain("exceeded executionTimeout of 50ms");
  });

  it("moves on after the grace period when a timed-out try ignores its signal", async () => {
    const { executor, finished } = makeExecutor();
    await executor.start();
    const nap = assignment("nap", [1_000], { executionTimeoutMs: 50 });
    const next = assignment("add", [2, 2]);
    executor.submit(nap);
    executor.submit(next);
    expect((await finished(nap.key)).outcome).toMatchObject({ status: "failed", error: { name: "TaskTimeoutError" } });
    expect((await finished(next.key, 500)).outcome).toEqual({ status: "success", value: 4, pushed: {} });
  });

  it("cancels a queued try without starting it and a running one through its signal", async () => {
    const { executor, events, finished } = makeExecutor();
    await executor.start();
    const running = assignment("sleep", [10_000]);
    const queued = assignment("add", [1, 1]);
    executor.submit(running);
    executor.submit(queued);
    executor.cancel(queued.key, "not wanted");
    executor.cancel(running.key, "not wanted");
    for (const a of [running, queued]) {
      expect((await finished(a.key)).outcome).toMatchObject({ status: "failed", retryable: false, error: { name: "TaskCancelledError" } });
    }
    expect(events.filter((e) => e.key === queued.key).map((e) => e.type)).toEqual(["finished"]);
  });

  it("stops gracefully after the running try, returning queued ones as retryable", async () => {
    const { executor, finished } = makeExecutor();
    await executor.start();
    const running = assignment("sleep", [50]);
    const queued = assignment("add", [1, 1]);
    executor.submit(running);
    executor.submit(queued);
    await executor.stop();
    expect((await finished(running.key)).outcome.status).toBe("success");
    expect((await finished(queued.key)).outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "ExecutorStoppedError" } });
    expect(() => executor.submit(assignment("add", [0, 0]))).toThrow(ExecutorNotRunningError);
  });

  it("aborts the running try when stopped at once", async () => {
    const { executor, finished } = makeExecutor();
    await executor.start();
    const a = assignment("sleep", [10_000]);
    executor.submit(a);
    await executor.stop({ graceful: false });
    expect((await finished(a.key)).outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "ExecutorStoppedError" } });
  });

  it("runs whatever `run` it is given, e.g. a stand-in runtime", async () => {
    const { executor, finished } = makeExecutor({ run: async (a) => ({ status: "skipped", reason: `not today: ${a.taskId}`, pushed: {} }) });
    await executor.start();
    const a = assignment("add", [1, 1]);
    executor.submit(a);
    expect((await finished(a.key)).outcome).toEqual({ status: "skipped", reason: "not today: add", pushed: {} });
  });

  it("runs the children a try awaits while it waits, and then the try's own end", async () => {
    const { executor, events, finished } = makeExecutor();
    await executor.start();
    const parent = assignment("parent", [3]);
    const top = assignment("top", [2]);
    executor.submit(parent);
    executor.submit(top);
    expect((await finished(parent.key)).outcome).toEqual({ status: "success", value: 0 + 1 + 4, pushed: {} });
    expect((await finished(top.key)).outcome).toEqual({ status: "success", value: 21, pushed: {} });
    const started = events.filter((e) => e.type === "started").map((e) => e.key.split("/")[2]);
    expect(started.slice(0, 2)).toEqual(["parent", "top"]); // the waiting parent lets the next queued try start
    expect(started.sort()).toEqual(["leaf", "middle", "parent", "square", "square", "square", "top"]);
    expect(executor.stats()).toEqual({ running: 0, queued: 0, capacity: 1, threads: 1 });
  });
});
