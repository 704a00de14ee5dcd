// The trigger form's fields, as plain functions: which input a param gets from its schema (a
// select for an enum, a switch for a boolean, a number, a date picker, one line per item for a
// list of strings, JSON for an object…), how a value shows in that input, and how the input's text
// reads back as a value or as an error naming what is wrong. No DOM, so it is tested alone.
import type { DagParam } from "../../shared/dag-types.ts";

export const FieldKind = {
  select: "select",
  boolean: "boolean",
  integer: "integer",
  number: "number",
  text: "text",
  multiline: "multiline",
  date: "date",
  datetime: "datetime",
  time: "time",
  lines: "lines",
  json: "json",
} as const;
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

/** A param with the input it gets. */
export interface ParamField {
  param: DagParam;
  kind: FieldKind;
  /** Whether an empty input means null (the schema allows null, or the default is null). */
  nullable: boolean;
  label: string;
}

/** The value of an input: text for most, a boolean for a switch. */
export type InputValue = string | boolean;

/** A value read from an input, or why it cannot be. */
export type ReadResult = { ok: true; value: unknown } | { ok: false; error: string };

function typesOf(p: DagParam): string[] {
  const t = p.schema.type;
  return t === undefined ? [] : Array.isArray(t) ? t : [t];
}

/** The input a param gets. */
export function fieldOf(p: DagParam): ParamField {
  const types = typesOf(p);
  const nullable = types.includes("null") || (p.default === null && !p.schema.enum);
  const label = p.title ?? p.name;
  const main = types.find((t) => t !== "null");
  const kind = ((): FieldKind => {
    if (p.schema.enum) return "select";
    switch (main) {
      case "boolean":
        return "boolean";
      case "integer":
        return "integer";
      case "number":
        return "number";
      case "array": {
        const item = p.schema.items?.type;
        const plain = (v: unknown) => typeof v === "string" || typeof v === "number";
        if (item === "string" || item === "number" || item === "integer") return "lines";
        if (item === undefined && Array.isArray(p.default) && p.default.every(plain)) return "lines";
        return "json";
      }
      case "object":
        return "json";
      case "string":
      case undefined:
        switch (p.schema.format) {
          case "date":
            return "date";
          case "date-time":
            return "datetime";
          case "time":
            return "time";
          case "multiline":
            return "multiline";
          default:
            return main === undefined && p.default !== null && typeof p.default === "object" ? "json" : "text";
        }
      default:
        return "json";
    }
  })();
  return { param: p, kind, nullable, label };
}

/** `2026-03-01T06:30:00+00:00` → `2026-03-01T06:30` for a datetime-local input (in UTC). */
function toLocalInput(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().slice(0, 16);
}

/** How a value shows in the field's input. */
export function toInput(f: ParamField, value: unknown): InputValue {
  if (f.kind === "boolean") return value === true;
  if (value === null || value === undefined) return "";
  switch (f.kind) {
    case "select":
      return String(f.param.schema.enum!.findIndex((e) => JSON.stringify(e) === JSON.stringify(value)));
    case "lines":
      return Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join("\n") : JSON.stringify(value);
    case "json":
      return JSON.stringify(value, null, 2);
    case "datetime":
      return typeof value === "string" ? toLocalInput(value) : String(value);
    default:
      return typeof value === "string" ? value : JSON.stringify(value);
  }
}

function checkNumber(f: ParamField, n: number): ReadResult {
  const s = f.param.schema;
  if (f.kind === "integer" && !Number.isInteger(n)) return { ok: false, error: "must be a whole number" };
  if (s.minimum !== undefined && n < s.minimum) return { ok: false, error: `must be at least ${s.minimum}` };
  if (s.maximum !== undefined && n > s.maximum) return { ok: false, error: `must be at most ${s.maximum}` };
  return { ok: true, value: n };
}

function checkString(f: ParamField, text: string): ReadResult {
  const s = f.param.schema;
  if (s.min_length !== undefined && text.length < s.min_length) return { ok: false, error: `must have at least ${s.min_length} characters` };
  if (s.max_length !== undefined && text.length > s.max_length) return { ok: false, error: `must have at most ${s.max_length} characters` };
  if (s.pattern !== undefined) {
    let re: RegExp | null = null;
    try {
      re = new RegExp(s.pattern, "u");
    } catch {
      re = null;
    }
    if (re && !re.test(text)) return { ok: false, error: `must match ${s.pattern}` };
  }
  return { ok: true, value: text };
}

/** Reads a field's input as a value, checked against its schema. */
export function fromInput(f: ParamField, input: InputValue): ReadResult {
  if (f.kind === "boolean") return { ok: true, value: input === true };
  const text = String(input);
  if (text.trim() === "" && f.kind !== "text" && f.kind !== "multiline") {
    return f.nullable ? { ok: true, value: null } : { ok: false, error: "a value is needed" };
  }
  if (text === "" && f.nullable) return { ok: true, value: null };
  switch (f.kind) {
    case "select": {
      const e = f.param.schema.enum!;
      const i = Number(text);
      return Number.isInteger(i) && i >= 0 && i < e.length ? { ok: true, value: e[i] } : { ok: false, error: "choose one of the values" };
    }
    case "integer":
    case "number": {
      const n = Number(text);
      return Number.isFinite(n) ? checkNumber(f, n) : { ok: false, error: "must be a number" };
    }
    case "datetime": {
      const t = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`);
      return Number.isNaN(t) ? { ok: false, error: "must be a date and time" } : { ok: true, value: new Date(t).toISOString().replace(".000Z", "+00:00").replace("Z", "+00:00") };
    }
    case "lines": {
      const numeric = ["number", "integer"].includes(f.param.schema.items?.type ?? "")
        || (f.param.schema.items?.type === undefined && Array.isArray(f.param.default) && f.param.default.length > 0 && f.param.default.every((v) => typeof v === "number"));
      const items = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
      if (!numeric) return { ok: true, value: items };
      const nums = items.map(Number);
      const bad = items.find((_, i) => !Number.isFinite(nums[i]));
      return bad === undefined ? { ok: true, value: nums } : { ok: false, error: `"${bad}" is not a number` };
    }
    case "json": {
      try {
        const v: unknown = JSON.parse(text);
        const types = typesOf(f.param);
        if (types.includes("object") && (v === null || typeof v !== "object" || Array.isArray(v)) && !(v === null && f.nullable)) return { ok: false, error: "must be a JSON object" };
        if (types.includes("array") && !Array.isArray(v) && !(v === null && f.nullable)) return { ok: false, error: "must be a JSON list" };
        return { ok: true, value: v };
      } catch (err) {
        return { ok: false, error: `is not JSON: ${(err as Error).message}` };
      }
    }
    case "text":
    case "multiline":
    case "date":
    case "time":
      return checkString(f, text);
    default: {
      const never: never = f.kind;
      return { ok: false, error: `unknown field kind ${String(never)}` };
    }
  }
}

/** The label of an enum value: its display name, or the value as text. */
export function enumLabel(f: ParamField, value: unknown): string {
  const display = f.param.schema.values_display;
  const key = typeof value === "string" ? value : JSON.stringify(value);
  return display?.[key] ?? (typeof value === "string" ? value : JSON.stringify(value));
}

/** The conf the form's values make: every param's value, over the keys the JSON gives beyond them. */
export function confOf(fields: ParamField[], values: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const conf: Record<string, unknown> = { ...extra };
  for (const f of fields) conf[f.param.name] = values[f.param.name] === undefined ? f.param.default : values[f.param.name];
  return conf;
}
