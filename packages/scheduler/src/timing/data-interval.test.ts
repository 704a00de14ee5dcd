import { describe, expect, it } from "vitest";
import type { ScheduleSpec } from "@updraft/sdk";
import { isDue, manualDataInterval, nextDataInterval } from "./data-interval.ts";
import type { DataInterval, NextIntervalOptions } from "./data-interval.ts";

const d = (s: string): Date => new Date(s);
const cron = (expression: string): ScheduleSpec => ({ kind: "cron", expression });
const every = (everyMs: number): ScheduleSpec => ({ kind: "interval", everyMs });
const MIN = 60_000;
const FAR_FUTURE = d("2100-01-01T00:00:00Z");

/** An interval as "start → end" in ISO, for readable expectations. */
const show = (i: DataInterval | null): string | null => (i ? `${i.start.toISOString()} → ${i.end.toISOString()}` : null);

const opts = (o: Partial<NextIntervalOptions>): NextIntervalOptions => ({
  last: null, startDate: null, endDate: null, catchup: true, now: FAR_FUTURE, timezone: "UTC", ...o,
});

/** The first `n` intervals with catchup, each following the one before, as a scheduler would create them. */
function intervals(spec: ScheduleSpec, startDate: string, n: number, timezone = "UTC"): string[] {
  const out: string[] = [];
  let last: DataInterval | null = null;
  for (let i = 0; i < n; i++) {
    const next = nextDataInterval(spec, opts({ last, startDate: d(startDate), timezone }));
    if (!next) break;
    out.push(show(next)!);
    last = next;
  }
  return out;
}

describe("nextDataInterval with catchup", () => {
  it("starts with the interval that begins at startDate", () => {
    expect(show(nextDataInterval(cron("0 0 * * *"), opts({ startDate: d("2026-01-01T00:00:00Z") }))))
      .toBe("2026-01-01T00:00:00.000Z → 2026-01-02T00:00:00.000Z");
  });

  it("aligns a startDate between ticks to the next tick", () => {
    expect(show(nextDataInterval(cron("0 0 * * *"), opts({ startDate: d("2026-01-01T10:00:00Z") }))))
      .toBe("2026-01-02T00:00:00.000Z → 2026-01-03T00:00:00.000Z");
  });

  it("continues after the last interval, whatever the time now", () => {
    const last = { start: d("2026-01-01T00:00:00Z"), end: d("2026-01-02T00:00:00Z") };
    for (const now of ["2026-01-01T12:00:00Z", "2026-06-01T00:00:00Z"]) {
      expect(show(nextDataInterval(cron("0 0 * * *"), opts({ last, startDate: d("2026-01-01"), now: d(now) }))))
        .toBe("2026-01-02T00:00:00.000Z → 2026-01-03T00:00:00.000Z");
    }
  });

  it("creates every missed interval, oldest first, and then one that is not due yet", () => {
    const now = d("2026-01-04T12:00:00Z");
    const seen: Array<[string | null, boolean]> = [];
    let last: DataInterval | null = null;
    for (let i = 0; i < 4; i++) {
      const next = nextDataInterval(cron("0 0 * * *"), opts({ last, startDate: d("2026-01-01"), now }));
      seen.push([show(next), next ? isDue(next, now) : false]);
      last = next;
    }
    expect(seen).toEqual([
      ["2026-01-01T00:00:00.000Z → 2026-01-02T00:00:00.000Z", true],
      ["2026-01-02T00:00:00.000Z → 2026-01-03T00:00:00.000Z", true],
      ["2026-01-03T00:00:00.000Z → 2026-01-04T00:00:00.000Z", true],
      ["2026-01-04T00:00:00.000Z → 2026-01-05T00:00:00.000Z", false],
    ]);
  });

  it("stops after the interval that starts at endDate", () => {
    const o = { startDate: d("2026-01-01"), endDate: d("2026-01-02T00:00:00Z") };
    const first = nextDataInterval(cron("0 0 * * *"), opts(o));
    const second = nextDataInterval(cron("0 0 * * *"), opts({ ...o, last: first }));
    expect(show(second)).toBe("2026-01-02T00:00:00.000Z → 2026-01-03T00:00:00.000Z");
    expect(nextDataInterval(cron("0 0 * * *"), opts({ ...o, last: second }))).toBeNull();
  });

  it("creates nothing without a startDate or a last run", () => {
    expect(nextDataInterval(cron("0 0 * * *"), opts({}))).toBeNull();
    expect(nextDataInterval(every(15 * MIN), opts({}))).toBeNull();
  });

  it("moves on to a startDate later than the last interval", () => {
    const last = { start: d("2026-01-01"), end: d("2026-01-02") };
    expect(show(nextDataInterval(cron("0 0 * * *"), opts({ last, startDate: d("2026-02-01") }))))
      .toBe("2026-02-01T00:00:00.000Z → 2026-02-02T00:00:00.000Z");
  });

  it("realigns after the schedule changed: the next interval starts at the last tick before the old end", () => {
    const last = { start: d("2026-01-01T00:00:00Z"), end: d("2026-01-02T00:00:00Z") };
    expect(show(nextDataInterval(cron("0 6 * * *"), opts({ last, startDate: d("2026-01-01") }))))
      .toBe("2026-01-01T06:00:00.000Z → 2026-01-02T06:00:00.000Z");
  });

  it("steps fixed intervals from startDate, not from the clock", () => {
    expect(intervals(every(15 * MIN), "2026-01-01T00:07:00Z", 2)).toEqual([
      "2026-01-01T00:07:00.000Z → 2026-01-01T00:22:00.000Z",
      "2026-01-01T00:22:00.000Z → 2026-01-01T00:37:00.000Z",
    ]);
  });
});

