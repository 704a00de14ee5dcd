// @updraft/sdk: the authoring API of DAGs. Pure: no `node:` imports, so it loads in a worker
// thread, a remote worker, Bun, Deno and the browser.
export { dag, Dag, isDag, toUtcIso } from "./dag.ts";
export type { RuntimeTask, ScheduleParser } from "./dag.ts";
export { task, branch, shortCircuit, definitionOf, checkSubmitArgs } from "./task.ts";
export type { TaskDef, Arg, ShortCircuitOptions } from "./task.ts";
export { shell, sensor } from "./operators.ts";
export type { ShellOptions, SensorOptions, PokeResult } from "./operators.ts";
export { chain } from "./output.ts";
export type { Output } from "./output.ts";
export type { DagOptions, TaskOptions } from "./options.ts";
export { param, ParamType } from "./param.ts";
export type { Param, ParamSpec } from "./param.ts";
export type { TaskContext, TaskLogger, Connection } from "./context.ts";
export { TaskState, RunState, TriggerRule, RunType, FINISHED_TASK_STATES } from "./states.ts";
export { DagDefinitionError, SkipTask, FailTask, SubmitError, ChildTaskFailed, ConnectionFormatError, toErrorData } from "./errors.ts";
export { parseConnectionUri, parseConnectionJson, connectionToUri, toTaskConnection, extraObject } from "./connection-uri.ts";
export type { ConnectionFields } from "./connection-uri.ts";
export { connectionFromEnv, envConnectionIds } from "./connection-env.ts";
export type { ErrorData } from "./errors.ts";
export { parseDuration } from "./duration.ts";
export { isTruthy } from "./truthiness.ts";
export { isDerived, argLeaves, describeArgSpec, rawElements, finishElement, DerivedArgError } from "./derived-args.ts";
export type { Duration } from "./duration.ts";
export type { Json, ArgSpec, ScheduleSpec, TaskKind, SensorSpec, ShellSpec, SerializedTask, SerializedDag } from "./serialized.ts";
