// GET /api/updraft/ui/dags: one page of the DAG list as `<updraft-dags>` shows it — each DAG's
// schedule, next run, last run and its latest runs' states and durations (for a bar per run) —
// plus the total, every tag (for the tag filter) and the number of import errors (for the
// banner). Filters, search and order run in SQL over the DAGs the credentials may see; the
// latest runs of the page's DAGs come from one query that reads N index entries per DAG.
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, count, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { dag, dagRun, type Store } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../../types.ts";
import type { Principal } from "../../auth.ts";
import { visibleDags } from "../../dag-visibility.ts";
import { iso } from "../../pagination.ts";
import { badRequest } from "../../problem.ts";
import { errors, jsonOf } from "../kit.ts";
import { likeContains } from "./kit.ts";
import { plannedNextRuns } from "../../queries/next-run.ts";
import { importErrorCount } from "../../queries/import-errors.ts";

const MAX_LIMIT = 500;
const MAX_RUNS = 50;
const DEFAULT_RUNS = 14;

/** The status filter: paused or not, or the state of the DAG's latest run. */
export const DagStatus = { all: "all", active: "active", paused: "paused", failed: "failed", running: "running", queued: "queued", success: "success" } as const;
export type DagStatus = (typeof DagStatus)[keyof typeof DagStatus];

const RunJson = z.object({
  run_id: z.string(), state: z.string(), run_type: z.string(), logical_date: z.string().nullable(),
  start_date: z.string().nullable(), end_date: z.string().nullable(),
  duration: z.number().nullable().openapi({ description: "Seconds from start to end; null until it ends." }),
});

const DagRow = z.object({
  dag_id: z.string(),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  fileloc: z.string(),
  is_paused: z.boolean(),
  has_import_errors: z.boolean(),
  schedule_interval: z.string().nullable().openapi({ description: "`@daily`, `0 6 * * *`, `every 5m`, `@once` or `None`." }),
  timetable_description: z.string().nullable(),
  next_dagrun: z.string().nullable(),
  next_dagrun_create_after: z.string().nullable(),
  next_dagrun_data_interval_start: z.string().nullable(),
  next_dagrun_data_interval_end: z.string().nullable(),
  max_active_runs: z.number().int(),
  active_runs: z.number().int().openapi({ description: "Runs queued or running now." }),
  last_run: RunJson.nullable(),
  recent_runs: z.array(RunJson).openapi({ description: "The latest runs by logical date, newest first." }),
});

const UiDagList = z.object({
  dags: z.array(DagRow),
  total_entries: z.number().int(),
  tags: z.array(z.string()).openapi({ description: "Every tag of the DAGs the credentials may see, sorted." }),
  import_errors: z.number().int().openapi({ description: "DAG files that failed to load (for restricted credentials: files of DAGs they may see)." }),
}).openapi("UiDagList");

export type UiDagRun = z.infer<typeof RunJson>;

const csv = z.union([z.string(), z.array(z.string())]).optional()
  .transform((v) => (v === undefined ? [] : [v].flat().flatMap((t) => t.split(",")).map((t) => t.trim()).filter(Boolean)));

/** The latest run of each DAG, as a scalar subquery on `dag` (the unique index on dag_id, logical_date serves it). */
const latestRun = (column: "state" | "start_date") =>
  sql`(select r.${sql.raw(column)} from ${dagRun} r where r.dag_id = ${OUTER_DAG_ID} order by r.logical_date desc limit 1)`;
/** `dag.dag_id` named with its table, so that a subquery over dag_run never reads its own column instead. */
const OUTER_DAG_ID = sql.raw(`"dag"."dag_id"`);

const ORDERS: Record<string, (dir: "asc" | "desc") => SQL[]> = {
  dag_id: (d) => [d === "asc" ? asc(dag.dagId) : desc(dag.dagId)],
  // Unscheduled DAGs (no next run) last either way.
  next_dagrun: (d) => [sql`${dag.nextDagrun} is null`, d === "asc" ? asc(dag.nextDagrun) : desc(dag.nextDagrun), asc(dag.dagId)],
  last_run_start_date: (d) => [sql`${latestRun("start_date")} is null`, sql`${latestRun("start_date")} ${sql.raw(d)}`, asc(dag.dagId)],
};

