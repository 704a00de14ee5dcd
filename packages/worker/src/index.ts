// @updraft/worker: the runtime that runs one try of a task, in a scheduler thread or a remote
// worker, the protocol it speaks, and the remote worker client (`RemoteWorker`) behind `updraft worker`.
export { runTask } from "./run-task.ts";
export { loadBundle, loadDag } from "./bundle-loader.ts";
export { renderTemplate } from "./templates.ts";
export { formatLogLine } from "./log-format.ts";
export { PROTOCOL_VERSION, taskAssignmentSchema, taskOutcomeSchema, submitResultOf } from "./protocol.ts";
export type { TaskAssignment, TaskOutcome, TaskHost, LogLine, ConnectionData, SubmitRequest, SubmitResult } from "./protocol.ts";
export { workerMessageSchema, serverMessageSchema, parseFrame, CloseCode, WORKER_SOCKET_PATH, bundlePath } from "./remote/messages.ts";
export type { WorkerMessage, ServerMessage, HostCall } from "./remote/messages.ts";
export { type TryRef } from "./remote/messages.ts";
export { xcomLimitError, maxWorkerFrameBytes } from "./xcom-limit.ts";
export { RemoteWorker } from "./remote/remote-worker.ts";
export { serverBase } from "./remote/connect.ts";
