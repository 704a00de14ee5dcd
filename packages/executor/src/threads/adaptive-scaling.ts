// How many threads the pool wants: Dask's adaptive scaling, reduced to one pool of identical
// threads. Dask sizes a cluster so that the work it knows about (queued + processing tasks, each
// weighted by the observed duration of its kind) would finish within a target interval; here the
// weight is a moving average of recent job durations, and a running job counts for at least the
// time it has already run (Dask's occupancy does the same), so one long job does not hide behind
// a short average. Growing is decided here; shrinking happens by idle time-out in the pool.
// Pure arithmetic, tested with a table.

/** What the pool knows when it decides its size. */
export interface ScalingInput {
  /** Jobs waiting for a thread (including ones prefetched into a thread but not started). */
  queued: number;
  /** How long each running job has run so far. */
  runningElapsedMs: readonly number[];
  /** Jobs one thread runs at once. */
  concurrency: number;
  /** Moving average of recent job durations, or null before any job finished. */
  avgDurationMs: number | null;
  /** Duration assumed before any job finished (Dask: `unknown-task-duration`, 500ms). */
  unknownDurationMs: number;
  /** The backlog should be done within this (Dask: `target-duration`). */
  targetIntervalMs: number;
  minThreads: number;
  maxThreads: number;
}

/**
 * The number of threads the pool should have: enough that the known work, at the average job
 * duration, takes no longer than the target interval — but never more threads than the work
 * has jobs for, and always within [minThreads, maxThreads].
 *
 *   workMs = queued · avg + Σ over running jobs of max(avg, elapsed)
 *   target = clamp(min(⌈workMs / (interval · concurrency)⌉, ⌈(queued + running) / concurrency⌉), min, max)
 *
 * @example
 * // 40 jobs of ~100ms on single-slot threads, to be done within 1s: 4 threads.
 * targetThreads({ queued: 38, runningElapsedMs: [10, 20], concurrency: 1, avgDurationMs: 100,
 *   unknownDurationMs: 500, targetIntervalMs: 1000, minThreads: 1, maxThreads: 8 }); // 4
 */
export function targetThreads(input: ScalingInput): number {
  const concurrency = Math.max(1, input.concurrency);
  const duration = input.avgDurationMs ?? input.unknownDurationMs;
  let workMs = input.queued * duration;
  for (const elapsed of input.runningElapsedMs) workMs += Math.max(duration, elapsed);
  const byTime = Math.ceil(workMs / (Math.max(1, input.targetIntervalMs) * concurrency));
  const bySlots = Math.ceil((input.queued + input.runningElapsedMs.length) / concurrency);
  const wanted = Math.min(byTime, bySlots);
  return Math.max(input.minThreads, Math.min(input.maxThreads, wanted));
}

/**
 * An exponentially weighted moving average of job durations: recent jobs count most, so the
 * pool adapts when the kind of work changes.
 *
 * @example
 * const d = new DurationAverage(0.2);
 * d.add(100); d.add(200);
 * d.value; // 120
 */
export class DurationAverage {
  readonly #alpha: number;
  #value: number | null = null;

  constructor(alpha = 0.1) {
    this.#alpha = alpha;
  }

  get value(): number | null {
    return this.#value;
  }

  add(durationMs: number): void {
    this.#value = this.#value === null ? durationMs : this.#value + this.#alpha * (durationMs - this.#value);
  }
}

/**
 * The threads to retire now: ready, without jobs, idle for at least `idleTimeoutMs`, longest idle
 * first, keeping at least `minThreads` ready or starting.
 * @example idleToRetire(threads, Date.now(), 10_000, 1) // [thread idle for 12s]
 */
export function idleToRetire<T extends { state: string; jobs: readonly unknown[]; idleSince: number }>(
  threads: readonly T[],
  now: number,
  idleTimeoutMs: number,
  minThreads: number,
): T[] {
  let alive = threads.filter((t) => t.state === "ready" || t.state === "starting").length;
  const idle = threads
    .filter((t) => t.state === "ready" && t.jobs.length === 0 && now - t.idleSince >= idleTimeoutMs)
    .sort((a, b) => a.idleSince - b.idleSince);
  const out: T[] = [];
  for (const t of idle) {
    if (alive <= minThreads) break;
    out.push(t);
    alive--;
  }
  return out;
}
