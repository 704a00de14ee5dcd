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
export { threadHost, seceding } from "./threads/thread-host.ts";
export type { ThreadTry } from "./threads/thread-host.ts";
export { targetThreads, idleToRetire, DurationAverage } from "./threads/adaptive-scaling.ts";
export type { ScalingInput } from "./threads/adaptive-scaling.ts";
export { ExecutorErrorName, timedOut, cancelled, stopped, fromPoolError } from "./outcomes.ts";
export {
  JobTimeoutError, JobCancelledError, JobFailedError, ThreadCrashedError, ThreadTerminatedError,
  ThreadStartError, PoolClosedError, DuplicateTryError, ExecutorNotRunningError,
} from "./errors.ts";
// `remote`: workers connected over a transport the API package provides (its WebSocket), with the
// scheduler's threads as an optional local member.
export { RemoteExecutor, LOST_CLOSE_CODE } from "./remote/remote-executor.ts";
export type { RemoteExecutorOptions } from "./remote/remote-executor.ts";
export { WorkerState, WorkerEventType } from "./remote/types.ts";
export type { WorkerLink, WorkerSession, PeerInfo, WorkerInfo, WorkerTry, WorkerEvent } from "./remote/types.ts";
export { WORKER_LOST_ERROR, workerLost } from "./remote/outcomes.ts";
export { chooseMember, chooseSteal, roomOf, freeSlots, excessOf } from "./remote/placement.ts";
export type { MemberView, VictimView, WaitingTry } from "./remote/placement.ts";
