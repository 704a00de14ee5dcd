// The shared parameter parsers: every route reads dates, numbers and booleans by these rules.
import { describe, expect, it } from "vitest";
import { booleanParam, integerParam, isoDateTime, numberParam } from "./params.ts";

const date = (s: string) => {
  const r = isoDateTime.safeParse(s);
  return r.success ? r.data.toISOString() : r.error.issues[0]!.message;
};

describe("isoDateTime", () => {
  it("reads dates and date-times, UTC unless an offset is given", () => {
    expect(date("2026-01-31")).toBe("2026-01-31T00:00:00.000Z");
    expect(date("2026-01-31T12:00")).toBe("2026-01-31T12:00:00.000Z");
    expect(date("2026-01-31T12:00:00Z")).toBe("2026-01-31T12:00:00.000Z");
    expect(date("2026-01-31T12:00:00.123456+02:00")).toBe("2026-01-31T10:00:00.123Z");
    expect(date("2026-01-31 12:00:00-0130")).toBe("2026-01-31T13:30:00.000Z");
  });

  it("reads a space before the offset as the + that a query string turned into a space", () => {
    expect(date("2026-01-31T12:00:00 02:00")).toBe("2026-01-31T10:00:00.000Z");
    expect(date("2026-01-31T12:00:00.5 0200")).toBe("2026-01-31T10:00:00.500Z");
    // A date and a time separated by a space is not an offset.
    expect(date("2026-01-31 12:00")).toBe("2026-01-31T12:00:00.000Z");
  });

  it("refuses what is not an ISO 8601 date, naming the value", () => {
    for (const bad of ["yesterday", "2026", "Jan 31 2026", "2026-13-01", "2026-01-31T25:00", ""]) {
      expect(date(bad)).toBe(`"${bad}" is not an ISO 8601 date-time like 2026-01-31T12:00:00+00:00`);
    }
  });
});

describe("numbers and booleans", () => {
  it("reads integers, numbers and Airflow's boolean spellings, and refuses the rest", () => {
    expect(integerParam.parse("-3")).toBe(-3);
    expect(integerParam.safeParse("1.5").success).toBe(false);
    expect(integerParam.safeParse("1234567890123456").success).toBe(false);
    expect(numberParam.parse("2.5")).toBe(2.5);
    expect(numberParam.safeParse(" ").success).toBe(false);
    expect(numberParam.safeParse("Infinity").success).toBe(false);
    expect(["true", "True", "1", "false", "False", "0"].map((v) => booleanParam.parse(v))).toEqual([true, true, true, false, false, false]);
    expect(booleanParam.safeParse("yes").success).toBe(false);
  });
});
