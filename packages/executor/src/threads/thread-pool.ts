// A pool of worker threads driven through comlink, generic over the job: it loads an entry module
// that calls `serveThread()`, hands it payloads in FIFO order and returns what the handler
// returned. It sizes itself between min and max threads (adaptive-scaling.ts), prefetches short
// jobs so threads never wait for a round trip, enforces time-outs (abort the job's signal, then
// terminate the thread after a grace period), replaces threads that crash and recycles threads
// that ran too many jobs or grew too large. A job that waits on other work (a task it submitted)
// secedes: it keeps running but holds no slot, so the pool can start other jobs meanwhile.
import { DurationAverage, idleToRetire, targetThreads } from "./adaptive-scaling.ts";
import {
  JobCancelledError, JobFailedError, JobTimeoutError, PoolClosedError, ThreadCrashedError, ThreadStartError,
} from "../errors.ts";
import { JobQueue } from "./job-queue.ts";
import { PoolThread, ThreadState, type PoolJob } from "./pool-thread.ts";
import { JobStopper } from "./job-stopper.ts";
import { holdsSlot, pickSteal, pickThread, type PlacementRules } from "./placement.ts";
import type { JobReply } from "./thread-protocol.ts";
import { withDefaults, type PoolStats, type ResolvedPoolOptions, type RunOptions, type ThreadInfo, type ThreadPoolOptions } from "./pool-options.ts";
import { toErrorData } from "@updraft/sdk";

const MAX_START_FAILURES = 3;

/**
 * A pool of worker threads serving one entry module.
 *
 * @example
 * const pool = new ThreadPool<{ ms: number }, string>({ entry: new URL("./entry.ts", import.meta.url), maxThreads: 4 });
 * await pool.start();
 * const result = await pool.run({ ms: 10 }, { key: "a", timeoutMs: 1000 });
 * await pool.close({ graceful: true });
 */
export class ThreadPool<P, R> {
  readonly minThreads: number;
  readonly maxThreads: number;
  readonly concurrency: number;
  readonly #o: ResolvedPoolOptions;
  readonly #threads: PoolThread<P, R>[] = [];
  readonly #queue = new JobQueue<PoolJob<P, R>>();
  readonly #byKey = new Map<string, PoolJob<P, R>>();
  readonly #durations = new DurationAverage(0.1);
  readonly #stopper: JobStopper<P, R>;
  #seq = 0;
  #spawned = 0;
  #inflight = 0;
  #running = 0;
  #seceded = 0;
  #startFailures = 0;
  #pumpScheduled = false;
  #admit: () => boolean = () => true;
  #until: () => number = () => Number.MAX_SAFE_INTEGER;
  /** Shared with every thread: the time after which a thread starts no job it holds (ThreadBoot.fence). */
  readonly #fence = new BigInt64Array(new SharedArrayBuffer(8));
  #tick: NodeJS.Timeout | null = null;
  #closing: Promise<void> | null = null;
  #drained: (() => void) | null = null;

