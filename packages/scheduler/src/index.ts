// @updraft/scheduler: the DAG processor, the scheduler, and the pure timing logic they use.
export { Scheduler, type SchedulerOptions } from "./core/scheduler.ts";
export { SchedulerTaskHost, XcomCache } from "./core/task-host.ts";
export { TaskLogWriter, taskLogPath, formatLogLine } from "./core/task-logs.ts";
export { airflowIso, type TriggerOptions } from "./core/run-repository.ts";
export { preciseNow, type SchedulerEvent, type SchedulerMeasure } from "./core/scheduler-events.ts";
export { DagProcessor, bundlePath, displayPath, type DagProcessorOptions, type FileResult } from "./processor/dag-processor.ts";
export { dagsArePausedAtCreationFromEnv } from "./processor/paused-at-creation.ts";
export { DagImportError, SchedulerConfigError, SchedulerConflictError, SchedulerRequestError } from "./errors.ts";
export { SchedulerLeaseLostError, DEFAULT_LEASE_MS } from "./core/scheduler-job.ts";
export {
  parseSchedule, describeSchedule, nextDataInterval, manualDataInterval, isDue, retryDelayMs, evaluateTriggerRule,
} from "./timing/index.ts";
export type { DataInterval, TriggerDecision, UpstreamSummary } from "./timing/index.ts";
export { queueDagRun, queueBackfill, backfillIntervals, schedulerAlive } from "./core/trigger.ts";
export { discoverDagFiles } from "./processor/discover.ts";
export { widenTaskSelection, tasksMatching, type WidenOptions } from "./core/clear-selection.ts";
export { taskInstanceDependencies, pastDependencyMet, type FailedDependency, type RunRef } from "./core/task-dependencies.ts";
export { requestParse, takeParseRequests } from "./processor/parse-requests.ts";
export { RunCommands, storeOnlyHooks, type TaskSelector, type AffectedTask, type RunCommandHooks } from "./core/run-commands.ts";