describe("nextDataInterval without catchup", () => {
  const daily = cron("0 0 * * *");
  const base = { catchup: false, startDate: d("2026-01-01T00:00:00Z") };

  it.each([
    ["the latest complete interval on the first run", null, "2026-03-10T15:00:00Z", "2026-03-09T00:00:00.000Z → 2026-03-10T00:00:00.000Z"],
    ["the interval that ends right now", null, "2026-03-10T00:00:00Z", "2026-03-09T00:00:00.000Z → 2026-03-10T00:00:00.000Z"],
    ["the interval after the last one once that was created", "2026-03-09", "2026-03-10T15:00:00Z", "2026-03-10T00:00:00.000Z → 2026-03-11T00:00:00.000Z"],
    ["the latest interval, skipping those missed since the last", "2026-01-05", "2026-03-10T15:00:00Z", "2026-03-09T00:00:00.000Z → 2026-03-10T00:00:00.000Z"],
  ])("gives %s", (_name, lastStart, now, expected) => {
    const last = lastStart ? { start: d(lastStart), end: new Date(d(lastStart).getTime() + 86_400_000) } : null;
    expect(show(nextDataInterval(daily, opts({ ...base, last, now: d(now) })))).toBe(expected);
  });

  it("waits for the first interval from a startDate in the future", () => {
    const next = nextDataInterval(daily, opts({ ...base, startDate: d("2026-04-01T00:00:00Z"), now: d("2026-03-10T15:00:00Z") }));
    expect(show(next)).toBe("2026-04-01T00:00:00.000Z → 2026-04-02T00:00:00.000Z");
    expect(isDue(next!, d("2026-03-10T15:00:00Z"))).toBe(false);
  });

  it("does not run an interval that started before startDate", () => {
    const next = nextDataInterval(daily, opts({ ...base, startDate: d("2026-03-10T06:00:00Z"), now: d("2026-03-10T15:00:00Z") }));
    expect(show(next)).toBe("2026-03-11T00:00:00.000Z → 2026-03-12T00:00:00.000Z");
  });

  it("moves to the newest interval as time passes, so a scheduler that was down runs only that one", () => {
    const last = { start: d("2026-03-09"), end: d("2026-03-10") };
    const at = (now: string) => show(nextDataInterval(daily, opts({ ...base, last, now: d(now) })));
    expect(at("2026-03-10T23:59:59Z")).toBe("2026-03-10T00:00:00.000Z → 2026-03-11T00:00:00.000Z");
    expect(at("2026-03-11T00:00:00Z")).toBe("2026-03-10T00:00:00.000Z → 2026-03-11T00:00:00.000Z");
    expect(at("2026-03-20T08:00:00Z")).toBe("2026-03-19T00:00:00.000Z → 2026-03-20T00:00:00.000Z");
  });

  it("rounds fixed intervals to the epoch, as Airflow does, on the first run", () => {
    const next = nextDataInterval(every(15 * MIN), opts({ ...base, startDate: d("2026-01-01T00:07:00Z"), now: d("2026-01-02T12:05:00Z") }));
    expect(show(next)).toBe("2026-01-02T11:45:00.000Z → 2026-01-02T12:00:00.000Z");
  });

  it("keeps fixed intervals contiguous with the last run", () => {
    const last = { start: d("2026-01-02T11:37:00Z"), end: d("2026-01-02T11:52:00Z") };
    const next = nextDataInterval(every(15 * MIN), opts({ ...base, last, now: d("2026-01-02T12:05:00Z") }));
    expect(show(next)).toBe("2026-01-02T11:52:00.000Z → 2026-01-02T12:07:00.000Z");
  });

  it("uses the latest interval when there is no startDate", () => {
    const next = nextDataInterval(daily, opts({ catchup: false, now: d("2026-03-10T15:00:00Z") }));
    expect(show(next)).toBe("2026-03-09T00:00:00.000Z → 2026-03-10T00:00:00.000Z");
  });
});

