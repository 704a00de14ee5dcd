// Schedules as DAG authors write them ("@daily", "*/5 * * * *", { every: "15m" }, null),
// translated to the ScheduleSpec the store keeps, and described for listings. The interval
// arithmetic lives in data-interval.ts and is re-exported here.
import { CronExpressionParser } from "cron-parser";
import { DagDefinitionError, parseDuration } from "@updraft/sdk";
import type { Duration, ScheduleSpec } from "@updraft/sdk";

export { nextDataInterval, manualDataInterval, isDue } from "./data-interval.ts";
export type { DataInterval, NextIntervalOptions } from "./data-interval.ts";

/**
 * Presets and the cron expressions they stand for: Airflow's `cron_presets`, plus `@annually`
 * and `@midnight`, which Airflow passes on to croniter, which knows them.
 */
export const CRON_PRESETS: Readonly<Record<string, string>> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@quarterly": "0 0 1 */3 *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};

/** `H` (a hashed, in effect random, value) is a cron-parser extension croniter does not share. */
const HASHED_FIELD = /(^|[^A-Za-z])H([^A-Za-z]|$)/;

/**
 * Parses a DAG's `schedule` option. `where` names the DAG in error messages.
 * @example parseSchedule("@daily", 'dag "x"') // { kind: "cron", expression: "0 0 * * *", preset: "@daily" }
 * @example parseSchedule({ every: "15m" }, 'dag "x"') // { kind: "interval", everyMs: 900000 }
 * @example parseSchedule(null, 'dag "x"') // null (manual runs only)
 * @throws DagDefinitionError naming `where`: `dag "x": schedule "* * *" is not a cron expression or preset: …`
 */
export function parseSchedule(
  input: string | { every: Duration } | null | undefined,
  where: string,
): ScheduleSpec | null {
  if (input === null || input === undefined) return null;
  if (typeof input === "string") return parseScheduleString(input, where);
  if (typeof input === "object" && "every" in input && ["string", "number"].includes(typeof input.every)) {
    const everyMs = parseDuration(input.every, `${where}: schedule.every`);
    if (!(everyMs > 0)) throw new DagDefinitionError(`${where}: schedule.every must be longer than 0, got ${JSON.stringify(input.every)}`);
    return { kind: "interval", everyMs };
  }
  throw new DagDefinitionError(
    `${where}: schedule must be a cron expression, a preset, { every: duration } or null, got ${JSON.stringify(input)}`,
  );
}

function parseScheduleString(input: string, where: string): ScheduleSpec {
  const fail = (reason: string, cause?: unknown): never => {
    throw new DagDefinitionError(`${where}: schedule "${input}" is not a cron expression or preset: ${reason}`, { cause });
  };
  const text = input.trim();
  if (text.startsWith("@")) {
    const preset = text.toLowerCase();
    if (preset === "@once") return { kind: "once" };
    const expression = CRON_PRESETS[preset];
    if (expression === undefined) return fail(`unknown preset (use @once, ${Object.keys(CRON_PRESETS).join(", ")})`);
    return { kind: "cron", expression, preset };
  }
  const fields = text.split(/\s+/).filter((f) => f !== "");
  if (fields.length === 6 || fields.length === 7) {
    return fail(`it has ${fields.length} fields; write 5 (minute hour day-of-month month day-of-week), seconds and years are not supported`);
  }
  if (fields.length !== 5) return fail(`expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`);
  if (fields.some((f) => HASHED_FIELD.test(f))) return fail("the H (hashed) value is not supported");
  const expression = fields.join(" ");
  try {
    // Evaluating one tick also catches expressions that parse but never fire.
    CronExpressionParser.parse(expression, { tz: "UTC", currentDate: new Date(0) }).next();
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err), err);
  }
  return { kind: "cron", expression };
}

/**
 * A schedule as listings show it: the preset or cron expression the author wrote, "every 15m",
 * "@once", or "None" (Airflow's summary of a DAG without a schedule).
 * @example describeSchedule({ kind: "interval", everyMs: 5_400_000 }) // "every 1h30m"
 */
export function describeSchedule(spec: ScheduleSpec | null): string {
  if (spec === null) return "None";
  switch (spec.kind) {
    case "once":
      return "@once";
    case "cron":
      return spec.preset ?? spec.expression;
    case "interval":
      return `every ${formatDuration(spec.everyMs)}`;
    default: {
      const never: never = spec;
      throw new Error(`unknown schedule kind ${JSON.stringify(never)}`);
    }
  }
}

const UNITS: ReadonlyArray<readonly [string, number]> = [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1_000], ["ms", 1]];

/** Milliseconds in the notation `parseDuration` reads: 5400000 → "1h30m". */
function formatDuration(ms: number): string {
  let rest = ms;
  let out = "";
  for (const [unit, size] of UNITS) {
    const n = unit === "ms" ? rest : Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out || "0ms";
}
