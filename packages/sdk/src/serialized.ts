// The serialized form of a DAG: plain JSON that the DAG processor stores and the scheduler reads.
// It holds the structure and options only; task functions stay in the DAG's bundle and are found
// again by id when a task runs.
import type { TriggerRule } from "./states.ts";
import type { ParamSpec } from "./param.ts";
import type { Json } from "./json-value.ts";

export type { Json };

/** Where a task argument comes from: a literal value, an XCom of an upstream task, or a derivation of them. */
export type ArgSpec =
  | { kind: "literal"; value: Json }
  /** The XCom `key` of `taskId`; for a mapped task, the list of its instances' values in map-index order. */
  | { kind: "xcom"; taskId: string; key: string }
  /** `source.map(fn)`: each element of the source passed through the DAG's map function `fn` (by id). */
  | { kind: "map"; source: ArgSpec; fn: string }
  /** `a.zip(b, …)`: lists of the sources' elements, as long as the shortest, or the longest padded with `fill.value`. */
  | { kind: "zip"; sources: ArgSpec[]; fill: { value: Json } | null };

/** A schedule after parsing: a cron expression (presets already translated) or a fixed interval. */
export type ScheduleSpec =
  | { kind: "cron"; expression: string; preset?: string }
  | { kind: "interval"; everyMs: number }
  | { kind: "once" };

export type TaskKind = "task" | "shell" | "sensor" | "branch" | "short_circuit";

export interface SensorSpec {
  pokeIntervalMs: number;
  timeoutMs: number;
  mode: "poke" | "reschedule";
  softFail: boolean;
  exponentialBackoff: boolean;
}

export interface ShellSpec {
  command: string;
  env: Record<string, string>;
  cwd: string | null;
}

/** One task of a serialized DAG, with every option resolved (task options over defaultArgs over defaults). */
export interface SerializedTask {
  id: string;
  kind: TaskKind;
  /** Direct upstream task ids: data dependencies and `chain` / `.after` edges, sorted. */
  upstream: string[];
  /** Arguments after `ctx`, in order. */
  args: ArgSpec[];
  /** Set when the task is mapped with `.expand`: which argument is mapped and over what. */
  expand: { argIndex: number; source: ArgSpec } | null;
  retries: number;
  retryDelayMs: number;
  retryExponentialBackoff: boolean;
  maxRetryDelayMs: number | null;
  executionTimeoutMs: number | null;
  triggerRule: TriggerRule;
  dependsOnPast: boolean;
  /**
   * With dependsOnPast: also wait until the direct downstream tasks of the previous run's instance
   * succeeded or were skipped. Absent in DAGs serialized before it existed (false).
   */
  waitForDownstream?: boolean;
  /** dependsOnPast is not checked for a task's first instance, when no earlier run has one. Absent: true. */
  ignoreFirstDependsOnPast?: boolean;
  /** With dependsOnPast: a skip waits until the past dependency is met, as a run does. Absent: false. */
  waitForPastDependsBeforeSkipping?: boolean;
  pool: string;
  poolSlots: number;
  priorityWeight: number;
  queue: string;
  doc: string | null;
  /** The task's owner (`owner` in its options or the DAG's defaultArgs); absent: Airflow's default owner, "airflow". */
  owner?: string;
  sensor: SensorSpec | null;
  shell: ShellSpec | null;
  /**
   * For a short circuit: whether a falsy result skips everything downstream whatever its trigger
   * rules (true, Airflow's default) or only the direct downstream tasks (false). Absent: true.
   */
  ignoreDownstreamTriggerRules?: boolean;
}

export interface SerializedDag {
  id: string;
  schedule: ScheduleSpec | null;
  /** ISO timestamps in UTC. */
  startDate: string | null;
  endDate: string | null;
  catchup: boolean;
  /**
   * Whether the DAG starts paused when the DAG processor first sees it; absent: the processor's
   * default (UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION, true unless set to false). Later parses never
   * change a DAG's pause flag.
   */
  isPausedUponCreation?: boolean;
  maxActiveRuns: number;
  maxActiveTasks: number;
  dagrunTimeoutMs: number | null;
  /** The params' defaults: what `ctx.params` holds before the run's conf is applied. */
  params: Record<string, Json>;
  /** Type, description, enum… of the params declared with `param()`, for the trigger form. */
  paramSpecs?: Record<string, ParamSpec>;
  tags: string[];
  /** IANA time zone in which cron schedules are evaluated; "UTC" unless the DAG sets one. */
  timezone: string;
  description: string | null;
  /** Tasks in a topological order. */
  tasks: SerializedTask[];
  /**
   * Definitions that `ctx.submit` can start (made in the DAG file but not called as tasks of the
   * DAG), options resolved; no upstream, no arguments. Absent in DAGs serialized before submit existed.
   */
  submittable?: SerializedTask[];
}
