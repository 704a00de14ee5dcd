// Airflow's stable REST API document (shared/reference/airflow-rest-api-v1.yaml, Airflow 2.10) as
// a response validator: match a concrete request path to its path template, find the operation's
// response schema for the status, and check a JSON body against it with ajv.
//
// OpenAPI 3.0 schemas are not JSON Schema; they are converted first:
// - `$ref: '#/components/schemas/X'` points at the converted X (siblings of a $ref are ignored, as
//   OpenAPI 3.0 says, except `nullable`, which the spec relies on: `{ $ref, nullable: true }`);
// - `nullable: true` becomes `type: [T, "null"]` (null added to an `enum`, or `anyOf` with null
//   when there is no `type`);
// - `discriminator` (on anyOf/oneOf, without or with a mapping) requires the property and checks
//   the matching branch only, so an error names that branch's field rather than every branch;
// - in responses, a `writeOnly` property must be absent (a connection's password is never
//   returned) and is not required; `readOnly` properties are allowed (and required when listed);
// - `additionalProperties` (a boolean or a schema) keeps its JSON Schema meaning;
// - the spec's non-standard `format: datetime` is checked as `date-time`; `path` and `password`
//   are annotations.
// Every object in Airflow's schemas is open (no `additionalProperties: false`), so fields that
// Airflow does not define are allowed by the spec; they are reported apart, as `extraFields`,
// from a second "closed" variant of each schema (`unevaluatedProperties: false`).
import { readFileSync } from "node:fs";
import { Ajv2019, type ErrorObject, type ValidateFunction } from "ajv/dist/2019.js";
import addFormatsModule from "ajv-formats";
import { parse as parseYaml } from "yaml";

/** Where the reference document is: `shared/` beside the clone (as in CI). */
export const AIRFLOW_SPEC_URL = new URL("../../../shared/reference/airflow-rest-api-v1.yaml", import.meta.url);

/** The prefix of every path of the stable API (the document's `servers[0].url`). */
export const API_PREFIX = "/api/v1";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type OasSchema = Record<string, any>;
export type JsonSchema = Record<string, unknown> | boolean;

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** One operation of the document. */
export interface SpecOperation {
  method: string;
  /** The path template as the document writes it, without the /api/v1 prefix: `/dags/{dag_id}`. */
  template: string;
  operationId: string;
  raw: OasSchema;
}

/** A concrete path matched to a template. */
export interface PathMatch {
  template: string;
  params: Record<string, string>;
}

/** What `validateResponse` found. */
export interface ResponseCheck {
  ok: boolean;
  /** `GET /dags/{dag_id}` when the request matched an operation of the document. */
  operation: string | null;
  /** Precise violations of Airflow's schema, each `<json pointer>: <message>`; empty when ok. */
  errors: string[];
  /** JSON pointers of fields present in the body that Airflow's schema does not define (allowed). */
  extraFields: string[];
}

export interface ResponseInput {
  method: string;
  /** Concrete path with or without the /api/v1 prefix; a query string is ignored. */
  path: string;
  status: number;
  /** The parsed JSON body (undefined for an empty body). */
  body: unknown;
  /** The response's content type; a non-JSON body is only checked for being documented. */
  contentType?: string | null;
}

// ajv-formats is CommonJS with `module.exports = formatsPlugin; exports.default = formatsPlugin`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2019) => Ajv2019;

const SPEC_ID = "https://updraft.invalid/airflow-rest-api-v1";
const REF_PREFIX = "#/components/schemas/";

/** Keywords of OpenAPI 3.0 schema objects that carry no validation; dropped in conversion. */
const ANNOTATIONS = new Set(["description", "default", "example", "title", "deprecated", "externalDocs", "xml"]);
/** Keywords copied as they are (their JSON Schema meaning is the same). */
const PASS_THROUGH = new Set([
  "type", "enum", "required", "pattern", "minLength", "maxLength", "minimum", "maximum", "multipleOf",
  "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
]);

type Variant = "open" | "closed" | "branch";

interface ConvertContext {
  /** "open": the spec's meaning; "closed": also reject fields the schema does not define. */
  closed: boolean;
  /** Whether this level may close (false for the members of allOf/anyOf/oneOf: the parent closes). */
  closeHere: boolean;
  /** Where in the document, for error messages about the conversion itself. */
  at: string;
}

function defName(variant: Variant, name: string): string {
  return `${variant}__${name}`;
}

