// Errors of the executors and of the thread pool beneath them. Each names the job or thread it is
// about, and why, so that a failed try's message in the UI says what happened to it.

/** A job ran longer than its time-out; `terminated` tells whether its thread had to be killed. */
export class JobTimeoutError extends Error {
  override name = "JobTimeoutError";
  readonly timeoutMs: number;
  terminated = false;
  constructor(job: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(`job ${job} exceeded its time-out of ${timeoutMs}ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** A job was cancelled by its owner before it finished; `started` tells whether it had begun. */
export class JobCancelledError extends Error {
  override name = "JobCancelledError";
  readonly reason: string;
  readonly started: boolean;
  terminated = false;
  constructor(job: string, reason: string, started: boolean, options?: { cause?: unknown }) {
    super(`job ${job} was cancelled${started ? "" : " before it started"}: ${reason}`, options);
    this.reason = reason;
    this.started = started;
  }
}

/** The thread running a job died on its own: an uncaught error or `process.exit` in the thread. */
export class ThreadCrashedError extends Error {
  override name = "ThreadCrashedError";
  readonly thread: string;
  readonly exitCode: number;
  constructor(thread: string, exitCode: number, job: string, options?: { cause?: unknown }) {
    const why = options?.cause instanceof Error ? `: ${options.cause.name}: ${options.cause.message}` : "";
    super(`thread ${thread} exited with code ${exitCode} while running job ${job}${why}`, options);
    this.thread = thread;
    this.exitCode = exitCode;
  }
}

/** A job was killed because the pool terminated its thread to stop another job on it. */
export class ThreadTerminatedError extends Error {
  override name = "ThreadTerminatedError";
  readonly thread: string;
  constructor(thread: string, job: string, culprit: string, options?: { cause?: unknown }) {
    super(
      `job ${job} was killed: thread ${thread} was terminated because job ${culprit} on it ` +
        `did not stop within the grace period after its signal was aborted`,
      options,
    );
    this.thread = thread;
  }
}

/** A thread could not start: its entry module failed to load or it exited before it was ready. */
export class ThreadStartError extends Error {
  override name = "ThreadStartError";
  readonly thread: string;
  constructor(thread: string, entry: string, detail: string, options?: { cause?: unknown }) {
    super(`thread ${thread} could not start entry ${entry}: ${detail}`, options);
    this.thread = thread;
  }
}

/** A job was refused or dropped because the pool was closed. */
export class PoolClosedError extends Error {
  override name = "PoolClosedError";
  constructor(job: string, options?: { cause?: unknown }) {
    super(`job ${job} was not run: the thread pool is closed`, options);
  }
}

/** The job's own code threw inside the thread; the original name, message and stack are kept. */
export class JobFailedError extends Error {
  override name = "JobFailedError";
  readonly remote: { name: string; message: string; stack?: string };
  constructor(job: string, remote: { name: string; message: string; stack?: string }) {
    super(`job ${job} threw ${remote.name}: ${remote.message}`);
    this.remote = remote;
  }
}

/** A try handed to an executor under a key that is already in flight. */
export class DuplicateTryError extends Error {
  override name = "DuplicateTryError";
  constructor(executor: string, key: string) {
    super(`executor "${executor}": try "${key}" was submitted while the same try is still in flight`);
  }
}

/** A try handed to an executor that is not started, or is stopping. */
export class ExecutorNotRunningError extends Error {
  override name = "ExecutorNotRunningError";
  constructor(executor: string, state: string, key: string) {
    super(`executor "${executor}" is ${state}: try "${key}" was not accepted`);
  }
}
