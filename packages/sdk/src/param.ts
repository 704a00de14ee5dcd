// `param()`: a DAG param with a type, a description and limits, as Airflow's `Param` — the web UI's
// trigger form is generated from them. A plain value in `params` stays a param whose type is read
// from its value; `param()` adds what a value alone cannot say (a description, an enum, a format).
import { DagDefinitionError } from "./errors.ts";
import type { Json } from "./json-value.ts";

const PARAM = Symbol.for("updraft.param");

/** The JSON Schema types a param may declare (Airflow's Param takes the same). */
export const ParamType = {
  string: "string",
  number: "number",
  integer: "integer",
  boolean: "boolean",
  array: "array",
  object: "object",
  null: "null",
} as const;
export type ParamType = (typeof ParamType)[keyof typeof ParamType];

/**
 * What a param declares beyond its default: a subset of JSON Schema, as Airflow's `Param` takes
 * it, stored with the DAG so the trigger form can render the right input.
 */
export interface ParamSpec {
  /** One type, or several (e.g. `["string", "null"]` for an optional string). */
  type?: ParamType | ParamType[];
  /** A label for the form; the param's name by default. */
  title?: string;
  /** Shown under the input. */
  description?: string;
  /** The only values allowed: the form shows a select. */
  enum?: Json[];
  /** Display names for the enum's values, by value. */
  valuesDisplay?: Record<string, string>;
  /** For strings: `date`, `date-time`, `time` (pickers) or `multiline` (a text area). */
  format?: "date" | "date-time" | "time" | "multiline" | "email" | "uri";
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  /** A regular expression a string must match. */
  pattern?: string;
  /** For arrays: the type of the items (`string` and `number` get a one-per-line editor). */
  items?: { type?: ParamType };
  /** A group heading in the form (Airflow's `section`). */
  section?: string;
}

/** A param made by `param()`: its default and its spec. */
export interface Param {
  readonly [PARAM]: true;
  readonly value: Json;
  readonly spec: ParamSpec;
}

const TYPES = new Set<string>(Object.values(ParamType));
const SPEC_KEYS = new Set(["type", "title", "description", "enum", "valuesDisplay", "format", "minimum", "maximum", "minLength", "maxLength", "pattern", "items", "section"]);

/** True for a value made by `param()` (by any copy of this SDK). */
export function isParam(value: unknown): value is Param {
  return typeof value === "object" && value !== null && (value as { [PARAM]?: unknown })[PARAM] === true;
}

/**
 * Declares a param with a default and a spec: the trigger form shows its title, description and
 * the input its type calls for; `ctx.params.<name>` is the run's conf value or this default.
 * @example
 * dag({ id: "sales", params: {
 *   region: param("eu", { enum: ["eu", "us", "apac"], description: "Which region's sales to load" }),
 *   batch: param(500, { type: "integer", minimum: 1, maximum: 10_000 }),
 * } }, () => { … });
 */
export function param(value: Json, spec: ParamSpec = {}): Param {
  return { [PARAM]: true, value: value === undefined ? null : value, spec };
}

function typeOf(v: Json): ParamType {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v as "string" | "boolean" | "object";
}

function matchesType(v: Json, type: ParamType): boolean {
  const t = typeOf(v);
  return t === type || (type === "number" && t === "integer");
}

/**
 * Checks a param's spec and that its default obeys it (a null default is allowed: the value must
 * then come with the run's conf); throws naming the DAG and the param.
 */
export function checkParam(where: string, name: string, p: Param): void {
  const at = `${where}: params.${name}`;
  const spec = p.spec as Record<string, unknown>;
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) throw new DagDefinitionError(`${at}: the spec must be an object`);
  for (const key of Object.keys(spec)) if (!SPEC_KEYS.has(key)) throw new DagDefinitionError(`${at}: unknown spec field "${key}"`);
  const types = p.spec.type === undefined ? [] : Array.isArray(p.spec.type) ? p.spec.type : [p.spec.type];
  for (const t of types) if (!TYPES.has(t)) throw new DagDefinitionError(`${at}: type "${String(t)}" is not one of ${[...TYPES].join(", ")}`);
  if (p.spec.enum !== undefined && (!Array.isArray(p.spec.enum) || p.spec.enum.length === 0)) throw new DagDefinitionError(`${at}: enum must be a non-empty array`);
  if (p.spec.pattern !== undefined) {
    try {
      new RegExp(p.spec.pattern, "u");
    } catch {
      throw new DagDefinitionError(`${at}: pattern "${p.spec.pattern}" is not a regular expression`);
    }
  }
  const v = p.value;
  if (v === null) return;
  if (types.length && !types.some((t) => matchesType(v, t))) throw new DagDefinitionError(`${at}: the default ${JSON.stringify(v)} is not of type ${types.join(" or ")}`);
  if (p.spec.enum && !p.spec.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) throw new DagDefinitionError(`${at}: the default ${JSON.stringify(v)} is not one of the enum's values`);
  if (typeof v === "number") {
    if (p.spec.minimum !== undefined && v < p.spec.minimum) throw new DagDefinitionError(`${at}: the default ${v} is below the minimum ${p.spec.minimum}`);
    if (p.spec.maximum !== undefined && v > p.spec.maximum) throw new DagDefinitionError(`${at}: the default ${v} is above the maximum ${p.spec.maximum}`);
  }
}

/** The params' defaults (what `ctx.params` starts from) and the specs of those made with `param()`. */
export function splitParams(where: string, params: Record<string, unknown> | undefined): { values: Record<string, Json>; specs: Record<string, ParamSpec> } {
  const values: Record<string, Json> = {};
  const specs: Record<string, ParamSpec> = {};
  for (const [name, p] of Object.entries(params ?? {})) {
    if (isParam(p)) {
      checkParam(where, name, p);
      values[name] = p.value;
      specs[name] = JSON.parse(JSON.stringify(p.spec)) as ParamSpec;
    } else values[name] = p as Json;
  }
  return { values, specs };
}