function refTo(ref: string, ctx: ConvertContext): string {
  if (!ref.startsWith(REF_PREFIX)) throw new Error(`${ctx.at}: unsupported $ref ${ref}`);
  const name = ref.slice(REF_PREFIX.length);
  const variant: Variant = !ctx.closed ? "open" : ctx.closeHere ? "closed" : "branch";
  return `${SPEC_ID}#/$defs/${defName(variant, name)}`;
}

function withNull(schema: Record<string, unknown>): Record<string, unknown> {
  if (typeof schema.type === "string") {
    const out: Record<string, unknown> = { ...schema, type: [schema.type, "null"] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...(schema.enum as unknown[]), null];
    return out;
  }
  if (Array.isArray(schema.type)) {
    const out: Record<string, unknown> = { ...schema, type: schema.type.includes("null") ? schema.type : [...schema.type, "null"] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...(schema.enum as unknown[]), null];
    return out;
  }
  return { anyOf: [{ type: "null" }, schema] };
}

/** The value a discriminator uses for each branch: the mapping's key, else the schema's name. */
function discriminatorValues(branches: OasSchema[], discriminator: OasSchema, at: string): string[] {
  const mapping = (discriminator.mapping ?? {}) as Record<string, string>;
  return branches.map((b) => {
    if (typeof b.$ref !== "string") throw new Error(`${at}: a discriminator branch must be a $ref`);
    const mapped = Object.entries(mapping).find(([, ref]) => ref === b.$ref || ref === b.$ref.slice(REF_PREFIX.length));
    return mapped ? mapped[0] : b.$ref.slice(REF_PREFIX.length);
  });
}

/** Converts one OpenAPI 3.0 schema object (response side) to JSON Schema for ajv. */
export function convertSchema(schema: unknown, ctx: ConvertContext): JsonSchema {
  if (schema === undefined || schema === null) return true;
  if (typeof schema === "boolean") return schema;
  if (typeof schema !== "object" || Array.isArray(schema)) throw new Error(`${ctx.at}: a schema must be an object`);
  const s = schema as OasSchema;
  const child = (sub: unknown, at: string, closeHere = true) => convertSchema(sub, { ...ctx, closeHere, at });

  if (typeof s.$ref === "string") {
    const ref = { $ref: refTo(s.$ref, ctx) };
    return s.nullable === true ? { anyOf: [{ type: "null" }, ref] } : ref;
  }

  const out: Record<string, unknown> = {};
  let hasProperties = false;
  let composed = false;
  for (const [key, value] of Object.entries(s)) {
    if (ANNOTATIONS.has(key) || key.startsWith("x-")) continue;
    if (PASS_THROUGH.has(key)) {
      out[key] = value;
      continue;
    }
    switch (key) {
      case "nullable":
      case "readOnly":
      case "writeOnly":
      case "discriminator":
        break; // handled below / by the parent
      case "format":
        out.format = value === "datetime" ? "date-time" : value;
        break;
      case "exclusiveMinimum":
      case "exclusiveMaximum": {
        // OpenAPI 3.0: a boolean modifying minimum/maximum.
        const bound = key === "exclusiveMinimum" ? "minimum" : "maximum";
        if (value === true && typeof s[bound] === "number") {
          out[key] = s[bound];
          delete out[bound];
        }
        break;
      }
      case "properties": {
        hasProperties = true;
        const props: Record<string, JsonSchema> = {};
        for (const [name, sub] of Object.entries(value as Record<string, unknown>)) {
          const subSchema = sub as OasSchema;
          // A write-only field must never come back in a response.
          props[name] = subSchema && subSchema.writeOnly === true ? false : child(sub, `${ctx.at}.${name}`);
        }
        out.properties = props;
        break;
      }
      case "items":
        out.items = child(value, `${ctx.at}[]`);
        break;
      case "additionalProperties":
        out.additionalProperties = typeof value === "boolean" ? value : child(value, `${ctx.at}{}`);
        break;
      case "not":
        out.not = child(value, `${ctx.at}!`, false);
        break;
      case "allOf":
      case "anyOf":
      case "oneOf":
        composed = true;
        if (key !== "allOf" && s.discriminator) break; // converted below
        out[key] = (value as unknown[]).map((b, i) => child(b, `${ctx.at}.${key}[${i}]`, false));
        break;
      default:
        throw new Error(`${ctx.at}: unsupported schema keyword "${key}"`);
    }
  }

  // Required fields that are write-only are not part of a response.
  if (Array.isArray(out.required) && out.properties) {
    const props = s.properties as Record<string, OasSchema>;
    out.required = (out.required as string[]).filter((r) => props[r]?.writeOnly !== true);
    if ((out.required as string[]).length === 0) delete out.required;
  }

  if (s.discriminator) {
    const key = s.anyOf ? "anyOf" : s.oneOf ? "oneOf" : null;
    if (!key) throw new Error(`${ctx.at}: a discriminator needs anyOf or oneOf`);
    const branches = s[key] as OasSchema[];
    const prop = s.discriminator.propertyName as string;
    const values = discriminatorValues(branches, s.discriminator, ctx.at);
    out.type = "object";
    out.required = [...new Set([...(Array.isArray(out.required) ? (out.required as string[]) : []), prop])];
    out.properties = { ...(out.properties as object | undefined), [prop]: { type: "string", enum: values } };
    out.allOf = [
      ...((out.allOf as unknown[] | undefined) ?? []),
      ...branches.map((b, i) => ({
        // `type: object` so that null (when the union is nullable) does not pick a branch.
        if: { type: "object", properties: { [prop]: { const: values[i] } }, required: [prop] },
        then: child(b, `${ctx.at}.${key}[${i}]`, false),
      })),
    ];
    hasProperties = true;
  }

  if (ctx.closed && ctx.closeHere && out.additionalProperties === undefined) {
    if (hasProperties || composed) out.unevaluatedProperties = false;
  }
  if (ctx.closed && !hasProperties && !composed && out.additionalProperties === undefined && (s.type === "object" || out.type === "object")) {
    out.additionalProperties = true; // a free-form object (such as `conf`): its fields are all allowed
  }

  return s.nullable === true ? withNull(out) : out;
}

