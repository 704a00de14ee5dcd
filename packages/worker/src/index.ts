// @updraft/worker: the runtime that runs one try of a task, in a scheduler thread or a remote
// worker, the protocol it speaks, and the remote worker client (`RemoteWorker`) behind `updraft worker`.
export { runTask } from "./run-task.ts";
export { loadBundle, loadDag, collectDags, installUpdraftResolver } from "./bundle-loader.ts";
export { renderTemplate } from "./templates.ts";
export { sensorPokeDelayMs } from "./sensor.ts";
export { isSensitiveKey } from "./task-log.ts";
export { formatLogLine } from "./log-format.ts";
export { BundleLoadError, TemplateError, SensorTimeoutError, ShellCommandError, BundleDownloadError } from "./errors.ts";
export {
  PROTOCOL_VERSION, taskAssignmentSchema, taskOutcomeSchema, errorDataSchema, submitRequestSchema, submitResultSchema,
} from "./protocol.ts";
export type { TaskAssignment, TaskOutcome, TaskHost, LogLine, ConnectionData, SubmitRequest, SubmitResult } from "./protocol.ts";
export {
  workerMessageSchema, serverMessageSchema, hostCallSchema, parseFrame, CloseCode, WORKER_SOCKET_PATH, bundlePath,
} from "./remote/messages.ts";
export type { WorkerMessage, ServerMessage, HostCall } from "./remote/messages.ts";
export { tryRefSchema, type TryRef } from "./remote/messages.ts";
export { maxXcomBytes, xcomLimitError, maxWorkerFrameBytes, DEFAULT_MAX_XCOM_BYTES } from "./xcom-limit.ts";
export { RemoteWorker, WorkerExitCode } from "./remote/remote-worker.ts";
export type { RemoteWorkerOptions } from "./remote/remote-worker.ts";
export type { TaskRunner, RunnerEvent, RunnerStats } from "./remote/runner.ts";
export { BundleCache } from "./remote/bundle-cache.ts";
export type { BundleCacheOptions } from "./remote/bundle-cache.ts";
export { backoffDelay } from "./remote/backoff.ts";
export type { BackoffOptions } from "./remote/backoff.ts";
export { serverBase, socketUrl } from "./remote/connect.ts";
