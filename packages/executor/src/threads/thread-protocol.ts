// What the pool (main thread) and the thread runtime say to each other through comlink. Both
// sides are this package's own code, so messages are typed here rather than validated per job:
// the payload itself (a TaskAssignment) was validated when it entered the scheduler.
import type { MessagePort } from "node:worker_threads";

/** Handed to a thread at spawn time in `workerData`: no round trip is needed before its first job. */
export interface ThreadBoot {
  /** The thread's name in the pool, e.g. "thread-3": it appears in errors and as a hostname. */
  name: string;
  /** How many jobs the thread runs at once; jobs beyond that wait in the thread (prefetch). */
  concurrency: number;
  /** Where the thread reaches the pool's host object (a comlink endpoint), or null if none. */
  hostPort: MessagePort | null;
  /** Free-form data for the entry module, e.g. settings for its handler. */
  data: unknown;
  /**
   * One BigInt64 the pool keeps up to date: the time (performance.timeOrigin + performance.now(),
   * in ms) after which the thread starts no job it holds, and replies "dropped" instead. The
   * scheduler's lease deadline: a job handed over just before a freeze does not start after it.
   */
  fence: SharedArrayBuffer;
}

/** One job as it crosses to the thread: the pool's numeric id and the owner's payload. */
export interface JobRequest<P> {
  id: number;
  payload: P;
}

/** How a job came back from the thread. */
export type JobReply<R> =
  /** The handler returned `value`. */
  | { kind: "done"; id: number; value: R; heapUsedMb: number }
  /** The handler threw; errors cross as data. */
  | { kind: "threw"; id: number; error: { name: string; message: string; stack?: string }; heapUsedMb: number }
  /** The job was aborted while it still waited in the thread, so it never started. */
  | { kind: "dropped"; id: number };

/** A reason for aborting a job's signal, as data (the thread turns it into an Error). */
export interface AbortReason {
  name: string;
  message: string;
}

/** The object a thread exposes to the pool. */
export interface ThreadApi<P, R> {
  /** Resolves once the entry module has loaded and the thread is serving. */
  ready(): { name: string; threadId: number };
  run(job: JobRequest<P>): Promise<JobReply<R>>;
  /** Aborts a job's signal, or drops it if it has not started; true if the thread knew the job. */
  abort(id: number, reason: AbortReason): boolean;
  /** Drops a job that still waits in the thread (its `run` replies "dropped"); false if it started. */
  unqueue(id: number): boolean;
  /** The thread's heap, in MiB. */
  memory(): { heapUsedMb: number; heapTotalMb: number };
}

/** The context a handler receives for each job. */
export interface JobContext<H> {
  /** Aborted when the job times out or is cancelled; its reason is an Error named accordingly. */
  signal: AbortSignal;
  /** The pool's host object, proxied: every call is a round trip to the main thread. */
  host: H;
  /** The thread's name in the pool. */
  thread: string;
  /** `ThreadBoot.data`, as given to the pool. */
  data: unknown;
  /**
   * Dask's secede: the job is about to wait on work elsewhere (a task it submitted) and gives up
   * its slot in this thread meanwhile, so a waiting job may start. Returns the rejoin function
   * (idempotent); the job takes its slot back then, even if that briefly over-subscribes the
   * thread. The pool's own view follows `ThreadPool.secede(key)` / `rejoin(key)`, which the
   * pool's owner calls when the job's host call arrives and is answered.
   */
  secede(): () => void;
  /** Whether the pool's fence (ThreadBoot.fence) has passed: a job that has not begun its work should give up. */
  fenced(): boolean;
}
