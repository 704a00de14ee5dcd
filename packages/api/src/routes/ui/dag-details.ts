// GET /api/updraft/ui/dags/{dag_id}/details: what `<updraft-dag>`'s header, run picker and
// Details tab and the trigger form need, in one request — the DAG's settings and schedule, its
// current version, its params (type, default, description, enum… from `param()`, or the type read
// from a plain default) and its latest runs.
import { createRoute, z } from "@hono/zod-openapi";
import { and, count, desc, eq, inArray } from "drizzle-orm";
import { dag, dagRun, dagVersion } from "@updraft/store";
import type { Json, ParamSpec, SerializedDag } from "@updraft/sdk";
import type { ApiApp, ApiDeps } from "../../types.ts";
import { iso } from "../../pagination.ts";
import { notFound } from "../../problem.ts";
import { errors, jsonOf } from "../kit.ts";
import { requireVisibleDag } from "./kit.ts";
import { plannedNextRuns } from "../../queries/next-run.ts";

const DEFAULT_RUNS = 50;
const MAX_RUNS = 200;

const ParamSchema = z.object({
  type: z.union([z.string(), z.array(z.string())]).optional(),
  enum: z.array(z.unknown()).optional(),
  values_display: z.record(z.string(), z.string()).optional(),
  format: z.string().optional(),
  minimum: z.number().optional(), maximum: z.number().optional(),
  min_length: z.number().int().optional(), max_length: z.number().int().optional(),
  pattern: z.string().optional(),
  items: z.object({ type: z.string().optional() }).optional(),
});

const ParamJson = z.object({
  name: z.string(),
  default: z.unknown().openapi({ description: "The default: what the run gets when its conf does not give this key." }),
  title: z.string().nullable(),
  description: z.string().nullable(),
  section: z.string().nullable(),
  schema: ParamSchema.openapi({ description: "JSON Schema of the value: declared with `param()`, or the type of a plain default." }),
  declared: z.boolean().openapi({ description: "Whether the DAG declared a spec with `param()` (otherwise the type is read from the default)." }),
});

const RunJson = z.object({
  run_id: z.string(), state: z.string(), run_type: z.string(), logical_date: z.string().nullable(),
  start_date: z.string().nullable(), end_date: z.string().nullable(), note: z.string().nullable(),
});

