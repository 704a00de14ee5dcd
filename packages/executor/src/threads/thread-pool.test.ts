import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import {
  JobCancelledError, JobFailedError, JobTimeoutError, PoolClosedError, ThreadCrashedError, ThreadStartError,
  ThreadTerminatedError,
} from "../errors.ts";
import { ThreadPool } from "./thread-pool.ts";
import type { ThreadPoolOptions } from "./pool-options.ts";
import type { TestHost, TestJob } from "./fixtures/test-entry.ts";

const entry = new URL("./fixtures/test-entry.ts", import.meta.url);
const pools: ThreadPool<TestJob, unknown>[] = [];

function makePool(options: Partial<ThreadPoolOptions> = {}, host?: TestHost): ThreadPool<TestJob, unknown> {
  const pool = new ThreadPool<TestJob, unknown>({ entry, maxThreads: 2, graceMs: 200, ...(host ? { host } : {}), ...options });
  pools.push(pool);
  return pool;
}

async function until(check: () => boolean, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(5);
  }
}

type WhoAmI = { thread: string; threadId: number };

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close({ graceful: false })));
});

describe("ThreadPool", () => {
  it("runs many jobs and gives each caller its own result", async () => {
    const pool = makePool({ maxThreads: 3 });
    await pool.start();
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => pool.run({ op: "echo", value: { i } })));
    expect(results).toEqual(Array.from({ length: 500 }, (_, i) => ({ i })));
    expect(pool.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it("returns results in order of completion, not of submission", async () => {
    const pool = makePool({ minThreads: 3, maxThreads: 3 });
    await pool.start();
    const done: number[] = [];
    await Promise.all([300, 20, 150].map((ms) => pool.run({ op: "sleep", ms }).then(() => done.push(ms))));
    expect(done).toEqual([20, 150, 300]);
  });

  it("grows under a backlog and shrinks back to min once idle", async () => {
    const pool = makePool({ minThreads: 1, maxThreads: 4, idleTimeoutMs: 100, targetIntervalMs: 100 });
    await pool.start();
    expect(pool.stats().threads).toBe(1);
    let peak = 0;
    const jobs = Array.from({ length: 24 }, () => pool.run({ op: "sleep", ms: 40 }).then(() => {
      peak = Math.max(peak, pool.stats().threads);
    }));
    await Promise.all(jobs);
    expect(peak).toBe(4);
    await until(() => pool.stats().threads === 1);
    expect(pool.threads()[0]?.state).toBe("ready");
  });

  it("stops a job that ignores its signal at its time-out by terminating its thread, then runs the next job", async () => {
    const pool = makePool({ maxThreads: 1 });
    await pool.start();
    const before = (await pool.run({ op: "whoami" })) as WhoAmI;
    const err = await pool.run({ op: "spin" }, { key: "spinner", timeoutMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobTimeoutError);
    expect((err as JobTimeoutError).terminated).toBe(true);
    expect((err as Error).message).toBe("job spinner exceeded its time-out of 100ms");
    const after = (await pool.run({ op: "whoami" })) as WhoAmI;
    expect(after.threadId).not.toBe(before.threadId);
  });

  it("keeps the thread when a timed-out job returns within the grace period", async () => {
    const pool = makePool({ maxThreads: 1, graceMs: 1000 });
    await pool.start();
    const before = (await pool.run({ op: "whoami" })) as WhoAmI;
    const err = await pool.run({ op: "sleep", ms: 5000 }, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobTimeoutError);
    expect((err as JobTimeoutError).terminated).toBe(false);
    expect(((await pool.run({ op: "whoami" })) as WhoAmI).threadId).toBe(before.threadId);
  });

  it("queues again, rather than fails, a job that waited behind one whose thread was terminated", async () => {
    const pool = makePool({ maxThreads: 1, prefetch: 1, prefetchBelowMs: 1000 });
    await pool.start();
    await pool.run({ op: "noop" }); // a finished job makes prefetch possible
    const spin = pool.run({ op: "spin" }, { timeoutMs: 100 }).catch((e: unknown) => e);
    const behind = pool.run({ op: "echo", value: "still here" });
    await until(() => pool.threads()[0]?.jobs === 2); // prefetched behind the spinning job
    expect(await spin).toBeInstanceOf(JobTimeoutError);
    expect(await behind).toBe("still here");
  });

  it("gets back, unstarted, a job prefetched into a thread once the gate's time has passed (a scheduler waking from a freeze)", async () => {
    const pool = makePool({ maxThreads: 1, prefetch: 1, prefetchBelowMs: 5000, stallMs: 60_000 }); // no steal takes it back
    const now = () => performance.timeOrigin + performance.now();
    let limit = Number.MAX_SAFE_INTEGER;
    pool.gate(() => now() <= limit, () => limit);
    await pool.start();
    await pool.run({ op: "noop" }); // a finished job makes prefetch possible
    const started: string[] = [];
    const first = pool.run({ op: "sleep", ms: 1_000 }, { key: "first", onStart: () => started.push("first") });
    const behind = pool.run({ op: "echo", value: "behind" }, { key: "behind", onStart: () => started.push("behind") });
    await until(() => pool.threads()[0]?.jobs === 2); // prefetched behind the sleeping job
    limit = now(); // the deadline passes while the thread holds the job
    await first;
    await until(() => pool.stats().queued === 1); // given back by the thread, and held by the pool's gate
    expect(started).toEqual(["first"]);
    limit = Number.MAX_SAFE_INTEGER;
    expect(await behind).toBe("behind");
    expect(started).toEqual(["first", "behind"]);
  });

  it("replaces a thread that calls process.exit and fails its job naming the thread and the code", async () => {
    const pool = makePool({ maxThreads: 1 });
    await pool.start();
    const err = await pool.run({ op: "exit", code: 3 }, { key: "quitter" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThreadCrashedError);
    expect((err as Error).message).toBe("thread thread-1 exited with code 3 while running job quitter");
    expect(await pool.run({ op: "echo", value: 1 })).toBe(1);
    expect(pool.threads().map((t) => t.name)).toEqual(["thread-2"]);
  });

  it("replaces a thread killed by an uncaught error and says which error", async () => {
    const pool = makePool({ maxThreads: 1 });
    await pool.start();
    const err = await pool.run({ op: "crash", message: "boom" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThreadCrashedError);
    expect((err as Error).message).toMatch(/^thread thread-1 exited with code 1 while running job #1: TypeError: boom$/);
    expect(await pool.run({ op: "echo", value: 2 })).toBe(2);
  });

  it("fails only the job whose code threw, keeping the error's name and message", async () => {
    const pool = makePool();
    await pool.start();
    const err = await pool.run({ op: "throw", message: "too far" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobFailedError);
    expect((err as JobFailedError).remote).toMatchObject({ name: "RangeError", message: "too far" });
    expect(await pool.run({ op: "echo", value: 3 })).toBe(3);
  });

  it("fails a job whose payload cannot be sent, without harming the thread", async () => {
    const pool = makePool({ maxThreads: 1 });
    await pool.start();
    const err = await pool.run({ op: "echo", value: () => 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobFailedError);
    expect((err as JobFailedError).remote.name).toBe("DataCloneError");
    expect(await pool.run({ op: "echo", value: 4 })).toBe(4);
  });

  it("cancels a queued job before it starts and a running one through its signal", async () => {
    const pool = makePool({ maxThreads: 1 });
    await pool.start();
    const running = pool.run({ op: "sleep", ms: 5000 }, { key: "running" }).catch((e: unknown) => e);
    const queued = pool.run({ op: "sleep", ms: 5000 }, { key: "queued" }).catch((e: unknown) => e);
    await until(() => pool.stats().running === 1);
    expect(pool.cancel("queued", "not needed")).toBe(true);
    expect(pool.cancel("running", "user asked")).toBe(true);
    expect(pool.cancel("unknown", "-")).toBe(false);
    const [r, q] = (await Promise.all([running, queued])) as [JobCancelledError, JobCancelledError];
    expect(q).toBeInstanceOf(JobCancelledError);
    expect(q.started).toBe(false);
    expect(q.message).toBe("job queued was cancelled before it started: not needed");
    expect(r).toBeInstanceOf(JobCancelledError);
    expect([r.started, r.terminated, r.reason]).toEqual([true, false, "user asked"]);
  });

  it("terminates the thread of a cancelled job that ignores its signal", async () => {
    const pool = makePool({ maxThreads: 1 });
    await pool.start();
    const spin = pool.run({ op: "spin" }, { key: "spin" }).catch((e: unknown) => e);
    await until(() => pool.stats().running === 1);
    pool.cancel("spin", "stop it");
    const err = (await spin) as JobCancelledError;
    expect(err).toBeInstanceOf(JobCancelledError);
    expect(err.terminated).toBe(true);
    expect(await pool.run({ op: "echo", value: 5 })).toBe(5);
  });

  it("fails the other running jobs of a terminated thread with a clear error", async () => {
    const pool = makePool({ maxThreads: 1, concurrencyPerThread: 2 });
    await pool.start();
    const bystander = pool.run({ op: "sleep-ignoring", ms: 3000 }, { key: "bystander" }).catch((e: unknown) => e);
    const culprit = pool.run({ op: "spin" }, { key: "culprit", timeoutMs: 100 }).catch((e: unknown) => e);
    expect(await culprit).toBeInstanceOf(JobTimeoutError);
    const err = await bystander;
    expect(err).toBeInstanceOf(ThreadTerminatedError);
    expect((err as Error).message).toContain("job bystander was killed: thread thread-1 was terminated because job culprit");
  });

  it("lets jobs call the host object in the main thread", async () => {
    const lines: string[] = [];
    const host: TestHost = { greet: (name) => `hello ${name}`, record: (line) => void lines.push(line) };
    const pool = makePool({ maxThreads: 2 }, host);
    await pool.start();
    const greetings = await Promise.all(["ada", "alan", "grace"].map((name) => pool.run({ op: "host", name })));
    expect(greetings).toEqual(["hello ada", "hello alan", "hello grace"]);
    expect(lines.map((l) => l.replace(/^thread-\d+ /, "")).sort()).toEqual(["greeted ada", "greeted alan", "greeted grace"]);
  });

  it("leaves no MessagePort open once closed, however many jobs called the host", async () => {
    const ports = () => process.getActiveResourcesInfo().filter((r) => r === "MessagePort").length;
    const baseline = ports();
    const pool = makePool({ maxThreads: 2 }, { greet: (n) => n, record: () => {} });
    await pool.start();
    await Promise.all(Array.from({ length: 200 }, (_, i) => pool.run({ op: "host", name: `n${i}` })));
    await pool.close();
    await sleep(20);
    expect(ports()).toBe(baseline);
  });

  it("recycles a thread after maxJobsPerThread jobs", async () => {
    const pool = makePool({ maxThreads: 1, maxJobsPerThread: 3 });
    await pool.start();
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push(((await pool.run({ op: "whoami" })) as WhoAmI).threadId);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(new Set(ids.slice(3, 6)).size).toBe(1);
    expect(new Set(ids).size).toBe(3);
  });

  it("recycles a thread whose heap passed memoryLimitMb after a job", async () => {
    const pool = makePool({ maxThreads: 1, memoryLimitMb: 40 });
    await pool.start();
    const before = (await pool.run({ op: "whoami" })) as WhoAmI;
    await pool.run({ op: "leak", mb: 60 });
    const after = (await pool.run({ op: "whoami" })) as WhoAmI;
    expect(after.threadId).not.toBe(before.threadId);
  });

  it("graceful close lets running jobs finish and drops the queued ones", async () => {
    const pool = makePool({ maxThreads: 1 });
    await pool.start();
    const running = pool.run({ op: "sleep", ms: 150, value: "finished" });
    const queued = pool.run({ op: "echo", value: "never" }).catch((e: unknown) => e);
    await until(() => pool.stats().running === 1);
    await pool.close({ graceful: true });
    expect(await running).toBe("finished");
    expect(await queued).toBeInstanceOf(PoolClosedError);
    expect(pool.stats().threads).toBe(0);
    await expect(pool.run({ op: "noop" })).rejects.toBeInstanceOf(PoolClosedError);
  });

  it("non-graceful close aborts running jobs", async () => {
    const pool = makePool({ maxThreads: 2 });
    await pool.start();
    const sleeping = pool.run({ op: "sleep", ms: 10_000 }).catch((e: unknown) => e);
    const spinning = pool.run({ op: "spin" }).catch((e: unknown) => e);
    await until(() => pool.stats().running === 2);
    await pool.close({ graceful: false });
    const [a, b] = (await Promise.all([sleeping, spinning])) as JobCancelledError[];
    expect(a).toBeInstanceOf(JobCancelledError);
    expect(a!.terminated).toBe(false);
    expect(b!.terminated).toBe(true);
  });

  it("refuses to start when its entry module fails to load", async () => {
    const pool = makePool({ entry: new URL("./fixtures/broken-entry.ts", import.meta.url) });
    const err = await pool.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThreadStartError);
    expect((err as Error).message).toContain("broken entry: fails at load time on purpose");
  });
});