/** The conditions of the list: visible, active, searched, tagged, with the status asked for. */
function listConditions(p: Principal, q: { search?: string | undefined; tags: string[]; tags_match_mode: "any" | "all"; status: DagStatus }): SQL[] {
  const where: SQL[] = [eq(dag.isActive, true), ...visibleDags(p, dag.dagId)];
  if (q.search) where.push(likeContains(dag.dagId, q.search));
  if (q.tags.length) {
    const has = (tags: string[]) => sql`exists (select 1 from json_each(${dag.tags}) t where t.value in (${sql.join(tags.map((t) => sql`${t}`), sql`, `)}))`;
    where.push(...(q.tags_match_mode === "all" ? q.tags.map((t) => has([t])) : [has(q.tags)]));
  }
  switch (q.status) {
    case "all":
      break;
    case "active":
      where.push(eq(dag.isPaused, false));
      break;
    case "paused":
      where.push(eq(dag.isPaused, true));
      break;
    case "failed":
    case "running":
    case "queued":
    case "success":
      where.push(sql`${latestRun("state")} = ${q.status}`);
      break;
    default: {
      const never: never = q.status;
      throw badRequest(`status: "${String(never)}" is not one of ${Object.values(DagStatus).join(", ")}`);
    }
  }
  return where;
}

interface RunRow {
  dag_id: string; run_id: string; state: string; run_type: string; logical_date: number | null; start_date: number | null; end_date: number | null;
}

const date = (ms: number | null) => (ms == null ? null : iso(new Date(Number(ms))));

function runJson(r: RunRow): UiDagRun {
  const start = r.start_date == null ? null : Number(r.start_date);
  const end = r.end_date == null ? null : Number(r.end_date);
  return {
    run_id: r.run_id, state: r.state, run_type: r.run_type, logical_date: date(r.logical_date), start_date: date(start), end_date: date(end),
    duration: start != null && end != null ? Math.max(0, (end - start) / 1000) : null,
  };
}

/**
 * The latest `n` runs of each of these DAGs, newest first: per DAG, the logical date of its n-th
 * latest run is found with one index seek, then the runs from there on are read in index order —
 * a DAG with 100,000 runs costs as much as one with n.
 */
export async function latestRuns(store: Store, dagIds: string[], n: number): Promise<Map<string, UiDagRun[]>> {
  const out = new Map<string, UiDagRun[]>(dagIds.map((id) => [id, []]));
  if (dagIds.length === 0) return out;
  const ids = sql.join(dagIds.map((id) => sql`(${id})`), sql`, `);
  const rows = await store.db.all<RunRow>(sql`
    with page(dag_id) as (values ${ids}),
    cut as (
      select page.dag_id, coalesce((select c.logical_date from dag_run c where c.dag_id = page.dag_id order by c.logical_date desc limit 1 offset ${n - 1}), 0) as since
      from page
    )
    select r.dag_id, r.run_id, r.state, r.run_type, r.logical_date, r.start_date, r.end_date,
      row_number() over (partition by r.dag_id order by r.logical_date desc) as rn
    from cut join dag_run r on r.dag_id = cut.dag_id and r.logical_date >= cut.since
    order by r.dag_id, r.logical_date desc`);
  for (const r of rows) out.get(r.dag_id)?.push(runJson(r));
  return out;
}

/** Every tag of the visible active DAGs. */
async function allTags(store: Store, p: Principal): Promise<string[]> {
  const where = and(eq(dag.isActive, true), ...visibleDags(p, dag.dagId));
  const rows = await store.db.all<{ tag: string }>(sql`select distinct t.value as tag from ${dag}, json_each(${dag.tags}) t where ${where} order by 1`);
  return rows.map((r) => String(r.tag));
}

