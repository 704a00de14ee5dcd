// GET /api/updraft/ui/dags/{dag_id}/calendar?year=2026: for `<updraft-calendar>`, each UTC day of
// the year that has runs, with the runs counted by state (grouped in SQL by the logical date's
// day) and the latest run of the day (for a link into the grid), plus the runs the schedule will
// still create that year (Airflow 3.1's calendar shows those as planned).
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { dag, dagRun, dagVersion, type Store } from "@updraft/store";
import { nextDataInterval, type DataInterval } from "@updraft/scheduler";
import type { ScheduleSpec, SerializedDag } from "@updraft/sdk";
import type { ApiApp, ApiDeps } from "../../types.ts";
import { errors, jsonOf, requireDag } from "../kit.ts";
import { requireVisibleDag } from "./kit.ts";

/** Planned runs are counted up to this many intervals (a minutely schedule stops counting there). */
export const MAX_PLANNED = 20_000;

const Day = z.object({
  date: z.string().openapi({ description: "YYYY-MM-DD (UTC)." }),
  counts: z.record(z.string(), z.number().int()).openapi({ description: "Runs by state." }),
  total: z.number().int(),
  latest_run_id: z.string().nullable(),
  planned: z.number().int().openapi({ description: "Runs the schedule will create that day and that do not exist yet." }),
});
const UiCalendar = z.object({
  dag_id: z.string(), year: z.number().int(),
  first_year: z.number().int().nullable().openapi({ description: "The year of the DAG's first run (for a year picker); null without runs." }),
  last_year: z.number().int().nullable(),
  days: z.array(Day).openapi({ description: "Only days with runs or planned runs, in date order." }),
}).openapi("UiCalendar");

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The number of runs `spec` will create on each UTC day in [from, to), the first being the one whose logical date is `next`. */
export function plannedPerDay(spec: ScheduleSpec, next: Date, from: number, to: number, endDate: Date | null, timezone: string): Map<string, number> {
  const out = new Map<string, number>();
  const opts = { startDate: next, endDate, catchup: true, now: new Date(to), timezone };
  let interval: DataInterval | null = nextDataInterval(spec, { ...opts, last: null });
  for (let i = 0; i < MAX_PLANNED && interval && interval.start.getTime() < to; i++) {
    const at = interval.start.getTime();
    if (at >= from) out.set(dayOf(at), (out.get(dayOf(at)) ?? 0) + 1);
    interval = nextDataInterval(spec, { ...opts, last: interval });
  }
  return out;
}

/**
 * The logical date of the next run the schedule creates, as the scheduler works it out: the
 * interval after the latest scheduled or backfill run (or the first one from the start date).
 */
async function nextRunDate(store: Store, dagId: string, d: SerializedDag): Promise<Date | null> {
  if (!d.schedule) return null;
  const [last] = await store.db.select({ start: dagRun.dataIntervalStart, end: dagRun.dataIntervalEnd }).from(dagRun)
    .where(and(eq(dagRun.dagId, dagId), inArray(dagRun.runType, ["scheduled", "backfill"]))).orderBy(desc(dagRun.logicalDate)).limit(1);
  const interval = nextDataInterval(d.schedule, {
    last: last?.start && last.end ? { start: last.start, end: last.end } : null,
    startDate: d.startDate ? new Date(d.startDate) : null, endDate: d.endDate ? new Date(d.endDate) : null,
    catchup: d.catchup, now: new Date(), timezone: d.timezone,
  });
  return interval?.start ?? null;
}

export function registerCalendar(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/dags/{dag_id}/calendar", tags: ["Updraft UI"],
      summary: "A year of days with the DAG's runs counted by state",
      request: {
        params: z.object({ dag_id: z.string() }),
        query: z.object({ year: z.string().regex(/^\d{4}$/, "must be a year like 2026").transform(Number).optional() }),
      },
      responses: { 200: { description: "Success.", content: jsonOf(UiCalendar) }, ...errors },
    }),
    async (c) => {
      const { dag_id: dagId } = c.req.valid("param");
      const year = c.req.valid("query").year ?? new Date().getUTCFullYear();
      requireVisibleDag(c, dagId);
      await requireDag(store, dagId);
      const from = Date.UTC(year, 0, 1);
      const to = Date.UTC(year + 1, 0, 1);
      const day = sql<string>`date(${dagRun.logicalDate} / 1000, 'unixepoch')`;
      const inYear = and(eq(dagRun.dagId, dagId), gte(dagRun.logicalDate, new Date(from)), lt(dagRun.logicalDate, new Date(to)));
      const counts = await store.db.select({ day, state: dagRun.state, n: sql<number>`count(*)` }).from(dagRun).where(inYear).groupBy(day, dagRun.state);
      // SQLite: with one max() in a grouped query, the bare run_id comes from the row holding the max.
      const latest = await store.db.select({ day, at: sql<number>`max(${dagRun.logicalDate})`, runId: dagRun.runId }).from(dagRun).where(inYear).groupBy(day);
      const [span] = await store.db.select({ first: sql<number | null>`min(${dagRun.logicalDate})`, last: sql<number | null>`max(${dagRun.logicalDate})` })
        .from(dagRun).where(eq(dagRun.dagId, dagId));

      const days = new Map<string, z.infer<typeof Day>>();
      const entry = (date: string) => {
        let d = days.get(date);
        if (!d) days.set(date, (d = { date, counts: {}, total: 0, latest_run_id: null, planned: 0 }));
        return d;
      };
      for (const r of counts) {
        const d = entry(r.day);
        d.counts[r.state] = Number(r.n);
        d.total += Number(r.n);
      }
      for (const r of latest) entry(r.day).latest_run_id = r.runId;

      const [d] = await store.db.select({ paused: dag.isPaused, next: dag.nextDagrun, serialized: dagVersion.serialized }).from(dag)
        .leftJoin(dagVersion, and(eq(dagVersion.dagId, dag.dagId), eq(dagVersion.versionHash, dag.versionHash))).where(eq(dag.dagId, dagId));
      const serialized = d?.serialized;
      if (d && !d.paused && serialized?.schedule && to > Date.now()) {
        const next = d.next ?? await nextRunDate(store, dagId, serialized);
        if (next && next.getTime() < to) {
          const endDate = serialized.endDate ? new Date(serialized.endDate) : null;
          for (const [date, n] of plannedPerDay(serialized.schedule, next, from, to, endDate, serialized.timezone)) entry(date).planned = n;
        }
      }
      const yearOf = (ms: number | null) => (ms == null ? null : new Date(Number(ms)).getUTCFullYear());
      return c.json({
        dag_id: dagId, year, first_year: yearOf(span?.first ?? null), last_year: yearOf(span?.last ?? null),
        days: [...days.values()].sort((a, b) => a.date.localeCompare(b.date)),
      }, 200);
    },
  );
}
