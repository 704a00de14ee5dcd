// @updraft/executor: the executors behind one interface — `threads` (an adaptive pool of worker
// threads driven through comlink), `sequential` (one try at a time, in-process, for debugging)
// and `remote` — as far as other packages use them (the rest is internal).
export type { Executor, ExecutorEvent, ExecutorStats } from "./executor.ts";
export { ThreadsExecutor } from "./threads/threads-executor.ts";
export type { ThreadsExecutorOptions } from "./threads/threads-executor.ts";
export { SequentialExecutor } from "./sequential/sequential-executor.ts";
export { ExecutorErrorName, timedOut, cancelled, stopped } from "./outcomes.ts";
export { ThreadTerminatedError, DuplicateTryError } from "./errors.ts";
// `remote`: workers connected over a transport the API package provides (its WebSocket), with the
// scheduler's threads as an optional local member.
export { RemoteExecutor, LOST_CLOSE_CODE } from "./remote/remote-executor.ts";
export type { RemoteExecutorOptions } from "./remote/remote-executor.ts";
export { WorkerState, WorkerEventType } from "./remote/types.ts";
export type { WorkerLink, WorkerSession, PeerInfo, WorkerInfo, WorkerEvent } from "./remote/types.ts";