  constructor(options: ThreadPoolOptions) {
    this.#o = withDefaults(options);
    this.minThreads = Math.max(0, this.#o.minThreads);
    this.maxThreads = Math.max(1, this.minThreads, this.#o.maxThreads);
    this.concurrency = Math.max(1, this.#o.concurrencyPerThread);
    this.#stopper = new JobStopper<P, R>({
      graceMs: this.#o.graceMs,
      settle: (job, err) => this.#settle(job, err),
      dequeue: (job) => this.#queue.remove(job),
      kill: (thread, culprit) => this.#kill(thread, culprit),
    });
    this.#publishFence();
  }

  /** Starts `minThreads` threads and waits until they serve; if the entry does not load, closes the pool and fails. */
  async start(): Promise<void> {
    // The pool's clock: retire idle threads, and re-decide placement and size while nothing else
    // happens (a long job makes no events, yet jobs may wait behind it).
    const tickMs = Math.min(100, Math.max(10, this.#o.idleTimeoutMs / 2));
    this.#tick ??= setInterval(() => {
      this.#retireIdle();
      this.#pump();
    }, tickMs).unref();
    const threads = Array.from({ length: this.minThreads }, () => this.#spawn());
    try {
      await Promise.all(threads.map((t) => t.ready));
    } catch (err) {
      const failed = threads.find((t) => t.state === ThreadState.exited) ?? threads[0]!;
      await this.close({ graceful: false }); // a broken entry is fatal: no respawning
      throw new ThreadStartError(failed.name, this.#o.entry.href, (err as Error).message, { cause: err });
    }
  }

  /** Queues a job; resolves with the handler's result, rejects with one of the pool's errors. */
  run(payload: P, options: RunOptions = {}): Promise<R> {
    const seq = ++this.#seq;
    const label = options.key ?? `#${seq}`;
    if (this.#closing) return Promise.reject(new PoolClosedError(label));
    if (options.key !== undefined && this.#byKey.has(options.key)) {
      return Promise.reject(new Error(`job ${label} is already in the pool`));
    }
    return new Promise<R>((resolve, reject) => {
      const job: PoolJob<P, R> = {
        seq, label, key: options.key, payload, timeoutMs: options.timeoutMs ?? null, onStart: options.onStart,
        resolve, reject, thread: null, started: false, waits: 0, startedAt: 0, startedPerf: 0, stealing: false,
        ending: null, timer: null, settled: false,
      };
      if (job.key !== undefined) this.#byKey.set(job.key, job);
      this.#queue.push(job);
      if (this.#startFailures >= MAX_START_FAILURES && !this.#threads.some((t) => t.state === ThreadState.ready)) {
        this.#startFailures = 0; // new work: try the entry again
      }
      this.#schedulePump();
    });
  }

  /**
   * Hands no queued job to a thread (and steals none) while `admit()` is false; and once the time
   * `until()` returns has passed (performance.timeOrigin + performance.now(), in ms), a thread
   * starts no job it already holds but gives it back, as after a freeze.
   */
  gate(admit: () => boolean, until?: () => number): void {
    this.#admit = admit;
    if (until) this.#until = until;
    this.#publishFence();
  }

  #publishFence(): void {
    const until = this.#until();
    Atomics.store(this.#fence, 0, BigInt(Math.floor(Math.min(until, Number.MAX_SAFE_INTEGER))));
  }

  /** Cancels a queued or running job: it rejects with JobCancelledError. False if unknown or finished. */
  cancel(key: string, reason: string): boolean {
    const job = this.#byKey.get(key);
    if (!job || job.settled) return false;
    if (!job.ending) this.#stopper.stop(job, new JobCancelledError(job.label, reason, job.started), { name: "AbortError", message: reason });
    return true;
  }

  /**
   * Dask's secede, seen from the pool: the running job `key` waits on other work (a task it
   * submitted), so it stops counting against its thread's concurrency and another job may start.
   * Calls nest; each needs its `rejoin`. The job's thread does its own accounting through
   * `JobContext.secede()`: the owner calls this when the job's host call arrives.
   */
  secede(key: string): void {
    const job = this.#byKey.get(key);
    const t = job?.thread;
    if (!job || !t || job.settled) return;
    if (!job.started) this.#markStarted(job, t); // it calls out, so its thread runs it
    job.waits++;
    if (job.waits > 1) return;
    this.#running--;
    this.#seceded++;
    this.#startWaiting(t);
    this.#schedulePump();
  }

  /** The job `key` stopped waiting: it holds a slot again (briefly over-subscribing its thread, if need be). */
  rejoin(key: string): void {
    const job = this.#byKey.get(key);
    if (!job || job.waits === 0) return;
    job.waits--;
    if (job.waits > 0) return;
    this.#seceded--;
    this.#running++;
  }

  stats(): PoolStats {
    return {
      threads: this.#threads.length,
      running: this.#running,
      seceded: this.#seceded,
      queued: this.#queue.size + this.#inflight - this.#running - this.#seceded,
      capacity: this.maxThreads * this.concurrency,
      avgDurationMs: this.#durations.value,
      spawned: this.#spawned,
    };
  }

  /** The threads alive now, for introspection and tests. */
  threads(): ThreadInfo[] {
    return this.#threads.map((t) => ({
      name: t.name, threadId: t.threadId, state: t.state, jobs: t.jobs.length, jobsRun: t.jobsRun, heapUsedMb: t.heapUsedMb,
    }));
  }

  /**
   * Stops the pool. Jobs not yet started are rejected with PoolClosedError. Graceful: running
   * jobs finish (their time-outs still apply); otherwise their signals are aborted and they
   * reject with JobCancelledError. Resolves once every thread has exited.
   */
  close(options: { graceful?: boolean } = {}): Promise<void> {
    this.#closing ??= this.#close(options.graceful ?? true);
    return this.#closing;
  }

  async #close(graceful: boolean): Promise<void> {
    if (this.#tick) clearInterval(this.#tick);
    const drained = new Promise<void>((resolve) => (this.#drained = resolve));
    for (const job of this.#queue.drain()) this.#settle(job, new PoolClosedError(job.label));
    for (const t of [...this.#threads]) {
      for (const job of [...t.jobs]) {
        if (job.ending) continue;
        if (!job.started) this.#stopper.stop(job, new PoolClosedError(job.label), { name: "AbortError", message: "the thread pool is closing" });
        else if (!graceful) this.#stopper.stop(job, new JobCancelledError(job.label, "the thread pool was closed", true), { name: "AbortError", message: "the thread pool was closed" });
      }
    }
    this.#checkDrained();
    await drained;
    await Promise.all(this.#threads.splice(0).map((t) => t.terminate()));
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => this.#pump());
  }

  /** Hands queued jobs to threads with room, takes back jobs stuck behind others, and grows. */
  #pump(): void {
    this.#pumpScheduled = false;
    if (this.#closing) {
      for (const job of this.#queue.drain()) this.#settle(job, new PoolClosedError(job.label));
      this.#checkDrained();
      return;
    }
    this.#publishFence();
    if (this.#queue.size > 0 && !this.#admit()) return;
    const rules: PlacementRules = {
      concurrency: this.concurrency, prefetch: this.#o.prefetch, prefetchBelowMs: this.#o.prefetchBelowMs,
      stallMs: this.#o.stallMs, avgDurationMs: this.#durations.value, now: performance.now(),
      growing: this.#threads.some((t) => t.state === ThreadState.starting),
    };
    while (this.#queue.size > 0) {
      const t = pickThread(this.#threads, rules);
      if (!t) break;
      this.#dispatch(t, this.#queue.shift()!);
    }
    for (let steal = pickSteal(this.#threads, this.#queue.size, rules); steal; steal = pickSteal(this.#threads, this.#queue.size, rules)) {
      const { from, job } = steal;
      job.stealing = true;
      // If the thread started it meanwhile, it stays there; otherwise it replies "dropped" and is queued again.
      void from.unqueue(job.seq).then((taken) => {
        if (!taken) job.stealing = false;
      });
    }
    this.#grow(rules.now);
  }

  #grow(now: number): void {
    if (this.#startFailures >= MAX_START_FAILURES) {
      if (!this.#threads.some((t) => t.state === ThreadState.ready || t.state === ThreadState.starting)) {
        const err = `its last ${MAX_START_FAILURES} threads failed to start`;
        for (const job of this.#queue.drain()) this.#settle(job, new ThreadStartError(`${this.#o.namePrefix}-${this.#spawned}`, this.#o.entry.href, err));
      }
      return;
    }
    let alive = 0;
    const runningElapsedMs: number[] = [];
    for (const t of this.#threads) {
      if (t.state === ThreadState.ready || t.state === ThreadState.starting) alive++;
      for (const job of t.jobs) if (holdsSlot(job)) runningElapsedMs.push(now - job.startedPerf);
    }
    const target = targetThreads({
      queued: this.#queue.size + this.#inflight - this.#running - this.#seceded, runningElapsedMs, concurrency: this.concurrency,
      avgDurationMs: this.#durations.value, unknownDurationMs: this.#o.unknownDurationMs,
      targetIntervalMs: this.#o.targetIntervalMs, minThreads: this.minThreads, maxThreads: this.maxThreads,
    });
    for (let n = alive; n < target; n++) this.#spawn();
  }

  #spawn(): PoolThread<P, R> {
    const t: PoolThread<P, R> = new PoolThread<P, R>({
      name: `${this.#o.namePrefix}-${++this.#spawned}`, entry: this.#o.entry, concurrency: this.concurrency,
      host: this.#o.host, data: this.#o.data, fence: this.#fence.buffer as SharedArrayBuffer, resourceLimits: this.#o.resourceLimits,
      onExit: (code, previous) => this.#onExit(t, code, previous),
    });
    this.#threads.push(t);
    t.ready.then(() => {
      this.#startFailures = 0;
      this.#schedulePump();
    }, () => {});
    return t;
  }

  #dispatch(t: PoolThread<P, R>, job: PoolJob<P, R>): void {
    job.thread = t;
    t.jobs.push(job);
    this.#inflight++;
    this.#startWaiting(t);
    t.send(job.seq, job.payload).then(
      (reply) => this.#onReply(t, job, reply),
      (err: unknown) => this.#onReply(t, job, { kind: "threw", id: job.seq, error: toErrorData(err), heapUsedMb: t.heapUsedMb }),
    );
  }

  #markStarted(job: PoolJob<P, R>, t: PoolThread<P, R>): void {
    job.started = true;
    job.startedAt = Date.now();
    job.startedPerf = performance.now();
    this.#running++;
    if (job.ending) return;
    job.onStart?.({ thread: t.name, at: job.startedAt });
    if (job.timeoutMs !== null && !job.settled) {
      const timeoutMs = job.timeoutMs;
      job.timer = setTimeout(() => {
        job.timer = null;
        if (!job.ending && !job.settled) {
          const err = new JobTimeoutError(job.label, timeoutMs);
          this.#stopper.stop(job, err, { name: "TimeoutError", message: `exceeded its time-out of ${timeoutMs}ms` });
        }
      }, timeoutMs);
    }
  }

  #onReply(t: PoolThread<P, R>, job: PoolJob<P, R>, reply: JobReply<R>): void {
    if (job.thread !== t) return; // its thread died and the job was dealt with then
    // It ran, though the pool had not seen it start (its thread started it when a job ahead of it
    // seceded or ended, before the pool's view caught up): report the start before the end.
    if (reply.kind !== "dropped" && !job.started && !job.settled) this.#markStarted(job, t);
    this.#detach(t, job);
    if (reply.kind !== "dropped") {
      t.jobsRun++;
      t.heapUsedMb = reply.heapUsedMb;
    }
    // A settled job here is one failed early while it waited behind another (see JobStopper).
    if (job.settled) {
      // nothing left to report
    } else if (job.ending) {
      this.#settle(job, job.ending);
    } else if (reply.kind === "dropped") {
      job.stealing = false;
      this.#queue.unshiftAll([job]);
    } else if (reply.kind === "threw") {
      this.#settle(job, new JobFailedError(job.label, reply.error));
    } else {
      this.#durations.add(performance.now() - job.startedPerf);
      this.#settle(job, null, reply.value);
    }
    this.#afterJobLeft(t);
  }

  /** Removes a job from its thread's list and starts, in the pool's view, the ones behind it. */
  #detach(t: PoolThread<P, R>, job: PoolJob<P, R>): void {
    const at = t.jobs.indexOf(job);
    if (at >= 0) t.jobs.splice(at, 1);
    job.thread = null;
    this.#inflight--;
    if (job.started && job.waits > 0) this.#seceded--;
    else if (job.started) this.#running--;
    job.started = false;
    job.waits = 0;
  }

  /** Starts, in the pool's view, the thread's waiting jobs in order while it has free slots (as the thread itself does). */
  #startWaiting(t: PoolThread<P, R>): void {
    let holding = 0;
    for (const job of t.jobs) if (holdsSlot(job)) holding++;
    for (const job of t.jobs) {
      if (holding >= this.concurrency) return;
      if (job.started) continue;
      this.#markStarted(job, t);
      holding++;
    }
  }

  #afterJobLeft(t: PoolThread<P, R>): void {
    this.#startWaiting(t);
    if (t.state === ThreadState.ready && (t.jobsRun >= this.#o.maxJobsPerThread || t.heapUsedMb > this.#o.memoryLimitMb)) {
      t.state = ThreadState.draining; // recycle: no new jobs; retires once empty
      for (const job of t.jobs.filter((j) => !j.started)) {
        job.stealing = true;
        void t.unqueue(job.seq);
      }
    }
    if (t.jobs.length === 0) {
      t.idleSince = Date.now();
      if (t.state === ThreadState.draining) this.#retire(t);
    }
    this.#pump();
    this.#checkDrained();
  }

  #settle(job: PoolJob<P, R>, err: Error | null, value?: R): void {
    if (job.settled) return;
    job.settled = true;
    if (job.timer) clearTimeout(job.timer);
    job.timer = null;
    if (job.key !== undefined) this.#byKey.delete(job.key);
    if (err) job.reject(err);
    else job.resolve(value as R);
  }

  /** Terminates a thread to stop a job that ignored its abort; the other jobs on it fail or go back to the queue. */
  #kill(t: PoolThread<P, R>, culprit: PoolJob<P, R>): void {
    const at = this.#threads.indexOf(t);
    if (at < 0) return;
    this.#threads.splice(at, 1);
    void t.terminate();
    this.#evacuate(t, (job) => this.#stopper.killedError(t, job, culprit));
  }

  #onExit(t: PoolThread<P, R>, code: number, previous: ThreadState): void {
    const at = this.#threads.indexOf(t);
    if (at < 0) return; // retired or killed by the pool: already accounted for
    this.#threads.splice(at, 1);
    if (previous === ThreadState.starting) this.#startFailures++;
    this.#evacuate(t, (job) => new ThreadCrashedError(t.name, code, job.label, { cause: t.lastError ?? undefined }));
  }

  /** Fails the started jobs of a dead thread with `failure`, and queues again the ones that had not started. */
  #evacuate(t: PoolThread<P, R>, failure: (job: PoolJob<P, R>) => Error): void {
    const again: PoolJob<P, R>[] = [];
    for (const job of [...t.jobs]) {
      const started = job.started;
      this.#detach(t, job);
      if (job.settled) continue;
      if (job.ending) this.#settle(job, job.ending);
      else if (started) this.#settle(job, failure(job));
      else {
        job.stealing = false;
        again.push(job);
      }
    }
    this.#queue.unshiftAll(again);
    this.#pump();
    this.#checkDrained();
  }

  #retire(t: PoolThread<P, R>): void {
    const at = this.#threads.indexOf(t);
    if (at >= 0) this.#threads.splice(at, 1);
    void t.terminate();
  }

  #retireIdle(): void {
    for (const t of idleToRetire(this.#threads, Date.now(), this.#o.idleTimeoutMs, this.minThreads)) this.#retire(t);
  }

  #checkDrained(): void {
    if (this.#drained && this.#inflight === 0 && this.#queue.size === 0) {
      this.#drained();
      this.#drained = null;
    }
  }
}
