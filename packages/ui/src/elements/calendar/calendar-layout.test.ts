// The calendar's layout and outcome rules.
import { describe, expect, it } from "vitest";
import { dayOutcome, moveFocus, yearLayout } from "./calendar-layout.ts";

describe("yearLayout", () => {
  it("puts each day of 2026 in its week column and weekday row", () => {
    const { cells, weeks, months } = yearLayout(2026);
    expect(cells).toHaveLength(365);
    expect(cells[0]).toEqual({ date: "2026-01-01", week: 0, weekday: 4 }); // a Thursday
    expect(cells[3]).toEqual({ date: "2026-01-04", week: 1, weekday: 0 }); // the next Sunday starts week 1
    expect(cells.at(-1)).toEqual({ date: "2026-12-31", week: 52, weekday: 4 });
    expect(weeks).toBe(53);
    expect(months.map((m) => m.label)).toEqual(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]);
    expect(months[0]!.week).toBe(0);
  });
  it("has 366 days in a leap year", () => {
    expect(yearLayout(2028).cells).toHaveLength(366);
  });
});

describe("dayOutcome", () => {
  it.each([
    [{ success: 2 }, 0, "success"],
    [{ failed: 1 }, 0, "failed"],
    [{ success: 2, failed: 1 }, 0, "mixed"],
    [{ success: 2, running: 1 }, 0, "running"],
    [{ queued: 1 }, 0, "queued"],
    [{}, 3, "planned"],
    [{}, 0, "none"],
  ] as const)("%j with %i planned is %s", (counts, planned, outcome) => {
    expect(dayOutcome(counts, planned)).toBe(outcome);
  });
});

describe("moveFocus", () => {
  it("moves a week sideways and a day up or down, within the year", () => {
    expect(moveFocus(10, "ArrowRight", 365)).toBe(17);
    expect(moveFocus(3, "ArrowLeft", 365)).toBe(0);
    expect(moveFocus(10, "ArrowDown", 365)).toBe(11);
    expect(moveFocus(10, "End", 365)).toBe(364);
    expect(moveFocus(10, "x", 365)).toBeNull();
  });
});