/** Where each converted schema object came from (`DAG/properties/tags`), for error messages. */
const SCHEMA_NAMES = new WeakMap<object, string>();

function nameSchemas(schema: unknown, name: string): void {
  if (!schema || typeof schema !== "object") return;
  if (!SCHEMA_NAMES.has(schema)) SCHEMA_NAMES.set(schema, name);
  for (const [k, v] of Object.entries(schema)) {
    if (Array.isArray(v)) v.forEach((x, i) => nameSchemas(x, `${name}/${k}/${i}`));
    else if (v && typeof v === "object") nameSchemas(v, `${name}/${k}`);
  }
}

/** Turns ajv's errors into `<pointer>: <message>` lines that name the field and the rule. */
export function describeErrors(errors: ErrorObject[] | null | undefined, data?: unknown): string[] {
  if (!errors) return [];
  const lines: string[] = [];
  for (const e of errors) {
    if (e.keyword === "if") continue; // the `then` error that follows says what is wrong
    const where = e.instancePath || "/";
    let msg = e.message ?? e.keyword;
    if (e.keyword === "false schema") msg = "must not be present (writeOnly in Airflow's spec)";
    else if (e.keyword === "enum") msg = `${msg}: ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
    else if (e.keyword === "required") msg = `must have required property '${(e.params as { missingProperty: string }).missingProperty}'`;
    const named = e.parentSchema && typeof e.parentSchema === "object" ? SCHEMA_NAMES.get(e.parentSchema) : undefined;
    const schemaAt = named ? `${named}/${e.keyword}` : e.schemaPath.replace(/^.*#\/\$defs\/(open__)?/, "").replace(/^#\//, "");
    const got = e.keyword === "required" || e.keyword === "false schema" || data === undefined ? "" : `, got ${preview(valueAt(data, e.instancePath))}`;
    lines.push(`${where}: ${msg}${got} (schema ${schemaAt})`);
  }
  return [...new Set(lines)];
}

function valueAt(data: unknown, pointer: string): unknown {
  let v = data;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
  }
  return v;
}

function preview(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function splitPath(path: string): string[] {
  const noQuery = path.split("?")[0]!.split("#")[0]!;
  const rest = noQuery.startsWith(API_PREFIX + "/") || noQuery === API_PREFIX ? noQuery.slice(API_PREFIX.length) : noQuery;
  return rest.split("/").slice(1);
}

/**
 * Matches a concrete path (`/api/v1/dags/x/dagRuns`) to the most specific template: at the first
 * segment where two candidates differ, a literal beats a parameter (so `/dags/~/dagRuns/list`
 * is not `/dags/{dag_id}/dagRuns/{dag_run_id}`, and `…/tries` is not `…/{map_index}`).
 */
export function matchTemplate(templates: Iterable<string>, path: string): PathMatch | null {
  const segments = splitPath(path);
  let best: { template: string; params: Record<string, string>; score: number[] } | null = null;
  for (const template of templates) {
    const parts = template.split("/").slice(1);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const score: number[] = [];
    let ok = true;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const seg = segments[i]!;
      const m = /^\{([^}]+)\}$/.exec(part);
      if (m) {
        if (seg === "") { ok = false; break; }
        try {
          params[m[1]!] = decodeURIComponent(seg);
        } catch {
          params[m[1]!] = seg;
        }
        score.push(0);
      } else if (part === seg) {
        score.push(1);
      } else {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    if (!best || compareScores(score, best.score) > 0) best = { template, params, score };
  }
  return best ? { template: best.template, params: best.params } : null;
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The response object for a status: exact, then `2XX`-style, then `default`. */
function pickResponse(responses: Record<string, unknown>, status: number): unknown {
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses[`${String(status)[0]}xx`] ?? responses.default;
}

const isJsonType = (ct: string | null | undefined) => !ct || /[/+]json\b/i.test(ct);

/** Airflow's REST API document, loaded and ready to validate responses. */
export class AirflowSpec {
  readonly doc: OasSchema;
  readonly operations: SpecOperation[];
  private readonly ajv: Ajv2019;
  private readonly compiled = new Map<string, { open: ValidateFunction; closed: ValidateFunction }>();

  constructor(doc: OasSchema) {
    this.doc = doc;
    this.operations = [];
    for (const [template, item] of Object.entries(doc.paths as Record<string, OasSchema>)) {
      for (const method of HTTP_METHODS) {
        const op = item[method] as OasSchema | undefined;
        if (op) this.operations.push({ method: method.toUpperCase(), template, operationId: String(op.operationId ?? `${method} ${template}`), raw: op });
      }
    }
    this.ajv = new Ajv2019({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, allowUnionTypes: true, validateFormats: true, verbose: true });
    addFormats(this.ajv);
    this.ajv.addFormat("path", true);
    this.ajv.addFormat("password", true);
    const $defs: Record<string, JsonSchema> = {};
    for (const [name, schema] of Object.entries((doc.components?.schemas ?? {}) as Record<string, unknown>)) {
      const at = `components.schemas.${name}`;
      $defs[defName("open", name)] = convertSchema(schema, { closed: false, closeHere: true, at });
      nameSchemas($defs[defName("open", name)], name);
      $defs[defName("closed", name)] = convertSchema(schema, { closed: true, closeHere: true, at });
      $defs[defName("branch", name)] = convertSchema(schema, { closed: true, closeHere: false, at });
    }
    this.ajv.addSchema({ $id: SPEC_ID, $defs });
  }

  /** Reads and parses the YAML document (default: shared/reference beside the clone). */
  static load(url: URL | string = AIRFLOW_SPEC_URL): AirflowSpec {
    return new AirflowSpec(parseYaml(readFileSync(url, "utf8")) as OasSchema);
  }

  /** Every path template of the document (without /api/v1). */
  get templates(): string[] {
    return Object.keys(this.doc.paths as object);
  }

  /** Matches a concrete path to the document's most specific template. */
  matchPath(path: string): PathMatch | null {
    return matchTemplate(this.templates, path);
  }

  /** The operation for a method and a template (`/dags/{dag_id}`, with or without /api/v1). */
  operation(method: string, template: string): SpecOperation | undefined {
    const t = template.startsWith(API_PREFIX + "/") ? template.slice(API_PREFIX.length) : template;
    return this.operations.find((o) => o.method === method.toUpperCase() && o.template === t);
  }

  private deref<T = OasSchema>(obj: unknown): T {
    let o = obj as OasSchema;
    for (let i = 0; o && typeof o.$ref === "string" && i < 10; i++) {
      const parts = (o.$ref as string).replace(/^#\//, "").split("/");
      o = parts.reduce<OasSchema>((acc, p) => acc?.[p.replace(/~1/g, "/").replace(/~0/g, "~")], this.doc);
    }
    return o as T;
  }

  /**
   * The request body's schema of an operation (JSON Schema, request side: readOnly fields are not
   * part of it), or null when the operation takes no JSON body. For generating wrong-type bodies.
   */
  requestBodySchema(method: string, template: string): { properties: Record<string, OasSchema>; required: string[] } | null {
    const op = this.operation(method, template);
    const body = op && this.deref<OasSchema>(op.raw.requestBody);
    const schema = body?.content?.["application/json"]?.schema;
    if (!schema) return null;
    const properties: Record<string, OasSchema> = {};
    const required = new Set<string>();
    const collect = (s: OasSchema | undefined) => {
      const d = this.deref<OasSchema>(s);
      if (!d) return;
      for (const [k, v] of Object.entries((d.properties ?? {}) as Record<string, OasSchema>)) {
        const pv = this.deref<OasSchema>(v);
        if (pv?.readOnly === true || (v as OasSchema).readOnly === true) continue;
        properties[k] = { ...pv, ...(v.nullable ? { nullable: true } : {}) };
      }
      for (const r of (d.required ?? []) as string[]) required.add(r);
      for (const sub of (d.allOf ?? []) as OasSchema[]) collect(sub);
    };
    collect(schema as OasSchema);
    return { properties, required: [...required].filter((r) => r in properties) };
  }

  private validators(key: string, schema: unknown, at: string) {
    let v = this.compiled.get(key);
    if (!v) {
      const open = convertSchema(schema, { closed: false, closeHere: true, at });
      nameSchemas(open, at);
      v = {
        open: this.ajv.compile(open as object),
        closed: this.ajv.compile(convertSchema(schema, { closed: true, closeHere: true, at }) as object),
      };
      this.compiled.set(key, v);
    }
    return v;
  }

  /** Validates a value against one schema of `components.schemas` (such as `Error`). */
  validateComponent(name: string, value: unknown): { ok: boolean; errors: string[] } {
    if (!(name in ((this.doc.components?.schemas ?? {}) as object))) throw new Error(`no schema ${name} in Airflow's document`);
    const v = this.validators(`component ${name}`, { $ref: `${REF_PREFIX}${name}` }, name);
    const ok = v.open(value);
    return { ok, errors: ok ? [] : describeErrors(v.open.errors, value) };
  }

  /** Validates one response against the document. */
  validateResponse(input: ResponseInput): ResponseCheck {
    const method = input.method.toUpperCase();
    const match = this.matchPath(input.path);
    if (!match) return { ok: false, operation: null, errors: [`${method} ${input.path}: no path of Airflow's API matches`], extraFields: [] };
    const op = this.operation(method, match.template);
    const name = `${method} ${match.template}`;
    if (!op) return { ok: false, operation: null, errors: [`${name}: Airflow's API has no such operation`], extraFields: [] };
    const responses = (op.raw.responses ?? {}) as Record<string, unknown>;
    const response = this.deref<OasSchema>(pickResponse(responses, input.status));
    if (!response) {
      return { ok: false, operation: name, errors: [`status ${input.status} is not documented for ${name} (documented: ${Object.keys(responses).join(", ")})`], extraFields: [] };
    }
    const content = (response.content ?? {}) as Record<string, { schema?: unknown }>;
    if (Object.keys(content).length === 0) {
      const empty = input.body === undefined || input.body === null || input.body === "";
      return empty
        ? { ok: true, operation: name, errors: [], extraFields: [] }
        : { ok: false, operation: name, errors: [`${name} ${input.status}: Airflow's API returns no body here, got ${JSON.stringify(input.body).slice(0, 200)}`], extraFields: [] };
    }
    if (!isJsonType(input.contentType)) {
      const base = (input.contentType ?? "").split(";")[0]!.trim().toLowerCase();
      const documented = Object.keys(content).some((ct) => ct.toLowerCase() === base || (ct === "plain/text" && base === "text/plain"));
      return documented
        ? { ok: true, operation: name, errors: [], extraFields: [] }
        : { ok: false, operation: name, errors: [`${name} ${input.status}: content type ${base} is not documented (documented: ${Object.keys(content).join(", ")})`], extraFields: [] };
    }
    const jsonEntry = Object.entries(content).find(([ct]) => isJsonType(ct));
    if (!jsonEntry) return { ok: false, operation: name, errors: [`${name} ${input.status}: Airflow's API documents no JSON body here (${Object.keys(content).join(", ")})`], extraFields: [] };
    const status = responses[String(input.status)] ? String(input.status) : "default";
    const v = this.validators(`${name} ${status}`, jsonEntry[1].schema, `${name} ${status}`);
    const ok = v.open(input.body);
    const errors = ok ? [] : describeErrors(v.open.errors, input.body);
    const closedOk = v.closed(input.body);
    const extraFields = closedOk
      ? []
      : [...new Set((v.closed.errors ?? [])
          .filter((e) => e.keyword === "unevaluatedProperties")
          .map((e) => `${e.instancePath}/${(e.params as { unevaluatedProperty: string }).unevaluatedProperty}`))];
    return { ok, operation: name, errors, extraFields };
  }
}

/** Parses a JSON body, or returns the text when it is not JSON (so a check can say what came). */
export function parseBody(text: string): Json | string | undefined {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}
