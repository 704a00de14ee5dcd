// DAG and task options as authors write them, validated with zod, and their resolution
// (task options over the DAG's defaultArgs over Airflow's defaults).
import { z } from "zod";
import { DagDefinitionError } from "./errors.ts";
import { parseDuration, type Duration } from "./duration.ts";
import { TriggerRule } from "./states.ts";
import type { Json, SerializedTask } from "./serialized.ts";
import { isParam, type Param } from "./param.ts";

export const ID_PATTERN = /^[A-Za-z0-9_.-]+$/;

const duration = z.union([z.string(), z.number().nonnegative()]);
const jsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

export const taskOptionsSchema = z.strictObject({
  retries: z.number().int().nonnegative().optional(),
  retryDelay: duration.optional(),
  retryExponentialBackoff: z.boolean().optional(),
  maxRetryDelay: duration.optional(),
  executionTimeout: duration.nullable().optional(),
  triggerRule: z.enum(Object.values(TriggerRule) as [TriggerRule, ...TriggerRule[]]).optional(),
  dependsOnPast: z.boolean().optional(),
  waitForDownstream: z.boolean().optional(),
  ignoreFirstDependsOnPast: z.boolean().optional(),
  waitForPastDependsBeforeSkipping: z.boolean().optional(),
  pool: z.string().min(1).optional(),
  poolSlots: z.number().int().positive().optional(),
  priorityWeight: z.number().int().optional(),
  queue: z.string().min(1).optional(),
  doc: z.string().optional(),
  /** Who owns the task (Airflow's `owner`); a DAG's owners are its tasks' owners. */
  owner: z.string().min(1).optional(),
});

/** Options of one task; also accepted in a DAG's `defaultArgs`. */
export type TaskOptions = z.input<typeof taskOptionsSchema>;

export const dagOptionsSchema = z.strictObject({
  id: z.string().regex(ID_PATTERN, "must match [A-Za-z0-9_.-]+").max(250),
  schedule: z.union([z.string(), z.strictObject({ every: duration }), z.null()]).optional(),
  startDate: z.union([z.string(), z.date()]).optional(),
  endDate: z.union([z.string(), z.date()]).optional(),
  catchup: z.boolean().optional(),
  /** Whether the DAG starts paused when first seen (Airflow's `is_paused_upon_creation`); unset: UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION. */
  isPausedUponCreation: z.boolean().optional(),
  maxActiveRuns: z.number().int().positive().optional(),
  maxActiveTasks: z.number().int().positive().optional(),
  dagrunTimeout: duration.nullable().optional(),
  defaultArgs: taskOptionsSchema.optional(),
  /** Plain values, or `param(value, spec)` for a type, a description, an enum… (the trigger form reads them). */
  params: z.record(z.string(), z.union([z.custom<Param>(isParam), jsonValue])).optional(),
  tags: z.array(z.string()).optional(),
  description: z.string().optional(),
  timezone: z.string().optional(),
});

/** Options of `dag()`; see DESIGN.md Contract 1. */
export type DagOptions = z.input<typeof dagOptionsSchema>;

/** Turns zod's issues into one message that names the DAG, the task and the field. */
export function describeIssues(where: string, error: z.ZodError): string {
  return error.issues
    .map((i) => `${where}: ${i.path.length ? i.path.join(".") : "options"}: ${i.message}`)
    .join("; ");
}

export function parseTaskOptions(where: string, value: unknown): TaskOptions {
  const parsed = taskOptionsSchema.safeParse(value ?? {});
  if (!parsed.success) throw new DagDefinitionError(describeIssues(where, parsed.error));
  return parsed.data;
}

type ResolvedOptions = Pick<
  SerializedTask,
  | "retries" | "retryDelayMs" | "retryExponentialBackoff" | "maxRetryDelayMs" | "executionTimeoutMs" | "triggerRule"
  | "dependsOnPast" | "waitForDownstream" | "ignoreFirstDependsOnPast" | "waitForPastDependsBeforeSkipping"
  | "pool" | "poolSlots" | "priorityWeight" | "queue" | "doc" | "owner"
>;

const ms = (d: Duration | null | undefined, field: string): number | null => (d == null ? null : parseDuration(d, field));

/**
 * Task options over defaultArgs over Airflow's defaults (retry delay 5 minutes, default_pool,
 * queue "default", ignoreFirstDependsOnPast true as Airflow's `ignore_first_depends_on_past_by_default`).
 * `waitForDownstream` implies `dependsOnPast`, as in Airflow.
 */
export function resolveTaskOptions(where: string, task: TaskOptions, defaults: TaskOptions): ResolvedOptions {
  const o = { ...defaults, ...task };
  return {
    retries: o.retries ?? 0,
    retryDelayMs: ms(o.retryDelay, `${where}: retryDelay`) ?? 300_000,
    retryExponentialBackoff: o.retryExponentialBackoff ?? false,
    maxRetryDelayMs: ms(o.maxRetryDelay, `${where}: maxRetryDelay`),
    executionTimeoutMs: ms(o.executionTimeout, `${where}: executionTimeout`),
    triggerRule: o.triggerRule ?? "all_success",
    dependsOnPast: (o.dependsOnPast ?? false) || (o.waitForDownstream ?? false),
    waitForDownstream: o.waitForDownstream ?? false,
    ignoreFirstDependsOnPast: o.ignoreFirstDependsOnPast ?? true,
    waitForPastDependsBeforeSkipping: o.waitForPastDependsBeforeSkipping ?? false,
    pool: o.pool ?? "default_pool",
    poolSlots: o.poolSlots ?? 1,
    priorityWeight: o.priorityWeight ?? 1,
    queue: o.queue ?? "default",
    doc: o.doc ?? null,
    // Only when given, so that DAGs without owners serialize as they did (the API shows Airflow's default, "airflow").
    ...(o.owner !== undefined ? { owner: o.owner } : {}),
  };
}
