// Stopping one job of the pool: on time-out, cancel or close. A queued job just leaves the queue.
// A job in a thread has its AbortSignal aborted; if it has not returned after the grace period,
// a running job gets its thread terminated (the only way to stop code that ignores its signal),
// while a job still waiting in the thread behind another is failed at once and left for the
// thread to drop: terminating would kill the innocent job that holds the thread.
import { JobCancelledError, JobTimeoutError, ThreadTerminatedError } from "../errors.ts";
import type { PoolJob, PoolThread } from "./pool-thread.ts";
import type { AbortReason } from "./thread-protocol.ts";

export interface JobStopperOptions<P, R> {
  graceMs: number;
  /** Ends the job's promise (idempotent). */
  settle: (job: PoolJob<P, R>, err: Error) => void;
  /** Takes a job that has no thread out of the pool's queue. */
  dequeue: (job: PoolJob<P, R>) => void;
  /** Terminates `thread` because `culprit` ignored its abort. */
  kill: (thread: PoolThread<P, R>, culprit: PoolJob<P, R>) => void;
}

/**
 * The pool's policy for stopping jobs.
 *
 * @example
 * const stopper = new JobStopper({ graceMs: 2000, settle, dequeue, kill });
 * stopper.stop(job, new JobTimeoutError(job.label, 500), { name: "TimeoutError", message: "exceeded 500ms" });
 */
export class JobStopper<P, R> {
  readonly #o: JobStopperOptions<P, R>;

  constructor(options: JobStopperOptions<P, R>) {
    this.#o = options;
  }

  /** Starts stopping `job`; it will end with `err` whatever it returns now. */
  stop(job: PoolJob<P, R>, err: Error, reason: AbortReason): void {
    if (job.settled) return;
    job.ending = err;
    if (job.timer) clearTimeout(job.timer);
    job.timer = null;
    const thread = job.thread;
    if (!thread) {
      this.#o.dequeue(job);
      this.#o.settle(job, err);
      return;
    }
    thread.abort(job.seq, reason);
    job.timer = setTimeout(() => {
      job.timer = null;
      if (job.settled || job.thread !== thread) return;
      if (!job.started) {
        this.#o.settle(job, err);
        return;
      }
      if (err instanceof JobTimeoutError || err instanceof JobCancelledError) err.terminated = true;
      this.#o.kill(thread, job);
    }, this.#o.graceMs);
  }

  /** The error of a running job that dies because its thread was terminated for `culprit`. */
  killedError(thread: PoolThread<P, R>, job: PoolJob<P, R>, culprit: PoolJob<P, R>): Error {
    return new ThreadTerminatedError(thread.name, job.label, culprit.label);
  }
}
