// The thread pool's options, their defaults, and the shapes it reports.
import { availableParallelism } from "node:os";
import type { ResourceLimits } from "node:worker_threads";
import type { ThreadState } from "./pool-thread.ts";

export interface ThreadPoolOptions {
  /** The module each thread loads; it must call `serveThread()`. */
  entry: URL;
  /** Exposed to every thread once, at spawn (`ctx.host` in the handler). */
  host?: object;
  /** Passed to the handler as `ctx.data`; structured-cloned into each thread. */
  data?: unknown;
  /** Default 1. */
  minThreads?: number;
  /** Default: the number of cores. */
  maxThreads?: number;
  /** Jobs one thread runs at once. Default 1. */
  concurrencyPerThread?: number;
  /** Extra jobs sent to a busy thread so it never waits for the main thread. Default 1. */
  prefetch?: number;
  /** Prefetch only while jobs take on average less than this. Default 50ms. */
  prefetchBelowMs?: number;
  /** A job running this long counts as overdue: nothing waits behind it, waiting jobs are taken back. Default 200ms. */
  stallMs?: number;
  /** A thread idle this long retires (down to minThreads). Default 10s. */
  idleTimeoutMs?: number;
  /** After a job's signal is aborted, how long it may take to return before its thread is terminated. Default 2s. */
  graceMs?: number;
  /** Recycle a thread after this many jobs. Default: never. */
  maxJobsPerThread?: number;
  /** Recycle a thread whose heap passes this many MiB after a job. Default: never. */
  memoryLimitMb?: number;
  /** Grow so that the known work would finish within this. Default 1s. */
  targetIntervalMs?: number;
  /** Duration assumed for jobs before any finished. Default 500ms. */
  unknownDurationMs?: number;
  /** V8 limits of each thread: a thread that passes them dies and is replaced. */
  resourceLimits?: ResourceLimits;
  /** Threads are named `${namePrefix}-N`. Default "thread". */
  namePrefix?: string;
}

/** Options with their defaults applied. */
export type ResolvedPoolOptions = Required<Omit<ThreadPoolOptions, "host" | "data" | "resourceLimits">> &
  Pick<ThreadPoolOptions, "host" | "data" | "resourceLimits">;

/**
 * Applies the defaults.
 * @example withDefaults({ entry }).graceMs // 2000
 */
export function withDefaults(options: ThreadPoolOptions): ResolvedPoolOptions {
  return {
    minThreads: 1, maxThreads: availableParallelism(), concurrencyPerThread: 1, prefetch: 1, prefetchBelowMs: 50,
    stallMs: 200, idleTimeoutMs: 10_000, graceMs: 2_000, maxJobsPerThread: Infinity, memoryLimitMb: Infinity,
    targetIntervalMs: 1_000, unknownDurationMs: 500, namePrefix: "thread", ...options,
  };
}

export interface RunOptions {
  /** The job's name for `cancel()` and error messages; unique among unfinished jobs. */
  key?: string;
  /** Measured from the moment the job starts running in its thread. */
  timeoutMs?: number | null;
  /** Called when the job starts running, with the thread's name. */
  onStart?: (info: { thread: string; at: number }) => void;
}

export interface PoolStats {
  threads: number;
  /** Jobs running and holding a slot. */
  running: number;
  /** Jobs running but seceded: they wait on other work and hold no slot. */
  seceded: number;
  queued: number;
  capacity: number;
  avgDurationMs: number | null;
  spawned: number;
}

export interface ThreadInfo {
  name: string;
  threadId: number;
  state: ThreadState;
  jobs: number;
  jobsRun: number;
  heapUsedMb: number;
}
