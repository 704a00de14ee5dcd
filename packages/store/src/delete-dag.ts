// Deleting a DAG and everything recorded of it, as Airflow's `delete_dag`: its runs, task
// instances, tries, XComs, versions, its row, and the import error of its file. The event log
// keeps its entries (Airflow's keep_records_in_log). The file itself stays: the next parse adds
// the DAG back, with no history.
import { and, count, eq, inArray } from "drizzle-orm";
import type { Store } from "./open-store.ts";
import { dag, dagVersion, importError } from "./schema/dag.ts";
import { dagRun } from "./schema/dag-run.ts";
import { taskInstance, taskInstanceHistory, xcom } from "./schema/task-instance.ts";

/** What `deleteDag` did: nothing (no such DAG, or runs still active), or how many rows it removed. */
export type DeleteDagResult =
  | { status: "unknown" }
  | { status: "active"; activeRuns: number }
  | { status: "deleted"; removed: number };

/**
 * Deletes a DAG's rows in one transaction, unless it has queued or running runs (a scheduler holds
 * those; Airflow refuses to delete a DAG with running task instances too).
 * @example const r = await deleteDag(store, "daily_sales"); if (r.status === "deleted") console.log(`Removed ${r.removed} record(s)`);
 */
export async function deleteDag(store: Store, dagId: string): Promise<DeleteDagResult> {
  return store.write(async (tx) => {
    const [row] = await tx.select({ fileloc: dag.fileloc }).from(dag).where(eq(dag.dagId, dagId));
    if (!row) return { status: "unknown" } as const;
    const [active] = await tx.select({ n: count() }).from(dagRun).where(and(eq(dagRun.dagId, dagId), inArray(dagRun.state, ["queued", "running"])));
    if ((active?.n ?? 0) > 0) return { status: "active", activeRuns: active!.n } as const;
    let removed = 0;
    // Children first, each counted: the foreign keys would cascade, but the count is Airflow's answer.
    for (const table of [xcom, taskInstanceHistory, taskInstance, dagRun, dagVersion] as const) {
      removed += (await tx.delete(table).where(eq(table.dagId, dagId)).returning({ dagId: table.dagId })).length;
    }
    removed += (await tx.delete(dag).where(eq(dag.dagId, dagId)).returning({ dagId: dag.dagId })).length;
    // The file's import error goes too, unless another DAG still lives in that file.
    const [sibling] = await tx.select({ n: count() }).from(dag).where(eq(dag.fileloc, row.fileloc));
    if ((sibling?.n ?? 0) === 0) removed += (await tx.delete(importError).where(eq(importError.filename, row.fileloc)).returning({ id: importError.id })).length;
    return { status: "deleted", removed } as const;
  });
}
