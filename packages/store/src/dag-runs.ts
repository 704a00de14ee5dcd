// Reading a DAG's runs a page at a time (keyset pagination on the logical date, newest first),
// so that a list over years of history never holds more than one page in memory; and finding the
// run of one logical date.
import { and, desc, eq, gte, inArray, lt, lte, ne, type SQL } from "drizzle-orm";
import type { RunState, RunType } from "@updraft/sdk";
import type { Store } from "./open-store.ts";
import { dagRun, type DagRun } from "./schema/dag-run.ts";

/** Which runs of a DAG to list (Airflow's `DagRun.find` filters, as `dags list-runs` passes them). */
export interface DagRunFilter {
  dagId: string;
  /** Only runs in one of these states. */
  states?: readonly RunState[];
  /** Leave out backfill runs (`--no-backfill`). */
  noBackfill?: boolean;
  /** Logical date at or after this instant. */
  from?: Date;
  /** Logical date at or before this instant. */
  to?: Date;
}

/** Largest page `listDagRunsPage` returns. */
export const MAX_DAG_RUN_PAGE = 1_000;

/**
 * One page of a DAG's runs, newest logical date first, strictly older than `before` when given.
 * Pass the last row's `logicalDate` as `before` to read the next page; a page shorter than `limit`
 * is the last.
 * @example
 * for (let before: Date | undefined, page; (page = await listDagRunsPage(store, { dagId: "d" }, { before })).length;) {
 *   before = page.at(-1)!.logicalDate;
 * }
 */
export async function listDagRunsPage(store: Store, filter: DagRunFilter, page: { limit?: number; before?: Date } = {}): Promise<DagRun[]> {
  const limit = Math.min(Math.max(1, page.limit ?? 500), MAX_DAG_RUN_PAGE);
  const where: SQL[] = [eq(dagRun.dagId, filter.dagId)];
  if (filter.states?.length) where.push(inArray(dagRun.state, [...filter.states]));
  if (filter.noBackfill) where.push(ne(dagRun.runType, "backfill"));
  if (filter.from) where.push(gte(dagRun.logicalDate, filter.from));
  if (filter.to) where.push(lte(dagRun.logicalDate, filter.to));
  if (page.before) where.push(lt(dagRun.logicalDate, page.before));
  return store.db.select().from(dagRun).where(and(...where)).orderBy(desc(dagRun.logicalDate)).limit(limit);
}

/**
 * Every run matching the filter, a page at a time, newest first.
 * @example for await (const page of dagRunPages(store, { dagId: "d", states: ["failed"] })) print(page);
 */
export async function* dagRunPages(store: Store, filter: DagRunFilter, pageSize = 500): AsyncGenerator<DagRun[]> {
  let before: Date | undefined;
  for (;;) {
    const page = await listDagRunsPage(store, filter, { limit: pageSize, ...(before ? { before } : {}) });
    if (page.length > 0) yield page;
    if (page.length < Math.min(pageSize, MAX_DAG_RUN_PAGE)) return;
    before = page.at(-1)!.logicalDate;
  }
}

/** The run of a DAG at a logical date (unique per DAG), or null. */
export async function findDagRunByLogicalDate(store: Store, dagId: string, logicalDate: Date): Promise<DagRun | null> {
  const [row] = await store.db.select().from(dagRun).where(and(eq(dagRun.dagId, dagId), eq(dagRun.logicalDate, logicalDate)));
  return row ?? null;
}

/**
 * The DAG's latest run (by logical date) of the given types, or null: the scheduler's cursor is
 * the latest scheduled or backfill run.
 * @example await latestDagRun(store, "daily_sales", ["scheduled", "backfill"])
 */
export async function latestDagRun(store: Store, dagId: string, runTypes: readonly RunType[]): Promise<DagRun | null> {
  const [row] = await store.db.select().from(dagRun).where(and(eq(dagRun.dagId, dagId), inArray(dagRun.runType, [...runTypes])))
    .orderBy(desc(dagRun.logicalDate)).limit(1);
  return row ?? null;
}

/** The run of a DAG with this run id, or null. */
export async function findDagRun(store: Store, dagId: string, runId: string): Promise<DagRun | null> {
  const [row] = await store.db.select().from(dagRun).where(and(eq(dagRun.dagId, dagId), eq(dagRun.runId, runId)));
  return row ?? null;
}
