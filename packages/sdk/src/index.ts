// @updraft/sdk: the authoring API of DAGs. Pure: no `node:` imports, so it loads in a worker
// thread, a remote worker, Bun, Deno and the browser.
export { TaskState, RunState, TriggerRule, RunType, FINISHED_TASK_STATES } from "./states.ts";
export { DagDefinitionError, SkipTask, FailTask, toErrorData } from "./errors.ts";
export type { ErrorData } from "./errors.ts";
export { parseDuration } from "./duration.ts";
export type { Duration } from "./duration.ts";
export type {
  Json, ArgSpec, ScheduleSpec, TaskKind, SensorSpec, ShellSpec, SerializedTask, SerializedDag,
} from "./serialized.ts";
