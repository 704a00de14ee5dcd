// Why a task instance is not running, from the store, for the API's …/dependencies (Airflow's
// `get_failed_dep_statuses`): the same checks the scheduler makes before it starts an instance —
// the run is running, the instance is in a state that may start, a branch's decision, the trigger
// rule and the previous run (taskReadiness, the scheduler's own function) — each that holds the
// instance back named as Airflow names its deps. Also the previous-run check itself
// (dependsOnPast), which the scheduler's RunRepository uses too.
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { Json, SerializedDag, SerializedTask, TaskState } from "@updraft/sdk";
import { dag, dagRun, taskInstance, xcom, type Store } from "@updraft/store";
import { summarizeUpstream } from "../timing/trigger-rules.ts";
import { taskReadiness } from "./readiness.ts";
import { SKIP_DECISION_KEY } from "./skip-decisions.ts";

/** One dependency that holds a task instance back, as Airflow's `TaskFailedDependency`. */
export interface FailedDependency {
  name: string;
  reason: string;
}

/** A run, as the previous-run check needs it. */
export interface RunRef {
  dagId: string;
  runId: string;
  logicalDate: Date;
}

/**
 * dependsOnPast: whether the same task succeeded or was skipped in the previous run (by logical
 * date), and with waitForDownstream its direct downstream tasks too; a first instance passes
 * unless ignoreFirstDependsOnPast is off.
 */
export async function pastDependencyMet(store: Store, run: RunRef, spec: SerializedTask, downstream: readonly string[]): Promise<boolean> {
  const ok = (s: string | null) => s === "success" || s === "skipped";
  const [prev] = await store.db.select({ runId: dagRun.runId }).from(dagRun)
    .where(and(eq(dagRun.dagId, run.dagId), lt(dagRun.logicalDate, run.logicalDate)))
    .orderBy(desc(dagRun.logicalDate)).limit(1);
  if (!prev) return true;
  const tis = await store.db.select({ state: taskInstance.state }).from(taskInstance)
    .where(and(eq(taskInstance.dagId, run.dagId), eq(taskInstance.runId, prev.runId), eq(taskInstance.taskId, spec.id)));
  if (tis.length === 0) return (spec.ignoreFirstDependsOnPast ?? true) && !(await hadInstanceBefore(store, run, spec.id));
  if (!tis.every((t) => ok(t.state))) return false;
  if (!spec.waitForDownstream || downstream.length === 0) return true;
  const after = await store.db.select({ state: taskInstance.state }).from(taskInstance)
    .where(and(eq(taskInstance.dagId, run.dagId), eq(taskInstance.runId, prev.runId), inArray(taskInstance.taskId, [...downstream])));
  return after.every((t) => ok(t.state));
}

/** Whether any run before this one (by logical date) has an instance of the task. */
async function hadInstanceBefore(store: Store, run: RunRef, taskId: string): Promise<boolean> {
  const [row] = await store.db.select({ id: taskInstance.taskId }).from(taskInstance)
    .innerJoin(dagRun, and(eq(dagRun.dagId, taskInstance.dagId), eq(dagRun.runId, taskInstance.runId)))
    .where(and(eq(taskInstance.dagId, run.dagId), eq(taskInstance.taskId, taskId), lt(dagRun.logicalDate, run.logicalDate)))
    .limit(1);
  return row !== undefined;
}

/** States from which the scheduler may start an instance (Airflow's QUEUEABLE_STATES plus its own waits). */
const STARTABLE = new Set<string>(["none", "scheduled", "up_for_retry", "up_for_reschedule"]);

/**
 * What holds a task instance back, empty when nothing does (it is about to be queued, or runs).
 * @example await taskInstanceDependencies(store, s, run, "load", -1) // [{ name: "Trigger Rule", reason: "…" }]
 */
