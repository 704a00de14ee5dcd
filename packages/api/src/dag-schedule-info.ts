// What the DAG endpoints say about a DAG's schedule beyond its definition: Airflow's readable
// `timetable_description` (cron expressions read by cronstrue, as Airflow's cron_descriptor reads
// them) and the next scheduled run (`next_dagrun*`), computed with the scheduler's own interval
// arithmetic from the DAG's latest automated run, as the scheduler computes it.
import { and, desc, eq, inArray } from "drizzle-orm";
import cronstrue from "cronstrue";
import { dagRun, type Store } from "@updraft/store";
import type { ScheduleSpec, SerializedDag } from "@updraft/sdk";
import { describeSchedule, nextDataInterval, type DataInterval } from "@updraft/scheduler";

/**
 * A schedule in words, as Airflow's timetables describe theirs.
 * @example timetableDescription({ kind: "cron", expression: "0 6 * * *" }) // "At 06:00"
 * @example timetableDescription(null) // "Never, external triggers only"
 */
export function timetableDescription(spec: ScheduleSpec | null): string {
  if (spec === null) return "Never, external triggers only";
  switch (spec.kind) {
    case "once":
      return "Once, as soon as possible";
    case "interval":
      return describeSchedule(spec).replace(/^every/, "Every");
    case "cron":
      try {
        return cronstrue.toString(spec.expression, { use24HourTimeFormat: true, verbose: false });
      } catch {
        return spec.preset ?? spec.expression;
      }
    default:
      return spec satisfies never;
  }
}

/** The interval of a DAG's latest scheduled or backfill run, as the scheduler's registry reads it. */
async function lastAutomatedInterval(store: Store, dagId: string): Promise<DataInterval | null> {
  const [row] = await store.db
    .select({ start: dagRun.dataIntervalStart, end: dagRun.dataIntervalEnd })
    .from(dagRun)
    .where(and(eq(dagRun.dagId, dagId), inArray(dagRun.runType, ["scheduled", "backfill"])))
    .orderBy(desc(dagRun.logicalDate))
    .limit(1);
  return row?.start && row.end ? { start: row.start, end: row.end } : null;
}

/**
 * The data interval of the DAG's next scheduled run (its logical date is `start`; it is created
 * once the clock passes `end`), or null when it has no schedule or its schedule has ended.
 */
export async function nextScheduledInterval(store: Store, dagId: string, s: SerializedDag | null, now = new Date()): Promise<DataInterval | null> {
  if (!s?.schedule) return null;
  return nextDataInterval(s.schedule, {
    last: await lastAutomatedInterval(store, dagId),
    startDate: s.startDate ? new Date(s.startDate) : null,
    endDate: s.endDate ? new Date(s.endDate) : null,
    catchup: s.catchup, now, timezone: s.timezone,
  });
}

/** A DAG's owners, as Airflow lists them: its tasks' owners, each once, in task order ("airflow" when a task names none). */
export function dagOwners(s: SerializedDag | null): string[] {
  return s ? [...new Set(s.tasks.map((t) => t.owner ?? "airflow"))] : [];
}
