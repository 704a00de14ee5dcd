// /api/v1/dags/{dag_id}/dagRuns: list (also for every DAG with `~`), get, trigger (POST, the call
// CI jobs make), delete, set a note, and the batch list POST /dags/~/dagRuns/list.
import { createRoute, z } from "@hono/zod-openapi";
import { and, count, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { dagRun, type Store } from "@updraft/store";
import type { Json } from "@updraft/sdk";
import type { ApiApp, ApiDeps } from "../types.ts";
import { isReadMethod, requireScope } from "../auth.ts";
import { visibleDags } from "../dag-visibility.ts";
import { badRequest, conflict, notFound } from "../problem.ts";
import { orderBy, pageQuery, MAX_PAGE_LIMIT } from "../pagination.ts";
import { dagRunJson } from "../serialize.ts";
import { anyJson, problemJson, errors, loadRun, requireDag, jsonBody } from "./kit.ts";
import { isoDateTime } from "../params.ts";

const States = z.enum(["queued", "running", "success", "failed"]);
const Params = z.object({ dag_id: z.string(), dag_run_id: z.string() });

const COLUMNS = {
  id: dagRun.id, dag_id: dagRun.dagId, dag_run_id: dagRun.runId, state: dagRun.state, execution_date: dagRun.logicalDate,
  logical_date: dagRun.logicalDate, start_date: dagRun.startDate, end_date: dagRun.endDate, updated_at: dagRun.updatedAt,
  external_trigger: dagRun.externalTrigger, conf: dagRun.conf,
};

const rangeFilters = {
  execution_date_gte: isoDateTime.optional(), execution_date_lte: isoDateTime.optional(),
  start_date_gte: isoDateTime.optional(), start_date_lte: isoDateTime.optional(),
  end_date_gte: isoDateTime.optional(), end_date_lte: isoDateTime.optional(),
  updated_at_gte: isoDateTime.optional(), updated_at_lte: isoDateTime.optional(),
};

type Ranges = { [K in keyof typeof rangeFilters]?: Date };

function conditions(f: Ranges & { dagIds?: string[]; states?: string[] }): SQL[] {
  const w: SQL[] = [];
  if (f.dagIds?.length) w.push(inArray(dagRun.dagId, f.dagIds));
  if (f.states?.length) w.push(inArray(dagRun.state, f.states as Array<"queued">));
  const pairs: Array<[Date | undefined, Date | undefined, SQLiteColumn]> = [
    [f.execution_date_gte, f.execution_date_lte, dagRun.logicalDate], [f.start_date_gte, f.start_date_lte, dagRun.startDate],
    [f.end_date_gte, f.end_date_lte, dagRun.endDate], [f.updated_at_gte, f.updated_at_lte, dagRun.updatedAt],
  ];
  for (const [from, to, col] of pairs) {
    if (from) w.push(gte(col, from));
    if (to) w.push(lte(col, to));
  }
  return w;
}

async function page(store: Store, where: SQL[], order: SQL[], limit: number, offset: number) {
  const cond = where.length ? and(...where) : undefined;
  const [{ total }] = (await store.db.select({ total: count() }).from(dagRun).where(cond)) as [{ total: number }];
  const rows = await store.db.select().from(dagRun).where(cond).orderBy(...order).limit(limit).offset(offset);
  return { dag_runs: rows.map(dagRunJson), total_entries: total };
}



export function registerDagRuns(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  app.use("/api/v1/dags/:dag_id/dagRuns", async (c, next) => (isReadMethod(c.req.method) ? requireScope("read")(c, next) : requireScope("trigger")(c, next)));
  app.use("/api/v1/dags/:dag_id/dagRuns/list", requireScope("read"));
  app.use("/api/v1/dags/:dag_id/dagRuns/:dag_run_id", async (c, next) =>
    // POST …/dagRuns/list is a read (the batch query), not a change to a run called "list".
    isReadMethod(c.req.method) || c.req.param("dag_run_id") === "list" ? requireScope("read")(c, next) : requireScope("edit")(c, next));
  app.use("/api/v1/dags/:dag_id/dagRuns/:dag_run_id/setNote", requireScope("edit"));

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/dags/{dag_id}/dagRuns", tags: ["DAGRun"], summary: "List DAG runs (dag_id `~` for all DAGs)",
      request: {
        params: z.object({ dag_id: z.string() }),
        query: z.object({ ...pageQuery, ...rangeFilters, state: z.union([States, z.array(States)]).optional() }),
      },
      responses: { 200: { description: "List of DAG runs.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const { dag_id } = c.req.valid("param");
      const q = c.req.valid("query");
      if (dag_id !== "~") await requireDag(store, dag_id);
      const where = conditions({ ...q, dagIds: dag_id === "~" ? [] : [dag_id], states: q.state === undefined ? [] : [q.state].flat() });
      where.push(...visibleDags(c.get("principal"), dagRun.dagId));
      return c.json(await page(store, where, orderBy(q.order_by, COLUMNS, "id"), q.limit, q.offset), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post", path: "/api/v1/dags/~/dagRuns/list", tags: ["DAGRun"], summary: "List DAG runs (batch)",
      request: {
        body: jsonBody(z.object({
                order_by: z.string().optional(),
                page_offset: z.number().int().min(0).default(0),
                page_limit: z.number().int().min(1).max(MAX_PAGE_LIMIT).default(100),
                dag_ids: z.array(z.string()).optional(),
                states: z.array(States).optional(),
                ...rangeFilters,
              }).strict()),
      },
      responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const where = conditions({ ...b, dagIds: b.dag_ids ?? [], states: b.states ?? [] });
      where.push(...visibleDags(c.get("principal"), dagRun.dagId));
      return c.json(await page(store, where, orderBy(b.order_by, COLUMNS, "id"), b.page_limit, b.page_offset), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post", path: "/api/v1/dags/{dag_id}/dagRuns", tags: ["DAGRun"], summary: "Trigger a new DAG run",
      request: {
        params: z.object({ dag_id: z.string() }),
        body: jsonBody(z.object({
                dag_run_id: z.string().min(1).max(250).nullable().optional(),
                logical_date: isoDateTime.nullable().optional(),
                execution_date: isoDateTime.nullable().optional(),
                data_interval_start: isoDateTime.nullable().optional(),
                data_interval_end: isoDateTime.nullable().optional(),
                conf: z.record(z.string(), z.unknown()).optional(),
                note: z.string().nullable().optional(),
              }).strict()),
      },
      responses: { 200: { description: "Success.", content: anyJson }, 409: { description: "An existing resource conflicts with the request.", content: problemJson }, ...errors },
    }),
    async (c) => {
      const { dag_id } = c.req.valid("param");
      const b = c.req.valid("json");
      if (b.logical_date && b.execution_date && b.logical_date.getTime() !== b.execution_date.getTime()) {
        throw badRequest("logical_date and execution_date (its deprecated name) differ; send one of them");
      }
      if ((b.data_interval_start == null) !== (b.data_interval_end == null)) throw badRequest("data_interval_start and data_interval_end go together");
      await requireDag(store, dag_id);
      const logicalDate = b.logical_date ?? b.execution_date ?? undefined;
      let runId: string;
      try {
        ({ runId } = await deps.trigger(dag_id, {
          ...(b.dag_run_id ? { runId: b.dag_run_id } : {}),
          ...(logicalDate ? { logicalDate } : {}),
          conf: (b.conf ?? {}) as Record<string, Json>,
          ...(b.note ? { note: b.note } : {}),
        }));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (/already has a run/.test(message)) throw conflict(message);
        if (/is not known/.test(message)) throw notFound(message);
        if (err instanceof Error && err.name === "SchedulerRequestError") throw badRequest(message);
        throw err;
      }
      return c.json(dagRunJson(await loadRun(store, dag_id, runId)), 200);
    },
  );

  app.openapi(
    createRoute({ method: "get", path: "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}", tags: ["DAGRun"], summary: "Get a DAG run", request: { params: Params }, responses: { 200: { description: "Success.", content: anyJson }, ...errors } }),
    async (c) => {
      const { dag_id, dag_run_id } = c.req.valid("param");
      return c.json(dagRunJson(await loadRun(store, dag_id, dag_run_id)), 200);
    },
  );

  app.openapi(
    createRoute({ method: "delete", path: "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}", tags: ["DAGRun"], summary: "Delete a DAG run (an active one's tries are stopped first)", request: { params: Params }, responses: { 204: { description: "Success." }, 409: { description: "The run is still active.", content: problemJson }, ...errors } }),
    async (c) => {
      const { dag_id, dag_run_id } = c.req.valid("param");
      await loadRun(store, dag_id, dag_run_id);
      if (!deps.runs) throw conflict("this server cannot change runs");
      try {
        await deps.runs.deleteRun(dag_id, dag_run_id);
      } catch (err) {
        if (err instanceof Error && err.name === "SchedulerRequestError") throw conflict(err.message);
        throw err;
      }
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: "patch", path: "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/setNote", tags: ["DAGRun"], summary: "Update the DagRun note",
      request: { params: Params, body: jsonBody(z.object({ note: z.string() }).strict()) },
      responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const { dag_id, dag_run_id } = c.req.valid("param");
      const run = await loadRun(store, dag_id, dag_run_id);
      const { note } = c.req.valid("json");
      await store.write((tx) => tx.update(dagRun).set({ note }).where(eq(dagRun.id, run.id)));
      return c.json(dagRunJson({ ...run, note }), 200);
    },
  );
}
