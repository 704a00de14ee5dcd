// The failed outcomes an executor reports itself, when a try did not end by its own code:
// time-outs, cancellations, a stopped executor, a thread that died. Pure functions.
import type { TaskAssignment, TaskOutcome } from "@updraft/worker";
import {
  JobCancelledError, JobFailedError, JobTimeoutError, PoolClosedError, ThreadCrashedError,
  ThreadStartError, ThreadTerminatedError,
} from "./errors.ts";

/** The error names that appear in outcomes made by executors. */
export const ExecutorErrorName = {
  timeout: "TaskTimeoutError",
  cancelled: "TaskCancelledError",
  stopped: "ExecutorStoppedError",
  crashed: "ThreadCrashedError",
  terminated: "ThreadTerminatedError",
  startFailed: "ThreadStartError",
  internal: "ExecutorError",
} as const;
export type ExecutorErrorName = (typeof ExecutorErrorName)[keyof typeof ExecutorErrorName];

type Failed = Extract<TaskOutcome, { status: "failed" }>;

function describe(a: Pick<TaskAssignment, "dagId" | "taskId" | "mapIndex" | "tryNumber">): string {
  const mapped = a.mapIndex >= 0 ? `[${a.mapIndex}]` : "";
  return `task "${a.dagId}.${a.taskId}${mapped}" (try ${a.tryNumber})`;
}

function failed(name: ExecutorErrorName, message: string, retryable: boolean): Failed {
  return { status: "failed", retryable, error: { name, message } };
}

/**
 * A try that ran past its `executionTimeout`: failed, and retries apply.
 * @example timedOut(a, 5000).error.message // 'task "etl.load" (try 1) exceeded executionTimeout of 5000ms'
 */
export function timedOut(a: TaskAssignment, timeoutMs: number, terminated = false): Failed {
  const how = terminated ? " (it ignored its abort signal, so its thread was terminated)" : "";
  return failed(ExecutorErrorName.timeout, `${describe(a)} exceeded executionTimeout of ${timeoutMs}ms${how}`, true);
}

/**
 * A try cancelled by the scheduler (a user marked it, or its run was failed): no retry.
 * @example cancelled(a, "run timed out").error.name // "TaskCancelledError"
 */
export function cancelled(a: TaskAssignment, reason: string): Failed {
  return failed(ExecutorErrorName.cancelled, `${describe(a)} was cancelled: ${reason}`, false);
}

/**
 * A try dropped or aborted because its executor stopped; it did nothing wrong, so it may retry.
 * @example stopped(a, "threads", false).retryable // true
 */
export function stopped(a: TaskAssignment, executor: string, started: boolean): Failed {
  const what = started ? "was aborted" : "was not started";
  return failed(ExecutorErrorName.stopped, `${describe(a)} ${what}: executor "${executor}" stopped`, true);
}

/**
 * Turns an error from the thread pool into the try's outcome. Time-outs and cancellations are
 * recognised by type; anything else becomes a retryable failure that keeps the pool's message.
 * @example fromPoolError(a, new ThreadCrashedError("thread-2", 1, "k")).error.name // "ThreadCrashedError"
 */
export function fromPoolError(a: TaskAssignment, err: unknown): Failed {
  if (err instanceof JobTimeoutError) return timedOut(a, err.timeoutMs, err.terminated);
  if (err instanceof JobCancelledError) return cancelled(a, err.reason);
  if (err instanceof ThreadCrashedError) return failed(ExecutorErrorName.crashed, `${describe(a)}: ${err.message}`, true);
  if (err instanceof ThreadTerminatedError) return failed(ExecutorErrorName.terminated, `${describe(a)}: ${err.message}`, true);
  if (err instanceof ThreadStartError) return failed(ExecutorErrorName.startFailed, `${describe(a)}: ${err.message}`, true);
  if (err instanceof PoolClosedError) return failed(ExecutorErrorName.stopped, `${describe(a)}: ${err.message}`, true);
  if (err instanceof JobFailedError) return { status: "failed", retryable: true, error: err.remote };
  const e = err instanceof Error ? err : new Error(String(err));
  return failed(ExecutorErrorName.internal, `${describe(a)}: ${e.name}: ${e.message}`, true);
}
