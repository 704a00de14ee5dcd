import { describe, expect, it } from "vitest";
import { DagDefinitionError } from "@updraft/sdk";
import { describeSchedule, parseSchedule } from "./schedule.ts";

const WHERE = 'dag "daily_sales"';

describe("parseSchedule", () => {
  it.each([
    ["@hourly", "0 * * * *"],
    ["@daily", "0 0 * * *"],
    ["@midnight", "0 0 * * *"],
    ["@weekly", "0 0 * * 0"],
    ["@monthly", "0 0 1 * *"],
    ["@quarterly", "0 0 1 */3 *"],
    ["@yearly", "0 0 1 1 *"],
    ["@annually", "0 0 1 1 *"],
  ])("translates the preset %s to %s as Airflow does", (preset, expression) => {
    expect(parseSchedule(preset, WHERE)).toEqual({ kind: "cron", expression, preset });
  });

  it("reads @once as a single run", () => {
    expect(parseSchedule("@once", WHERE)).toEqual({ kind: "once" });
  });

  it("accepts a preset in any case and keeps it in lower case", () => {
    expect(parseSchedule(" @Daily ", WHERE)).toEqual({ kind: "cron", expression: "0 0 * * *", preset: "@daily" });
  });

  it.each([
    ["*/5 * * * *", "*/5 * * * *"],
    ["0 2 * * MON-FRI", "0 2 * * MON-FRI"],
    ["  0   0  L * *  ", "0 0 L * *"],
    ["0 0 * * 5#2", "0 0 * * 5#2"],
    ["30 8 1,15 JAN,JUL *", "30 8 1,15 JAN,JUL *"],
    ["0 0 * * THU", "0 0 * * THU"],
  ])("accepts the cron expression %j", (input, expression) => {
    expect(parseSchedule(input, WHERE)).toEqual({ kind: "cron", expression });
  });

  it.each([
    ["* * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 3"],
    ["0 0 0 * * *", "it has 6 fields; write 5"],
    ["0 0 0 1 1 * 2030", "it has 7 fields; write 5"],
    ["61 * * * *", "Constraint error, got value 61 expected range 0-59"],
    ["0 0 30 2 *", "Invalid explicit day of month definition"],
    ["every day", "expected 5 fields"],
    ["foo * * * *", "Invalid characters"],
    ["H * * * *", "the H (hashed) value is not supported"],
    ["@fortnightly", "unknown preset (use @once, @hourly, @daily"],
    ["@continuous", "unknown preset"],
  ])("rejects %j, naming the dag and the reason", (input, reason) => {
    const run = () => parseSchedule(input, WHERE);
    expect(run).toThrow(DagDefinitionError);
    expect(run).toThrow(`${WHERE}: schedule "${input}" is not a cron expression or preset: ${reason}`);
  });

  it.each([
    ["15m", 900_000],
    ["1h30m", 5_400_000],
    [250, 250],
  ])("reads { every: %j } as an interval of %d ms", (every, everyMs) => {
    expect(parseSchedule({ every }, WHERE)).toEqual({ kind: "interval", everyMs });
  });

  it("rejects an interval that is not longer than 0", () => {
    expect(() => parseSchedule({ every: "0s" }, WHERE)).toThrow(`${WHERE}: schedule.every must be longer than 0, got "0s"`);
  });

  it("rejects an interval that is not a duration, naming the field", () => {
    expect(() => parseSchedule({ every: "soon" }, WHERE)).toThrow(`${WHERE}: schedule.every: "soon" is not a duration`);
  });

  it("rejects a value of the wrong shape", () => {
    expect(() => parseSchedule({ cron: "* * * * *" } as never, WHERE)).toThrow(`${WHERE}: schedule must be a cron expression`);
  });

  it.each([null, undefined])("reads %s as no schedule (manual runs only)", (input) => {
    expect(parseSchedule(input, WHERE)).toBeNull();
  });
});

describe("describeSchedule", () => {
  it.each([
    ["None", null],
    ["@once", { kind: "once" }],
    ["@daily", { kind: "cron", expression: "0 0 * * *", preset: "@daily" }],
    ["*/5 * * * *", { kind: "cron", expression: "*/5 * * * *" }],
    ["every 15m", { kind: "interval", everyMs: 900_000 }],
    ["every 1h30m", { kind: "interval", everyMs: 5_400_000 }],
    ["every 1d2h", { kind: "interval", everyMs: 93_600_000 }],
    ["every 1s500ms", { kind: "interval", everyMs: 1_500 }],
  ] as const)("shows %j", (text, spec) => {
    expect(describeSchedule(spec)).toBe(text);
  });

  it("describes intervals in a form parseSchedule reads back", () => {
    const spec = { kind: "interval", everyMs: 97_530_250 } as const;
    const text = describeSchedule(spec).replace(/^every /, "");
    expect(parseSchedule({ every: text }, WHERE)).toEqual(spec);
  });
});