export async function taskInstanceDependencies(
  store: Store, s: SerializedDag, run: RunRef & { state: string }, taskId: string, mapIndex: number,
): Promise<FailedDependency[]> {
  const spec = s.tasks.find((t) => t.id === taskId);
  if (!spec) return [{ name: "Task Exists", reason: `Task "${taskId}" is not in the DAG's current version; it was removed.` }];
  const [ti] = await store.db.select({ state: taskInstance.state }).from(taskInstance)
    .where(and(eq(taskInstance.dagId, run.dagId), eq(taskInstance.runId, run.runId), eq(taskInstance.taskId, taskId), eq(taskInstance.mapIndex, mapIndex)));
  const state: string = ti?.state ?? "none";
  const out: FailedDependency[] = [];
  if (!STARTABLE.has(state)) {
    out.push({ name: "Task Instance State", reason: `Task is in the '${state}' state which is not a valid state for execution. The task must be cleared in order to be run.` });
  }
  if (run.state !== "running") {
    out.push({ name: "Dagrun Running", reason: `Task instance's dagrun was not in the 'running' state but in the state '${run.state}'.` });
  }
  const [row] = await store.db.select({ paused: dag.isPaused }).from(dag).where(eq(dag.dagId, run.dagId));
  if (row?.paused) out.push({ name: "Dag Not Paused", reason: `Task's DAG '${run.dagId}' is paused.` });
  if (!STARTABLE.has(state)) return out;

  const upstream = spec.upstream.length
    ? await store.db.select({ taskId: taskInstance.taskId, state: taskInstance.state }).from(taskInstance)
      .where(and(eq(taskInstance.dagId, run.dagId), eq(taskInstance.runId, run.runId), inArray(taskInstance.taskId, spec.upstream)))
    : [];
  const decisions: Json[] = spec.upstream.length
    ? (await store.db.select({ value: xcom.value }).from(xcom)
      .where(and(eq(xcom.dagId, run.dagId), eq(xcom.runId, run.runId), inArray(xcom.taskId, spec.upstream), eq(xcom.mapIndex, -1), eq(xcom.key, SKIP_DECISION_KEY))))
      .map((r) => r.value).filter((v): v is Json => v !== null && v !== undefined)
    : [];
  const downstream = s.tasks.filter((t) => t.upstream.includes(taskId)).map((t) => t.id);
  const pastMet = spec.dependsOnPast ? await pastDependencyMet(store, run, spec, downstream) : true;
  const summary = summarizeUpstream(upstream.map((u) => (u.state ?? "none") as TaskState));
  const decision = taskReadiness(spec, summary, decisions, () => pastMet);
  if (decision === "run") return out;
  if (spec.dependsOnPast && !pastMet) {
    out.push({ name: "Previous Dagrun State", reason: spec.waitForDownstream
      ? `The tasks downstream of the previous task instance of task '${taskId}' have not finished, or the previous task instance did not succeed or was not skipped (depends_on_past with wait_for_downstream).`
      : `The previous task instance of task '${taskId}' did not succeed or was not skipped (depends_on_past).` });
  }
  if (decision === "skip" || decision === "upstream_failed" || decision === "removed") {
    out.push({ name: "Trigger Rule", reason: `Task's trigger rule '${spec.triggerRule}' settles it as '${decision === "skip" ? "skipped" : decision}' without running it: upstream ${describe(summary)}.` });
  } else if (!(spec.dependsOnPast && !pastMet)) {
    out.push({ name: "Trigger Rule", reason: `Task's trigger rule '${spec.triggerRule}' requires more of its ${spec.upstream.length} upstream task(s) to finish: upstream ${describe(summary)}.` });
  }
  return out;
}

function describe(s: ReturnType<typeof summarizeUpstream>): string {
  return `{'total': ${s.total}, 'done': ${s.done}, 'success': ${s.success}, 'skipped': ${s.skipped}, 'failed': ${s.failed}, 'upstream_failed': ${s.upstreamFailed}, 'removed': ${s.removed}}`;
}