describe("nextDataInterval for @once", () => {
  const once: ScheduleSpec = { kind: "once" };

  it.each([true, false])("runs once at startDate (catchup %s)", (catchup) => {
    const next = nextDataInterval(once, opts({ catchup, startDate: d("2026-01-01"), now: d("2026-05-01") }));
    expect(show(next)).toBe("2026-01-01T00:00:00.000Z → 2026-01-01T00:00:00.000Z");
    expect(isDue(next!, d("2026-01-01"))).toBe(true);
    expect(isDue(next!, d("2025-12-31T23:59:59Z"))).toBe(false);
  });

  it("runs no more after the first", () => {
    const last = { start: d("2026-01-01"), end: d("2026-01-01") };
    expect(nextDataInterval(once, opts({ last, startDate: d("2026-01-01") }))).toBeNull();
  });

  it("does not run without a startDate, or with an endDate before it", () => {
    expect(nextDataInterval(once, opts({}))).toBeNull();
    expect(nextDataInterval(once, opts({ startDate: d("2026-01-02"), endDate: d("2026-01-01") }))).toBeNull();
  });
});

describe("nextDataInterval calendars", () => {
  it("covers months of different lengths with @monthly, leap February included", () => {
    expect(intervals(cron("0 0 1 * *"), "2024-01-15T00:00:00Z", 3)).toEqual([
      "2024-02-01T00:00:00.000Z → 2024-03-01T00:00:00.000Z",
      "2024-03-01T00:00:00.000Z → 2024-04-01T00:00:00.000Z",
      "2024-04-01T00:00:00.000Z → 2024-05-01T00:00:00.000Z",
    ]);
  });

  it("skips months without a 31st for 0 0 31 * *", () => {
    expect(intervals(cron("0 0 31 * *"), "2024-01-01T00:00:00Z", 4)).toEqual([
      "2024-01-31T00:00:00.000Z → 2024-03-31T00:00:00.000Z",
      "2024-03-31T00:00:00.000Z → 2024-05-31T00:00:00.000Z",
      "2024-05-31T00:00:00.000Z → 2024-07-31T00:00:00.000Z",
      "2024-07-31T00:00:00.000Z → 2024-08-31T00:00:00.000Z",
    ]);
  });

  it("ends each month on its last day with 0 0 L * *", () => {
    expect(intervals(cron("0 0 L * *"), "2023-12-31T00:00:00Z", 3)).toEqual([
      "2023-12-31T00:00:00.000Z → 2024-01-31T00:00:00.000Z",
      "2024-01-31T00:00:00.000Z → 2024-02-29T00:00:00.000Z",
      "2024-02-29T00:00:00.000Z → 2024-03-31T00:00:00.000Z",
    ]);
  });

  it("waits from one leap day to the next for 0 0 29 2 *", () => {
    expect(intervals(cron("0 0 29 2 *"), "2023-01-01T00:00:00Z", 2)).toEqual([
      "2024-02-29T00:00:00.000Z → 2028-02-29T00:00:00.000Z",
      "2028-02-29T00:00:00.000Z → 2032-02-29T00:00:00.000Z",
    ]);
  });

  it("runs @weekly from Sunday to Sunday", () => {
    expect(intervals(cron("0 0 * * 0"), "2024-01-03T00:00:00Z", 2)).toEqual([
      "2024-01-07T00:00:00.000Z → 2024-01-14T00:00:00.000Z",
      "2024-01-14T00:00:00.000Z → 2024-01-21T00:00:00.000Z",
    ]);
  });

  it("runs @quarterly on the first of January, April, July and October", () => {
    expect(intervals(cron("0 0 1 */3 *"), "2024-02-10T00:00:00Z", 3)).toEqual([
      "2024-04-01T00:00:00.000Z → 2024-07-01T00:00:00.000Z",
      "2024-07-01T00:00:00.000Z → 2024-10-01T00:00:00.000Z",
      "2024-10-01T00:00:00.000Z → 2025-01-01T00:00:00.000Z",
    ]);
  });
});

