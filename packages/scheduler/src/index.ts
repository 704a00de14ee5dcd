// @updraft/scheduler: the DAG processor, the scheduler, and the pure timing logic they use.
export { Scheduler, type SchedulerOptions } from "./core/scheduler.ts";
export { SchedulerTaskHost } from "./core/task-host.ts";
export { TaskLogWriter, taskLogPath, formatLogLine } from "./core/task-logs.ts";
export { airflowIso } from "./core/run-repository.ts";
export { preciseNow, type SchedulerEvent, type SchedulerMeasure } from "./core/scheduler-events.ts";
export { DagProcessor, bundlePath, displayPath, type FileResult } from "./processor/dag-processor.ts";
export { DagImportError, SchedulerConflictError, SchedulerRequestError } from "./errors.ts";
export { SchedulerLeaseLostError } from "./core/scheduler-job.ts";
export { parseSchedule, describeSchedule, nextDataInterval, manualDataInterval, retryDelayMs } from "./timing/index.ts";
export type { DataInterval } from "./timing/index.ts";
export { queueDagRun, queueBackfill, schedulerAlive } from "./core/trigger.ts";
export { discoverDagFiles } from "./processor/discover.ts";
export { widenTaskSelection, tasksMatching } from "./core/clear-selection.ts";
export { taskInstanceDependencies, type FailedDependency } from "./core/task-dependencies.ts";
export { requestParse } from "./processor/parse-requests.ts";
export { RunCommands, storeOnlyHooks, type TaskSelector, type AffectedTask } from "./core/run-commands.ts";