export function registerDagList(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/dags", tags: ["Updraft UI"],
      summary: "A page of DAGs with their schedule, next run and latest runs; every tag; the import errors' count",
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(100).openapi({ description: `DAGs per page (at most ${MAX_LIMIT}).` }),
          offset: z.coerce.number().int().min(0).default(0),
          search: z.string().max(250).optional().openapi({ description: "A part of the DAG id (case-insensitive)." }),
          tags: csv.openapi({ description: "Only DAGs with these tags (repeat it, or separate with commas)." }),
          tags_match_mode: z.enum(["any", "all"]).default("any").openapi({ description: "Whether a DAG needs any of the tags or all of them." }),
          status: z.enum(Object.values(DagStatus) as [DagStatus, ...DagStatus[]]).default("all")
            .openapi({ description: "`active` (not paused) or `paused`; `failed`, `running`, `queued`, `success`: the state of the latest run." }),
          order_by: z.string().optional().openapi({ description: `${Object.keys(ORDERS).join(", ")}; \`-\` in front for descending.` }),
          runs: z.coerce.number().int().min(0).max(MAX_RUNS).default(DEFAULT_RUNS).openapi({ description: `How many of each DAG's latest runs (default ${DEFAULT_RUNS}).` }),
        }),
      },
      responses: { 200: { description: "Success.", content: jsonOf(UiDagList) }, ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const p = c.get("principal");
      const orderText = q.order_by ?? "dag_id";
      const field = orderText.replace(/^-/, "");
      const order = Object.hasOwn(ORDERS, field) ? ORDERS[field]!(orderText.startsWith("-") ? "desc" : "asc") : null;
      if (!order) throw badRequest(`order_by: "${field}" is not a field to order by; use one of ${Object.keys(ORDERS).join(", ")}`);
      const where = and(...listConditions(p, q));
      const [[total], rows, tags, errorsCount] = await Promise.all([
        store.db.select({ n: count() }).from(dag).where(where),
        store.db.select().from(dag).where(where).orderBy(...order).limit(q.limit).offset(q.offset),
        allTags(store, p),
        importErrorCount(store, p),
      ]);
      const ids = rows.map((d) => d.dagId);
      const [runs, active, planned] = await Promise.all([
        latestRuns(store, ids, Math.max(1, q.runs)),
        ids.length
          ? store.db.select({ dagId: dagRun.dagId, n: count() }).from(dagRun)
            .where(and(inArray(dagRun.dagId, ids), inArray(dagRun.state, ["queued", "running"]))).groupBy(dagRun.dagId)
          : Promise.resolve([]),
        plannedNextRuns(store, ids),
      ]);
      const activeBy = new Map(active.map((a) => [a.dagId, Number(a.n)]));
      return c.json({
        dags: rows.map((d) => {
          const recent = runs.get(d.dagId) ?? [];
          // The scheduler's cursor when it wrote one, else the run the schedule will create next.
          const next = planned.get(d.dagId);
          return {
            dag_id: d.dagId, description: d.description, tags: d.tags, fileloc: d.fileloc, is_paused: d.isPaused, has_import_errors: d.hasImportErrors,
            schedule_interval: d.scheduleInterval, timetable_description: d.timetableDescription,
            next_dagrun: iso(d.nextDagrun ?? next?.start), next_dagrun_create_after: iso(d.nextDagrunCreateAfter ?? next?.end),
            next_dagrun_data_interval_start: iso(d.nextDagrunDataIntervalStart ?? next?.start), next_dagrun_data_interval_end: iso(d.nextDagrunDataIntervalEnd ?? next?.end),
            max_active_runs: d.maxActiveRuns, active_runs: activeBy.get(d.dagId) ?? 0,
            last_run: recent[0] ?? null,
            recent_runs: recent.slice(0, q.runs),
          };
        }),
        total_entries: Number(total?.n ?? 0),
        tags,
        import_errors: errorsCount,
      }, 200);
    },
  );
}
