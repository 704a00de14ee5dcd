// Durations as DAG authors write them: "500ms" "30s" "5m" "1h" "2d", or a number of milliseconds.
import { DagDefinitionError } from "./errors.ts";

export type Duration = string | number;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses a duration into milliseconds.
 * @example parseDuration("30s") // 30000
 * @example parseDuration("1h30m") // 5400000
 */
export function parseDuration(value: Duration, field = "duration"): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) throw new DagDefinitionError(`${field}: ${value} is not a non-negative number of milliseconds`);
    return value;
  }
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("").replace(/\s/g, "") !== text.replace(/\s/g, "")) {
    throw new DagDefinitionError(`${field}: "${value}" is not a duration (write e.g. "500ms", "30s", "5m", "1h", "2d")`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}
