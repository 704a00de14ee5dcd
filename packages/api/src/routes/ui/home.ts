// GET /api/updraft/ui/home: everything `<updraft-home>` shows, in one request — the health of the
// scheduler (its latest heartbeat, as /api/v1/health judges it), of the database (and how long a
// query takes), of the workers (remote and the local pool); the DAGs by paused/active and with
// import errors; runs and task instances by state over the last hours (24 by default; grouped in SQL); and the
// latest failures. A handful of queries, each filtered by the credentials' DAG restriction.
import { createRoute, z } from "@hono/zod-openapi";
import { and, count, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { dag, dagRun, latestSchedulerHeartbeat, schedulerHealthy, taskInstance, type Store } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../../types.ts";
import type { Principal } from "../../auth.ts";
import { visibleDags } from "../../dag-visibility.ts";
import { iso } from "../../pagination.ts";
import { errors, jsonOf } from "../kit.ts";
import { importErrorCount } from "../../queries/import-errors.ts";

const DEFAULT_HOURS = 24;
const MAX_HOURS = 24 * 31;
const FAILURES = 10;
/** Runs and instances that still count as "in the window" however long ago they last changed. */
const ACTIVE_RUN_STATES = ["queued", "running"] as const;
const ACTIVE_TI_STATES = ["queued", "running", "scheduled", "up_for_retry", "up_for_reschedule"] as const;

/** `dag.dag_id` named with its table: drizzle leaves a select field's column unqualified, and a subquery would read its own. */
const OUTER_DAG_ID = sql.raw(`"dag"."dag_id"`);

const Counts = z.record(z.string(), z.number().int()).openapi({ description: "By state (`none` for an instance with no state yet)." });

const UiHome = z.object({
  now: z.string(),
  hours: z.number().int().openapi({ description: "The window of `runs` and `task_instances`." }),
  scheduler: z.object({
    status: z.enum(["healthy", "unhealthy"]),
    latest_heartbeat: z.string().nullable(),
    in_process: z.boolean().openapi({ description: "Whether the scheduler runs in the process that serves this API." }),
  }),
  metadatabase: z.object({ status: z.enum(["healthy", "unhealthy"]), latency_ms: z.number().nullable() }),
  workers: z.object({
    remote: z.object({
      online: z.number().int(), draining: z.number().int(), disconnected: z.number().int(), lost: z.number().int(),
      slots: z.number().int().openapi({ description: "Tries the online workers can run at once." }),
      running: z.number().int(),
    }).nullable().openapi({ description: "Null when no remote executor runs in this process." }),
    local: z.object({ executor: z.string(), threads: z.number().int(), capacity: z.number().int(), running: z.number().int(), queued: z.number().int() })
      .nullable().openapi({ description: "The scheduler's own thread pool; null when it has none or runs elsewhere." }),
  }),
  dags: z.object({
    total: z.number().int(), active: z.number().int(), paused: z.number().int(), import_errors: z.number().int(),
    failed: z.number().int().openapi({ description: "DAGs whose latest run failed." }),
    running: z.number().int().openapi({ description: "DAGs with a run queued or running." }),
  }),
  runs: z.object({ counts: Counts, total: z.number().int() }).openapi({ description: "Runs that changed in the window, or are queued or running, by state." }),
  task_instances: z.object({ counts: Counts, total: z.number().int() }).openapi({ description: "Task instances that changed in the window, or are still in flight, by state." }),
  failures: z.array(z.object({
    dag_id: z.string(), run_id: z.string(), task_id: z.string().nullable().openapi({ description: "Null for a run that failed without a failed instance (timed out, marked failed)." }),
    map_index: z.number().int(), try_number: z.number().int().nullable(), logical_date: z.string().nullable(), end_date: z.string().nullable(),
  })).openapi({ description: `The latest failures, newest first (at most ${FAILURES}).` }),
}).openapi("UiHome");

/** Grouped counts as a record, and their sum. */
function countsOf(rows: Array<{ state: string | null; n: number }>): { counts: Record<string, number>; total: number } {
  const counts: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    const n = Number(r.n);
    counts[r.state ?? "none"] = (counts[r.state ?? "none"] ?? 0) + n;
    total += n;
  }
  return { counts, total };
}

async function latestFailures(store: Store, p: Principal) {
  const tiWhere = and(eq(taskInstance.state, "failed"), ...visibleDags(p, taskInstance.dagId));
  const runWhere = and(eq(dagRun.state, "failed"), ...visibleDags(p, dagRun.dagId));
  const [tis, runs] = await Promise.all([
    store.db.select({
      dagId: taskInstance.dagId, runId: taskInstance.runId, taskId: taskInstance.taskId, mapIndex: taskInstance.mapIndex,
      tryNumber: taskInstance.tryNumber, endDate: taskInstance.endDate, logicalDate: dagRun.logicalDate,
    }).from(taskInstance)
      .innerJoin(dagRun, and(eq(dagRun.dagId, taskInstance.dagId), eq(dagRun.runId, taskInstance.runId)))
      .where(tiWhere).orderBy(desc(taskInstance.updatedAt)).limit(FAILURES),
    store.db.select({ dagId: dagRun.dagId, runId: dagRun.runId, endDate: dagRun.endDate, logicalDate: dagRun.logicalDate })
      .from(dagRun).where(runWhere).orderBy(desc(dagRun.updatedAt)).limit(FAILURES),
  ]);
  // A failed run is listed through its failed instances; on its own only when it has none listed.
  const listed = new Set(tis.map((t) => `${t.dagId}\u0000${t.runId}`));
  const out = [
    ...tis.map((t) => ({ dag_id: t.dagId, run_id: t.runId, task_id: t.taskId, map_index: t.mapIndex, try_number: t.tryNumber, logical_date: iso(t.logicalDate), end_date: iso(t.endDate) })),
    ...runs.filter((r) => !listed.has(`${r.dagId}\u0000${r.runId}`))
      .map((r) => ({ dag_id: r.dagId, run_id: r.runId, task_id: null, map_index: -1, try_number: null, logical_date: iso(r.logicalDate), end_date: iso(r.endDate) })),
  ];
  out.sort((a, b) => (b.end_date ?? "").localeCompare(a.end_date ?? ""));
  return out.slice(0, FAILURES);
}

