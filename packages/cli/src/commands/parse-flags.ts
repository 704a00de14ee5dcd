// Parsing of flag values shared by commands: --conf JSON, --logical-date ISO.
import type { Json } from "@updraft/sdk";
import { toUtcIso } from "@updraft/sdk";
import { UsageError } from "../errors.ts";

export function parseConf(text: string | undefined): Record<string, Json> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--conf: not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new UsageError(`--conf: must be a JSON object, like '{"region": "eu"}'`);
  return value as Record<string, Json>;
}

export function parseLogicalDate(text: string | undefined, flag = "--logical-date"): Date | undefined {
  if (text === undefined) return undefined;
  try {
    return new Date(toUtcIso(text, flag));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
