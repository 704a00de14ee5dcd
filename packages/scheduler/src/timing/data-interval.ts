// Data intervals: which interval the next scheduled run covers, when it is due, and what
// interval a manual run gets. Airflow 2.10's timetable semantics (`next_dagrun_info`,
// `infer_manual_data_interval`), pure functions of their inputs.
import type { ScheduleSpec } from "@updraft/sdk";
import { timetableOf } from "./timetable.ts";

/** The span of data a run covers: [start, end). Its logical date is `start`; it is due at `end`. */
export interface DataInterval {
  start: Date;
  end: Date;
}

/** What `nextDataInterval` needs to know besides the schedule. */
export interface NextIntervalOptions {
  /**
   * The interval of the latest automated run (scheduled or backfill, not manual), as Airflow's
   * `last_automated_data_interval`; null before the first.
   */
  last: DataInterval | null;
  startDate: Date | null;
  /** No interval that starts after this is created. */
  endDate: Date | null;
  catchup: boolean;
  /** Only `catchup: false` reads it, to skip to the latest complete interval. */
  now: Date;
  /** IANA zone in which cron expressions are read. */
  timezone: string;
}

/**
 * The interval of the next run to create, whether or not it is due yet; null when the schedule
 * creates no more runs. The caller creates the run once `isDue(interval, now)`, and otherwise
 * can sleep until `interval.end`. Calling again with a later `now` and the same `last` is safe:
 * with `catchup: true` the answer does not depend on `now`; with `catchup: false` it moves to the
 * latest complete interval, but never before the one that follows `last`.
 *
 * - `catchup: true`: the interval after `last`, or the first whole interval from `startDate`
 *   (for cron, the first tick at or after `startDate`; for `every`, `startDate` itself).
 * - `catchup: false`: the latest complete interval (end <= now), but not one before the first
 *   interval from `startDate`, nor before the one that follows `last`.
 * - `once`: [startDate, startDate] if nothing ran yet, regardless of catchup.
 *
 * @example
 * nextDataInterval({ kind: "cron", expression: "0 0 * * *" }, {
 *   last: null, startDate: new Date("2026-01-01"), endDate: null, catchup: true,
 *   now: new Date("2026-01-03T12:00:00Z"), timezone: "UTC",
 * }) // { start: 2026-01-01T00:00Z, end: 2026-01-02T00:00Z }
 */
export function nextDataInterval(spec: ScheduleSpec, opts: NextIntervalOptions): DataInterval | null {
  const { last, startDate, endDate, catchup, now, timezone } = opts;
  if (spec.kind === "once") {
    if (last !== null || startDate === null) return null;
    if (endDate !== null && startDate.getTime() > endDate.getTime()) return null;
    return { start: startDate, end: startDate };
  }
  const timetable = timetableOf(spec, timezone);
  let earliest = startDate;
  if (!catchup) earliest = timetable.skipToLatest(earliest, now);
  else if (earliest !== null) earliest = timetable.alignToNext(earliest);

  let start: Date;
  if (last === null) {
    if (earliest === null) return null;
    start = earliest;
  } else {
    // Aligning matters when the schedule changed since `last` was created.
    const afterLast = timetable.alignToPrev(last.end);
    start = earliest !== null && earliest.getTime() > afterLast.getTime() ? earliest : afterLast;
  }
  if (endDate !== null && start.getTime() > endDate.getTime()) return null;
  return { start, end: timetable.next(start) };
}

/**
 * Whether the run for `interval` may be created at `now`: its interval has ended.
 * @example isDue({ start, end: new Date("2026-01-02") }, new Date("2026-01-02")) // true
 */
export function isDue(interval: DataInterval, now: Date): boolean {
  return interval.end.getTime() <= now.getTime();
}

/**
 * The data interval Airflow gives a manual run at `logicalDate` (`infer_manual_data_interval`):
 * - cron: the last complete interval whose end is at or before `logicalDate`, so a daily DAG
 *   triggered at 01:00 on the 25th covers [24th 00:00, 25th 00:00);
 * - `every`: [logicalDate - every, logicalDate);
 * - `once` or no schedule: [logicalDate, logicalDate].
 * The run's logical date stays `logicalDate`, as in Airflow 2.
 * @example manualDataInterval({ kind: "interval", everyMs: 3_600_000 }, new Date("2026-01-01T10:30:00Z"), "UTC")
 * // { start: 2026-01-01T09:30Z, end: 2026-01-01T10:30Z }
 */
export function manualDataInterval(spec: ScheduleSpec | null, logicalDate: Date, timezone: string): DataInterval {
  if (spec === null || spec.kind === "once") return { start: logicalDate, end: logicalDate };
  const timetable = timetableOf(spec, timezone);
  const end = timetable.alignToPrev(logicalDate);
  return { start: timetable.prev(end), end };
}