const UiDagDetails = z.object({
  dag_id: z.string(),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  fileloc: z.string(),
  is_paused: z.boolean(),
  is_active: z.boolean(),
  has_import_errors: z.boolean(),
  last_parsed_time: z.string().nullable(),
  schedule_interval: z.string().nullable(),
  timetable_description: z.string().nullable(),
  timezone: z.string(),
  catchup: z.boolean(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  max_active_runs: z.number().int(),
  max_active_tasks: z.number().int(),
  dagrun_timeout: z.number().nullable().openapi({ description: "Seconds; null for none." }),
  next_dagrun: z.string().nullable(),
  next_dagrun_create_after: z.string().nullable(),
  next_dagrun_data_interval_start: z.string().nullable(),
  next_dagrun_data_interval_end: z.string().nullable(),
  task_count: z.number().int(),
  version: z.object({ id: z.number().int(), version_hash: z.string(), created_at: z.string() }).nullable(),
  params: z.array(ParamJson).openapi({ description: "In the order the DAG declares them." }),
  active_runs: z.number().int(),
  runs: z.array(RunJson).openapi({ description: "The latest runs by logical date, newest first." }),
}).openapi("UiDagDetails");

type ParamJsonT = z.infer<typeof ParamJson>;

/** The JSON Schema type of a plain default (null says nothing). */
function inferredType(v: Json): string | undefined {
  if (v === null) return undefined;
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** The params as the trigger form reads them: a spec declared with `param()`, or a type read from the default. */
export function paramsOf(s: SerializedDag | null): ParamJsonT[] {
  const specs: Record<string, ParamSpec> = s?.paramSpecs ?? {};
  return Object.entries(s?.params ?? {}).map(([name, value]) => {
    const spec = specs[name];
    if (!spec) {
      const type = inferredType(value);
      return { name, default: value, title: null, description: null, section: null, schema: type ? { type } : {}, declared: false };
    }
    const schema: z.infer<typeof ParamSchema> = {};
    if (spec.type !== undefined) schema.type = spec.type;
    else if (!spec.enum) {
      const type = inferredType(value);
      if (type) schema.type = type;
    }
    if (spec.enum) schema.enum = spec.enum;
    if (spec.valuesDisplay) schema.values_display = spec.valuesDisplay;
    if (spec.format) schema.format = spec.format;
    if (spec.minimum !== undefined) schema.minimum = spec.minimum;
    if (spec.maximum !== undefined) schema.maximum = spec.maximum;
    if (spec.minLength !== undefined) schema.min_length = spec.minLength;
    if (spec.maxLength !== undefined) schema.max_length = spec.maxLength;
    if (spec.pattern !== undefined) schema.pattern = spec.pattern;
    if (spec.items) schema.items = spec.items;
    return { name, default: value, title: spec.title ?? null, description: spec.description ?? null, section: spec.section ?? null, schema, declared: true };
  });
}

export function registerDagDetails(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/dags/{dag_id}/details", tags: ["Updraft UI"],
      summary: "A DAG's settings, schedule, current version, params (for the trigger form) and latest runs (for the run picker)",
      request: {
        params: z.object({ dag_id: z.string() }),
        query: z.object({ runs: z.coerce.number().int().min(0).max(MAX_RUNS).default(DEFAULT_RUNS).openapi({ description: `How many of the latest runs (default ${DEFAULT_RUNS}).` }) }),
      },
      responses: { 200: { description: "Success.", content: jsonOf(UiDagDetails) }, ...errors },
    }),
    async (c) => {
      const { dag_id: dagId } = c.req.valid("param");
      const { runs: n } = c.req.valid("query");
      requireVisibleDag(c, dagId);
      const [[row], runs, [active]] = await Promise.all([
        store.db.select({ d: dag, v: { id: dagVersion.id, hash: dagVersion.versionHash, createdAt: dagVersion.createdAt, s: dagVersion.serialized } }).from(dag)
          .leftJoin(dagVersion, and(eq(dagVersion.dagId, dag.dagId), eq(dagVersion.versionHash, dag.versionHash)))
          .where(eq(dag.dagId, dagId)),
        n === 0 ? Promise.resolve([]) : store.db.select({
          runId: dagRun.runId, state: dagRun.state, runType: dagRun.runType, logicalDate: dagRun.logicalDate,
          startDate: dagRun.startDate, endDate: dagRun.endDate, note: dagRun.note,
        }).from(dagRun).where(eq(dagRun.dagId, dagId)).orderBy(desc(dagRun.logicalDate)).limit(n),
        store.db.select({ n: count() }).from(dagRun).where(and(eq(dagRun.dagId, dagId), inArray(dagRun.state, ["queued", "running"]))),
      ]);
      if (!row) throw notFound(`DAG with dag_id: '${dagId}' not found`);
      const { d, v } = row;
      const s = v?.s ?? null;
      const next = d.nextDagrun ? undefined : (await plannedNextRuns(store, [dagId])).get(dagId);
      return c.json({
        dag_id: d.dagId, description: d.description, tags: d.tags, fileloc: d.fileloc,
        is_paused: d.isPaused, is_active: d.isActive, has_import_errors: d.hasImportErrors, last_parsed_time: iso(d.lastParsedTime),
        schedule_interval: d.scheduleInterval, timetable_description: d.timetableDescription,
        timezone: s?.timezone ?? "UTC", catchup: s?.catchup ?? false,
        start_date: s?.startDate ? iso(new Date(s.startDate)) : null, end_date: s?.endDate ? iso(new Date(s.endDate)) : null,
        max_active_runs: d.maxActiveRuns, max_active_tasks: d.maxActiveTasks,
        dagrun_timeout: s?.dagrunTimeoutMs == null ? null : s.dagrunTimeoutMs / 1000,
        next_dagrun: iso(d.nextDagrun ?? next?.start), next_dagrun_create_after: iso(d.nextDagrunCreateAfter ?? next?.end),
        next_dagrun_data_interval_start: iso(d.nextDagrunDataIntervalStart ?? next?.start), next_dagrun_data_interval_end: iso(d.nextDagrunDataIntervalEnd ?? next?.end),
        task_count: s?.tasks.length ?? 0,
        version: v ? { id: v.id, version_hash: v.hash, created_at: iso(v.createdAt)! } : null,
        params: paramsOf(s),
        active_runs: Number(active?.n ?? 0),
        runs: runs.map((r) => ({
          run_id: r.runId, state: r.state, run_type: r.runType, logical_date: iso(r.logicalDate),
          start_date: iso(r.startDate), end_date: iso(r.endDate), note: r.note,
        })),
      }, 200);
    },
  );
}