describe("nextDataInterval across DST changes in Europe/Amsterdam", () => {
  const TZ = "Europe/Amsterdam";

  it("runs 0 2 * * * at 03:00 CEST on the spring-forward day, when 02:00 does not exist", () => {
    expect(intervals(cron("0 2 * * *"), "2024-03-29T00:00:00Z", 4, TZ)).toEqual([
      "2024-03-29T01:00:00.000Z → 2024-03-30T01:00:00.000Z", // 02:00 CET
      "2024-03-30T01:00:00.000Z → 2024-03-31T01:00:00.000Z", // to 03:00 CEST (02:00 skipped)
      "2024-03-31T01:00:00.000Z → 2024-04-01T00:00:00.000Z", // a 23-hour interval
      "2024-04-01T00:00:00.000Z → 2024-04-02T00:00:00.000Z", // 02:00 CEST
    ]);
  });

  it("runs 0 2 * * * once on the fall-back day, at the second 02:00 (CET)", () => {
    expect(intervals(cron("0 2 * * *"), "2024-10-25T00:00:00Z", 4, TZ)).toEqual([
      "2024-10-25T00:00:00.000Z → 2024-10-26T00:00:00.000Z", // 02:00 CEST
      "2024-10-26T00:00:00.000Z → 2024-10-27T01:00:00.000Z", // a 25-hour interval
      "2024-10-27T01:00:00.000Z → 2024-10-28T01:00:00.000Z", // 02:00 CET
      "2024-10-28T01:00:00.000Z → 2024-10-29T01:00:00.000Z",
    ]);
  });

  it("keeps @daily at local midnight through both changes", () => {
    expect(intervals(cron("0 0 * * *"), "2024-03-30T00:00:00Z", 2, TZ)).toEqual([
      "2024-03-30T23:00:00.000Z → 2024-03-31T22:00:00.000Z",
      "2024-03-31T22:00:00.000Z → 2024-04-01T22:00:00.000Z",
    ]);
    expect(intervals(cron("0 0 * * *"), "2024-10-26T00:00:00Z", 2, TZ)).toEqual([
      "2024-10-26T22:00:00.000Z → 2024-10-27T23:00:00.000Z",
      "2024-10-27T23:00:00.000Z → 2024-10-28T23:00:00.000Z",
    ]);
  });

  it("keeps an hourly schedule at one run per real hour when the clock jumps forward", () => {
    expect(intervals(cron("30 * * * *"), "2024-03-31T00:00:00Z", 3, TZ)).toEqual([
      "2024-03-31T00:30:00.000Z → 2024-03-31T01:30:00.000Z", // 01:30 CET → 03:30 CEST
      "2024-03-31T01:30:00.000Z → 2024-03-31T02:30:00.000Z",
      "2024-03-31T02:30:00.000Z → 2024-03-31T03:30:00.000Z",
    ]);
  });

  it("runs an hourly schedule in both passes through the repeated hour", () => {
    expect(intervals(cron("30 * * * *"), "2024-10-27T00:00:00Z", 3, TZ)).toEqual([
      "2024-10-27T00:30:00.000Z → 2024-10-27T01:30:00.000Z", // 02:30 CEST → 02:30 CET
      "2024-10-27T01:30:00.000Z → 2024-10-27T02:30:00.000Z", // 02:30 CET → 03:30 CET
      "2024-10-27T02:30:00.000Z → 2024-10-27T03:30:00.000Z",
    ]);
  });

  it("runs a weekly schedule at local midnight, one hour shorter across the change", () => {
    expect(intervals(cron("0 0 * * 0"), "2024-03-20T00:00:00Z", 2, TZ)).toEqual([
      "2024-03-23T23:00:00.000Z → 2024-03-30T23:00:00.000Z",
      "2024-03-30T23:00:00.000Z → 2024-04-06T22:00:00.000Z",
    ]);
  });

  it("without catchup inside the repeated hour, does not run the interval that ends at the second 02:00 early", () => {
    const last = { start: d("2024-10-25T00:00:00Z"), end: d("2024-10-26T00:00:00Z") };
    const now = d("2024-10-27T00:30:00Z"); // 02:30 CEST, first pass
    const next = nextDataInterval(cron("0 2 * * *"), opts({ last, catchup: false, startDate: d("2024-10-01"), now, timezone: TZ }));
    expect(show(next)).toBe("2024-10-26T00:00:00.000Z → 2024-10-27T01:00:00.000Z");
    expect(isDue(next!, now)).toBe(false);
  });

  it("reads a cron expression in the DAG's zone, not in UTC", () => {
    expect(intervals(cron("0 9 * * *"), "2024-07-01T00:00:00Z", 1, "America/New_York")).toEqual([
      "2024-07-01T13:00:00.000Z → 2024-07-02T13:00:00.000Z",
    ]);
  });
});