function workersSummary(deps: ApiDeps) {
  const remote = deps.workers?.workers();
  const local = deps.localPool?.() ?? null;
  return {
    remote: remote
      ? {
          online: remote.filter((w) => w.state === "online").length,
          draining: remote.filter((w) => w.state === "draining").length,
          disconnected: remote.filter((w) => w.state === "disconnected").length,
          lost: remote.filter((w) => w.state === "lost").length,
          slots: remote.filter((w) => w.state === "online").reduce((s, w) => s + w.capacity, 0),
          running: remote.reduce((s, w) => s + (w.state === "lost" ? 0 : w.running), 0),
        }
      : null,
    local: local && { executor: local.executor, threads: local.threads.length, capacity: local.capacity, running: local.running, queued: local.queued },
  };
}

export function registerHome(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/home", tags: ["Updraft UI"],
      summary: "Health of the scheduler, database and workers; runs and task instances by state over the last hours; the latest failures",
      request: {
        query: z.object({
          hours: z.coerce.number().int().min(1).max(MAX_HOURS).default(DEFAULT_HOURS)
            .openapi({ description: `How far back the counts by state go (default ${DEFAULT_HOURS}, at most ${MAX_HOURS}).` }),
        }),
      },
      responses: { 200: { description: "Success.", content: jsonOf(UiHome) }, ...errors },
    }),
    async (c) => {
      const p = c.get("principal");
      const now = Date.now();
      const { hours } = c.req.valid("query");
      const since = new Date(now - hours * 3_600_000);
      const began = performance.now();
      let dbHealthy = true;
      let heartbeat: Date | null = null;
      try {
        heartbeat = await latestSchedulerHeartbeat(store);
      } catch {
        dbHealthy = false;
      }
      const latency = dbHealthy ? Math.round((performance.now() - began) * 10) / 10 : null;
      const dagWhere = and(eq(dag.isActive, true), ...visibleDags(p, dag.dagId));
      const [dagRows, errorCount, runRows, tiRows, failures] = await Promise.all([
        store.db.select({
          paused: dag.isPaused, n: count(),
          failed: sql<number>`sum((select r.state from ${dagRun} r where r.dag_id = ${OUTER_DAG_ID} order by r.logical_date desc limit 1) = 'failed')`,
          running: sql<number>`sum(exists (select 1 from ${dagRun} r where r.dag_id = ${OUTER_DAG_ID} and r.state in ('queued', 'running')))`,
        }).from(dag).where(dagWhere).groupBy(dag.isPaused),
        importErrorCount(store, p),
        // Two index ranges each (changed since, or still in flight from before) rather than an OR that scans the table.
        Promise.all([
          store.db.select({ state: dagRun.state, n: count() }).from(dagRun)
            .where(and(gte(dagRun.updatedAt, since), ...visibleDags(p, dagRun.dagId))).groupBy(dagRun.state),
          store.db.select({ state: dagRun.state, n: count() }).from(dagRun)
            .where(and(inArray(dagRun.state, [...ACTIVE_RUN_STATES]), lt(dagRun.updatedAt, since), ...visibleDags(p, dagRun.dagId))).groupBy(dagRun.state),
        ]),
        Promise.all([
          store.db.select({ state: taskInstance.state, n: count() }).from(taskInstance)
            .where(and(gte(taskInstance.updatedAt, since), ...visibleDags(p, taskInstance.dagId))).groupBy(taskInstance.state),
          store.db.select({ state: taskInstance.state, n: count() }).from(taskInstance)
            .where(and(inArray(taskInstance.state, [...ACTIVE_TI_STATES]), lt(taskInstance.updatedAt, since), ...visibleDags(p, taskInstance.dagId))).groupBy(taskInstance.state),
        ]),
        latestFailures(store, p),
      ]);
      const paused = Number(dagRows.find((r) => r.paused)?.n ?? 0);
      const active = Number(dagRows.find((r) => !r.paused)?.n ?? 0);
      return c.json({
        now: new Date(now).toISOString(),
        hours,
        scheduler: {
          status: schedulerHealthy(heartbeat, now) ? "healthy" as const : "unhealthy" as const,
          latest_heartbeat: iso(heartbeat),
          in_process: deps.events !== undefined,
        },
        metadatabase: { status: dbHealthy ? "healthy" as const : "unhealthy" as const, latency_ms: latency },
        workers: workersSummary(deps),
        dags: {
          total: paused + active, active, paused, import_errors: errorCount,
          failed: dagRows.reduce((n, r) => n + Number(r.failed ?? 0), 0), running: dagRows.reduce((n, r) => n + Number(r.running ?? 0), 0),
        },
        runs: countsOf(runRows.flat()),
        task_instances: countsOf(tiRows.flat()),
        failures,
      }, 200);
    },
  );
}
