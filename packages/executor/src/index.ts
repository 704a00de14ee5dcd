// @updraft/executor: the executors behind one interface — `threads` (an adaptive pool of worker
// threads driven through comlink), `sequential` (one try at a time, in-process, for debugging) —
// and the generic thread pool beneath the first, which the remote worker reuses.
export { EventHub } from "./executor.ts";
export type { Executor, ExecutorEvent, ExecutorStats } from "./executor.ts";
export { ThreadsExecutor } from "./threads/threads-executor.ts";
export type { ThreadsExecutorOptions } from "./threads/threads-executor.ts";
export { SequentialExecutor } from "./sequential/sequential-executor.ts";
export type { SequentialExecutorOptions, RunTask } from "./sequential/sequential-executor.ts";
export { ThreadPool } from "./threads/thread-pool.ts";
export type { ThreadPoolOptions, RunOptions, PoolStats, ThreadInfo } from "./threads/pool-options.ts";
export { serveThread } from "./threads/thread-runtime.ts";
export type { ThreadHandler } from "./threads/thread-runtime.ts";
export type { JobContext } from "./threads/thread-protocol.ts";
export { threadHost } from "./threads/thread-host.ts";
export { targetThreads, idleToRetire, DurationAverage } from "./threads/adaptive-scaling.ts";
export type { ScalingInput } from "./threads/adaptive-scaling.ts";
export { ExecutorErrorName, timedOut, cancelled, stopped, fromPoolError } from "./outcomes.ts";
export {
  JobTimeoutError, JobCancelledError, JobFailedError, ThreadCrashedError, ThreadTerminatedError,
  ThreadStartError, PoolClosedError, DuplicateTryError, ExecutorNotRunningError,
} from "./errors.ts";