describe("isDue", () => {
  const interval = { start: d("2026-01-01"), end: d("2026-01-02") };
  it.each([
    ["2026-01-01T23:59:59.999Z", false],
    ["2026-01-02T00:00:00.000Z", true],
    ["2026-01-05T00:00:00.000Z", true],
  ])("at %s is %s", (now, due) => {
    expect(isDue(interval, d(now))).toBe(due);
  });
});

describe("manualDataInterval", () => {
  it.each([
    ["covers the last complete day for a daily DAG triggered at 01:00", cron("0 0 * * *"), "2026-01-25T01:00:00Z", "UTC",
      "2026-01-24T00:00:00.000Z → 2026-01-25T00:00:00.000Z"],
    ["ends at the logical date when it falls on a tick", cron("0 0 * * *"), "2026-01-25T00:00:00Z", "UTC",
      "2026-01-24T00:00:00.000Z → 2026-01-25T00:00:00.000Z"],
    ["covers the previous month for @monthly", cron("0 0 1 * *"), "2024-03-15T12:00:00Z", "UTC",
      "2024-02-01T00:00:00.000Z → 2024-03-01T00:00:00.000Z"],
    ["ends at the logical date for a fixed interval", every(60 * MIN), "2026-01-01T10:30:00Z", "UTC",
      "2026-01-01T09:30:00.000Z → 2026-01-01T10:30:00.000Z"],
    ["is never empty on a spring-forward tick", cron("0 2 * * *"), "2024-03-31T01:00:00Z", "Europe/Amsterdam",
      "2024-03-30T01:00:00.000Z → 2024-03-31T01:00:00.000Z"],
    ["uses local midnight for a daily DAG in a zone", cron("0 0 * * *"), "2024-07-02T10:00:00Z", "Europe/Amsterdam",
      "2024-06-30T22:00:00.000Z → 2024-07-01T22:00:00.000Z"],
  ] as const)("%s", (_name, spec, logicalDate, tz, expected) => {
    expect(show(manualDataInterval(spec, d(logicalDate), tz))).toBe(expected);
  });

  it.each([
    ["no schedule", null],
    ["@once", { kind: "once" } as const],
  ])("is the logical date itself for %s", (_name, spec) => {
    expect(show(manualDataInterval(spec, d("2026-01-25T01:00:00Z"), "UTC"))).toBe("2026-01-25T01:00:00.000Z → 2026-01-25T01:00:00.000Z");
  });
});
