import { describe, expect, it } from "vitest";
import { fromWallClock, isValidTimeZone, toWallClock } from "./wall-clock.ts";

const iso = (d: Date): string => d.toISOString();
const d = (s: string): Date => new Date(s);

describe("toWallClock", () => {
  it.each([
    ["2024-07-01T00:00:00.000Z", "Europe/Amsterdam", "2024-07-01T02:00:00.000Z"],
    ["2024-01-01T00:00:00.000Z", "Europe/Amsterdam", "2024-01-01T01:00:00.000Z"],
    ["2024-01-01T00:00:00.250Z", "America/New_York", "2023-12-31T19:00:00.250Z"],
    ["2024-01-01T00:00:00.000Z", "Asia/Kolkata", "2024-01-01T05:30:00.000Z"],
    ["2024-01-01T00:00:00.000Z", "UTC", "2024-01-01T00:00:00.000Z"],
  ])("reads %s in %s as local time %s", (instant, zone, local) => {
    expect(iso(toWallClock(d(instant), zone))).toBe(local);
  });
});

describe("fromWallClock", () => {
  it.each([
    ["an ordinary summer time", "2024-07-01T02:00:00.000Z", "Europe/Amsterdam", "2024-07-01T00:00:00.000Z"],
    ["an ordinary winter time", "2024-01-01T01:00:00.000Z", "Europe/Amsterdam", "2024-01-01T00:00:00.000Z"],
    ["a skipped time as moved forward by the gap", "2024-03-31T02:30:00.000Z", "Europe/Amsterdam", "2024-03-31T01:30:00.000Z"],
    ["a repeated time as its second occurrence", "2024-10-27T02:30:00.000Z", "Europe/Amsterdam", "2024-10-27T01:30:00.000Z"],
    ["a skipped time in New York", "2024-03-10T02:30:00.000Z", "America/New_York", "2024-03-10T07:30:00.000Z"],
    ["a repeated time in New York", "2024-11-03T01:30:00.000Z", "America/New_York", "2024-11-03T06:30:00.000Z"],
    ["a repeated time in Sydney (southern autumn)", "2024-04-07T02:30:00.000Z", "Australia/Sydney", "2024-04-06T16:30:00.000Z"],
    ["a time in UTC", "2024-03-31T02:30:00.000Z", "UTC", "2024-03-31T02:30:00.000Z"],
  ])("places %s", (_name, local, zone, instant) => {
    expect(iso(fromWallClock(d(local), zone))).toBe(instant);
  });

  it("round-trips every quarter hour of a fall-back day back to an instant with the same wall clock", () => {
    for (let t = Date.parse("2024-10-26T20:00:00Z"); t < Date.parse("2024-10-27T06:00:00Z"); t += 900_000) {
      const local = toWallClock(new Date(t), "Europe/Amsterdam");
      expect(iso(toWallClock(fromWallClock(local, "Europe/Amsterdam"), "Europe/Amsterdam"))).toBe(iso(local));
    }
  });
});

describe("isValidTimeZone", () => {
  it.each([["Europe/Amsterdam", true], ["UTC", true], ["Nowhere/Bogus", false]])("says %s is valid: %s", (zone, ok) => {
    expect(isValidTimeZone(zone)).toBe(ok);
  });
});
