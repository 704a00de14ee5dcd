// Lookups of task instances for the routes: each answers a 404 that names what is missing (the
// DAG, the run, the task, or the instance and its map index), as Airflow's messages do.
import { and, asc, eq, type SQL } from "drizzle-orm";
import { type DagRun, dagRun, runDagVersion, type Store, taskInstance } from "@updraft/store";
import type { SerializedTask } from "@updraft/sdk";
import { notFound } from "../problem.ts";
import { loadRun, requireDag } from "../routes/kit.ts";

/**
 * For the routes that take `~` for "every DAG" or "every run": a 404 when a DAG or run that is
 * named does not exist (with `~` as the DAG, a run id that no DAG has, among the DAGs `visible`
 * keeps: the credentials' DAG restriction on `dag_run.dag_id`).
 */
export async function requireNamed(store: Store, dagId: string, runId: string, visible: SQL[] = []): Promise<void> {
  if (dagId !== "~" && runId !== "~") {
    await loadRun(store, dagId, runId);
    return;
  }
  if (dagId !== "~") await requireDag(store, dagId);
  if (runId === "~") return;
  const [row] = await store.db.select({ id: dagRun.id }).from(dagRun).where(and(eq(dagRun.runId, runId), ...visible)).limit(1);
  if (!row) throw notFound(`DAGRun with DAG ID: '~' and DagRun ID: '${runId}' not found`);
}

/** The task as the run's DAG version defines it (the current version for a run that has none). */
export async function taskSpec(store: Store, run: DagRun, taskId: string): Promise<SerializedTask | undefined> {
  return (await runDagVersion(store, run))?.tasks.find((t) => t.id === taskId);
}

/** The instances of a task in a run (every map index). */
export const instanceOf = (run: DagRun, taskId: string) => and(eq(taskInstance.dagId, run.dagId), eq(taskInstance.runId, run.runId), eq(taskInstance.taskId, taskId));

/** The task instance, or a 404 naming what is missing: the DAG, the run, the task, or the instance (or its map index). */
export async function loadTaskInstance(store: Store, dagId: string, runId: string, taskId: string, mapIndex: number) {
  const run = await loadRun(store, dagId, runId);
  const [ti] = await store.db.select().from(taskInstance).where(and(instanceOf(run, taskId), eq(taskInstance.mapIndex, mapIndex)));
  if (ti) return { run, ti };
  const spec = await taskSpec(store, run, taskId);
  const others = await store.db.select({ mapIndex: taskInstance.mapIndex }).from(taskInstance).where(instanceOf(run, taskId)).orderBy(asc(taskInstance.mapIndex));
  if (!spec && others.length === 0) throw notFound(`Task with id '${taskId}' not found in DAG '${run.dagId}'`);
  const mapped = others.filter((o) => o.mapIndex >= 0);
  if (mapIndex === -1 && mapped.length > 0) {
    throw notFound(`Task instance '${taskId}' in DAG run '${runId}' is mapped: add the map_index to the URL (map indexes ${mapped[0]!.mapIndex}..${mapped.at(-1)!.mapIndex})`);
  }
  if (mapIndex !== -1 && mapped.length === 0 && others.length > 0) {
    throw notFound(`Task instance '${taskId}' in DAG run '${runId}' is not mapped: there is no map_index ${mapIndex}; leave the map_index out`);
  }
  const where = mapIndex === -1 ? "" : ` with map_index ${mapIndex}`;
  const known = mapped.length ? ` (map indexes ${mapped[0]!.mapIndex}..${mapped.at(-1)!.mapIndex})` : "";
  throw notFound(`Task instance '${taskId}'${where} not found in DAG run '${runId}' of DAG '${run.dagId}'${known}`);
}

/** A 404 unless the task is in the run's DAG or has instances in the run (a task since removed from the file). */
export async function requireTask(store: Store, run: DagRun, taskId: string): Promise<void> {
  if (await taskSpec(store, run, taskId)) return;
  const [row] = await store.db.select({ taskId: taskInstance.taskId }).from(taskInstance).where(instanceOf(run, taskId)).limit(1);
  if (!row) throw notFound(`Task with id '${taskId}' not found in DAG '${run.dagId}'`);
}
