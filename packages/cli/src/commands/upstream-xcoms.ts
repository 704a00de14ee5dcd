// The inputs `tasks test` gives a task from its upstream tasks, as Airflow does: the XComs they
// pushed in the latest run of the DAG at that logical date, when there is one. What is missing is
// named, so the one line printed before the task runs says which upstream tasks gave nothing.
import { and, desc, eq } from "drizzle-orm";
import { dagRun, xcom, type Store } from "@updraft/store";
import type { Json, SerializedDag } from "@updraft/sdk";

/** The run whose XComs feed the test: its id and data interval. */
export interface SourceRun {
  runId: string;
  state: string;
  dataIntervalStart: Date | null;
  dataIntervalEnd: Date | null;
}

/** The upstream values of one logical date, and the upstream tasks asked for that had none. */
export interface UpstreamXcoms {
  /** The latest run at the logical date, or null when the DAG has none there. */
  run: SourceRun | null;
  /**
   * The XCom `key` of `taskId` in that run (for a mapped upstream, its instances' values in
   * map-index order, as the scheduler passes them), or undefined (and `taskId` noted as missing).
   */
  value(taskId: string, key: string): Json | undefined;
  /** Upstream task ids whose value was asked for and not found, in the order asked. */
  readonly missing: string[];
}

/**
 * Reads the XComs of the latest run of `dagId` at `logicalDate`.
 * @example const up = await upstreamXcoms(store, "etl", new Date("2026-03-04"), serialized); up.value("extract", "return_value")
 */
export async function upstreamXcoms(store: Store, dagId: string, logicalDate: Date, dag: Pick<SerializedDag, "tasks">): Promise<UpstreamXcoms> {
  const [run] = await store.db.select({
    runId: dagRun.runId, state: dagRun.state, dataIntervalStart: dagRun.dataIntervalStart, dataIntervalEnd: dagRun.dataIntervalEnd,
  }).from(dagRun).where(and(eq(dagRun.dagId, dagId), eq(dagRun.logicalDate, logicalDate))).orderBy(desc(dagRun.id)).limit(1);
  const rows = run
    ? await store.db.select({ taskId: xcom.taskId, mapIndex: xcom.mapIndex, key: xcom.key, value: xcom.value }).from(xcom)
      .where(and(eq(xcom.dagId, dagId), eq(xcom.runId, run.runId)))
    : [];
  const byTask = new Map<string, Array<{ mapIndex: number; value: Json }>>();
  for (const r of rows) {
    const k = `${r.taskId}\u0000${r.key}`;
    byTask.set(k, [...(byTask.get(k) ?? []), { mapIndex: r.mapIndex, value: r.value ?? null }]);
  }
  const missing: string[] = [];
  const miss = (taskId: string) => {
    if (!missing.includes(taskId)) missing.push(taskId);
    return undefined;
  };
  return {
    run: run ?? null,
    missing,
    value(taskId, key) {
      const found = byTask.get(`${taskId}\u0000${key}`);
      if (!found) return miss(taskId);
      const mapped = dag.tasks.find((t) => t.id === taskId)?.expand != null;
      if (!mapped) return found.find((f) => f.mapIndex === -1)?.value ?? miss(taskId);
      return found.filter((f) => f.mapIndex >= 0).sort((a, b) => a.mapIndex - b.mapIndex).map((f) => f.value);
    },
  };
}

/**
 * The one line `tasks test` prints when inputs are missing (null is passed for them).
 * @example missingInputsLine("etl", date, null, ["extract"]) // 'note: dag "etl" has no run at …'
 */
export function missingInputsLine(dagId: string, logicalDate: Date, run: SourceRun | null, missing: string[]): string {
  const tasks = `upstream task${missing.length > 1 ? "s" : ""} ${missing.map((t) => `"${t}"`).join(", ")}`;
  const where = run ? `run "${run.runId}" (${run.state}) of dag "${dagId}" has no XCom from` : `dag "${dagId}" has no run at ${logicalDate.toISOString()} to take the XComs of`;
  return `note: missing inputs: ${where} ${tasks}; passing null for them`;
}
