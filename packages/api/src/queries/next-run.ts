// The next run of DAGs whose `dag.next_dagrun` the scheduler has not written: worked out as the
// scheduler does (the interval after the latest scheduled or backfill run, or the first from the
// start date), for a page of DAGs in one query that reads only the schedule fields of their
// current versions.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { dag, dagVersion, type Store } from "@updraft/store";
import type { ScheduleSpec } from "@updraft/sdk";
import { nextDataInterval } from "@updraft/scheduler";

/** A run the schedule will create: its logical date (the interval's start) and when it falls due (its end). */
export interface PlannedRun {
  start: Date;
  end: Date;
}

interface Row {
  dagId: string;
  schedule: string | null;
  startDate: string | null;
  endDate: string | null;
  catchup: number | boolean | null;
  timezone: string | null;
  lastStart: number | null;
  lastEnd: number | null;
}

/**
 * The next planned run of each of these DAGs that has a schedule but no `next_dagrun` stored.
 * @example const next = await plannedNextRuns(store, ["daily_sales"]); next.get("daily_sales")?.start
 */
export async function plannedNextRuns(store: Store, dagIds: string[], now = new Date()): Promise<Map<string, PlannedRun>> {
  const out = new Map<string, PlannedRun>();
  if (dagIds.length === 0) return out;
  const last = (column: "data_interval_start" | "data_interval_end") =>
    sql<number | null>`(select r.${sql.raw(column)} from dag_run r where r.dag_id = ${sql.raw(`"dag"."dag_id"`)} and r.run_type in ('scheduled', 'backfill') order by r.logical_date desc limit 1)`;
  const rows: Row[] = await store.db.select({
    dagId: dag.dagId,
    schedule: sql<string | null>`json_extract(${dagVersion.serialized}, '$.schedule')`,
    startDate: sql<string | null>`json_extract(${dagVersion.serialized}, '$.startDate')`,
    endDate: sql<string | null>`json_extract(${dagVersion.serialized}, '$.endDate')`,
    catchup: sql<number | null>`json_extract(${dagVersion.serialized}, '$.catchup')`,
    timezone: sql<string | null>`json_extract(${dagVersion.serialized}, '$.timezone')`,
    lastStart: last("data_interval_start"),
    lastEnd: last("data_interval_end"),
  }).from(dag)
    .innerJoin(dagVersion, and(eq(dagVersion.dagId, dag.dagId), eq(dagVersion.versionHash, dag.versionHash)))
    .where(and(inArray(dag.dagId, dagIds), isNull(dag.nextDagrun)));
  for (const r of rows) {
    if (!r.schedule) continue;
    let spec: ScheduleSpec;
    try {
      spec = JSON.parse(r.schedule) as ScheduleSpec;
    } catch {
      continue;
    }
    const interval = nextDataInterval(spec, {
      last: r.lastStart != null && r.lastEnd != null ? { start: new Date(Number(r.lastStart)), end: new Date(Number(r.lastEnd)) } : null,
      startDate: r.startDate ? new Date(r.startDate) : null,
      endDate: r.endDate ? new Date(r.endDate) : null,
      catchup: r.catchup === true || r.catchup === 1,
      now,
      timezone: r.timezone ?? "UTC",
    });
    if (interval) out.set(r.dagId, interval);
  }
  return out;
}
