// The stepping primitives of a periodic schedule, after Airflow 2's CronMixin and
// DeltaDataIntervalTimetable: the tick after / before an instant, alignment to ticks, and the
// start of the latest complete interval (what `catchup: false` skips to).
import { CronExpressionParser } from "cron-parser";
import type { ScheduleSpec } from "@updraft/sdk";
import { fromWallClock, toWallClock } from "./wall-clock.ts";

/** The ticks of a cron or fixed-interval schedule. All instants are UTC Dates. */
export interface Timetable {
  /** The first tick strictly after `t`. */
  next(t: Date): Date;
  /** The last tick strictly before `t`. */
  prev(t: Date): Date;
  /** `t` if it is a tick, else the next tick. */
  alignToNext(t: Date): Date;
  /** `t` if it is a tick, else the previous tick. */
  alignToPrev(t: Date): Date;
  /**
   * The start of the latest complete interval at `now` (its end <= now), but not before
   * `earliest` aligned to the schedule. Airflow 2's `_skip_to_latest`, for `catchup: false`.
   */
  skipToLatest(earliest: Date | null, now: Date): Date;
}

/** More than any DST shift (at most 2 h, historically), so no tick near `t` is missed. */
const SEARCH_MARGIN_MS = 3 * 3_600_000;
/** Ticks tried before giving up; only a wall-clock stretch of SEARCH_MARGIN_MS is ever skipped. */
const MAX_STEPS = 10_000;

const later = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);

/**
 * The timetable of a periodic schedule.
 * @example timetableOf({ kind: "cron", expression: "0 0 * * *" }, "UTC").next(new Date("2024-01-01T10:00:00Z")) // 2024-01-02T00:00Z
 */
export function timetableOf(spec: Exclude<ScheduleSpec, { kind: "once" }>, timeZone: string): Timetable {
  switch (spec.kind) {
    case "cron":
      return cronTimetable(spec.expression, timeZone);
    case "interval":
      return intervalTimetable(spec.everyMs);
    default: {
      const never: never = spec;
      throw new Error(`unknown schedule kind ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Cron ticks evaluated on the wall clock of `timeZone`, as Airflow's CronMixin does with croniter:
 * cron-parser steps through naive local time (run in UTC, so it sees no DST), and each naive tick
 * is localised with Airflow's rules (see `fromWallClock`: a repeated time is its second
 * occurrence, a skipped time moves forward by the gap). For expressions that fire every hour
 * (hour field `*`), Airflow instead adds the naive distance to the real instant, so such a
 * schedule keeps one tick per real hour through both DST changes; that is followed too.
 *
 * One difference: Airflow starts its naive search at the wall-clock reading of `t`, so near a
 * DST change its "previous" tick can equal `t` (giving an empty interval) and its "next" tick can
 * jump over one. Here the search starts a few hours to the safe side and the ticks, as instants,
 * are strictly after (or before) `t`, so intervals are never empty and none is left out.
 */
function cronTimetable(expression: string, timeZone: string): Timetable {
  const everyHour = CronExpressionParser.parse(expression, { tz: "UTC" }).fields.hour.values.length === 24;

  const next = (t: Date): Date => {
    const naive = toWallClock(t, timeZone);
    if (everyHour) {
      const scheduled = CronExpressionParser.parse(expression, { currentDate: naive, tz: "UTC" }).next().toDate();
      return new Date(t.getTime() + (scheduled.getTime() - naive.getTime()));
    }
    const it = CronExpressionParser.parse(expression, { currentDate: new Date(naive.getTime() - SEARCH_MARGIN_MS), tz: "UTC" });
    for (let i = 0; i < MAX_STEPS; i++) {
      const tick = fromWallClock(it.next().toDate(), timeZone);
      if (tick.getTime() > t.getTime()) return tick;
    }
    throw new Error(`cron "${expression}" in ${timeZone}: no tick after ${t.toISOString()}`);
  };
  const prev = (t: Date): Date => {
    const naive = toWallClock(t, timeZone);
    if (everyHour) {
      const scheduled = CronExpressionParser.parse(expression, { currentDate: naive, tz: "UTC" }).prev().toDate();
      return new Date(t.getTime() - (naive.getTime() - scheduled.getTime()));
    }
    const it = CronExpressionParser.parse(expression, { currentDate: new Date(naive.getTime() + SEARCH_MARGIN_MS), tz: "UTC" });
    for (let i = 0; i < MAX_STEPS; i++) {
      const tick = fromWallClock(it.prev().toDate(), timeZone);
      if (tick.getTime() < t.getTime()) return tick;
    }
    throw new Error(`cron "${expression}" in ${timeZone}: no tick before ${t.toISOString()}`);
  };
  const alignToNext = (t: Date): Date => {
    const n = next(t);
    return prev(n).getTime() === t.getTime() ? t : n;
  };
  const alignToPrev = (t: Date): Date => {
    const p = prev(t);
    return next(p).getTime() === t.getTime() ? t : p;
  };
  return {
    next, prev, alignToNext, alignToPrev,
    skipToLatest(earliest, now) {
      // Airflow 2's default ([scheduler] catchup_false_no_dagrun_airflow_2_fix off): the interval
      // that ends at or just before now, so a run for it is due at once.
      const lastStart = prev(now);
      const nextStart = next(lastStart);
      const newStart = nextStart.getTime() > now.getTime() ? prev(lastStart) : lastStart;
      return earliest === null ? newStart : later(newStart, alignToNext(earliest));
    },
  };
}

/**
 * Fixed-length intervals (`{ every: "15m" }`), Airflow's DeltaDataIntervalTimetable: ticks are
 * wherever the schedule starts, not aligned to the clock, except that `catchup: false` rounds
 * `now` down to a multiple of the interval since the Unix epoch, as Airflow does.
 */
function intervalTimetable(everyMs: number): Timetable {
  const next = (t: Date): Date => new Date(t.getTime() + everyMs);
  const prev = (t: Date): Date => new Date(t.getTime() - everyMs);
  return {
    next, prev,
    alignToNext: (t) => t,
    alignToPrev: (t) => t,
    skipToLatest(earliest, now) {
      const rounded = now.getTime() - (now.getTime() % everyMs);
      const newStart = new Date(rounded - everyMs);
      return earliest === null ? newStart : later(newStart, earliest);
    },
  };
}
