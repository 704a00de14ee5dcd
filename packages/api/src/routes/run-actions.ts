// Changing runs and task instances: PATCH a run's state, clear a run, clearTaskInstances,
// updateTaskInstancesState and PATCH one task instance's state. Airflow's shapes and defaults
// (dry_run is true unless the caller says otherwise); the scheduler applies the changes.
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, gte, lte, type SQL } from "drizzle-orm";
import { dagRun } from "@updraft/store";
import type { SerializedDag } from "@updraft/sdk";
import { widenTaskSelection } from "@updraft/scheduler";
import type { Affected, ApiApp, ApiDeps } from "../types.ts";
import { requireScope } from "../auth.ts";
import { badRequest, conflict, notFound } from "../problem.ts";
import { iso } from "../pagination.ts";
import { dagRunJson } from "../serialize.ts";
import { serializedDag } from "../queries/dags.ts";
import { anyJson, errors, loadRun, jsonBody } from "./kit.ts";
import { isoDateTime } from "../params.ts";

const Params = z.object({ dag_id: z.string(), dag_run_id: z.string() });



/** Task ids plus, on request, everything upstream and/or downstream of them; a 400 naming a bad id. */
function widen(dag: SerializedDag, taskIds: string[], upstream: boolean, downstream: boolean): Set<string> {
  try {
    return widenTaskSelection(dag, taskIds, { upstream, downstream });
  } catch (err) {
    if (err instanceof Error && err.name === "SchedulerRequestError") throw badRequest(`task_ids: ${err.message}`);
    throw err;
  }
}

/** Maps a scheduler refusal to the status Airflow would answer. */
async function run<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Error && err.name === "SchedulerRequestError") throw /has no run/.test(err.message) ? notFound(err.message) : conflict(err.message);
    throw err;
  }
}

export function registerRunActions(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  const actions = () => {
    if (!deps.runs) throw conflict("this server cannot change runs (no scheduler or store commands configured)");
    return deps.runs;
  };
  app.use("/api/v1/dags/:dag_id/dagRuns/:dag_run_id/clear", requireScope("edit"));
  app.use("/api/v1/dags/:dag_id/clearTaskInstances", requireScope("edit"));
  app.use("/api/v1/dags/:dag_id/updateTaskInstancesState", requireScope("edit"));
  for (const path of ["/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id", "/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id/:map_index"]) {
    app.use(path, async (c, next) => (c.req.method === "PATCH" ? requireScope("edit")(c, next) : next()));
  }

  const refs = (dagId: string, runId: string, logicalDate: Date, list: Affected[]) => ({
    task_instances: list.map((t) => ({ task_id: t.taskId, dag_id: dagId, dag_run_id: runId, execution_date: iso(logicalDate) })),
  });

  app.openapi(
    createRoute({
      method: "patch", path: "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}", tags: ["DAGRun"], summary: "Modify a DAG run's state",
      request: { params: Params, body: jsonBody(z.object({ state: z.enum(["success", "failed", "queued"]) }).strict()) },
      responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const { dag_id, dag_run_id } = c.req.valid("param");
      const { state } = c.req.valid("json");
      await loadRun(store, dag_id, dag_run_id);
      // "queued" runs the whole run again: every task instance is cleared.
      if (state === "queued") await run(() => actions().clear(dag_id, dag_run_id, () => true, false));
      else await run(() => actions().setRunState(dag_id, dag_run_id, state));
      return c.json(dagRunJson(await loadRun(store, dag_id, dag_run_id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post", path: "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/clear", tags: ["DAGRun"], summary: "Clear a DAG run",
      request: { params: Params, body: jsonBody(z.object({ dry_run: z.boolean().default(true) }).strict()) },
      responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const { dag_id, dag_run_id } = c.req.valid("param");
      const { dry_run } = c.req.valid("json");
      const row = await loadRun(store, dag_id, dag_run_id);
      const affected = await run(() => actions().clear(dag_id, dag_run_id, () => true, dry_run));
      if (dry_run) {
        return c.json({
          task_instances: affected.map((t) => ({ task_id: t.taskId, dag_id, dag_run_id, map_index: t.mapIndex, state: t.state === "none" ? null : t.state, execution_date: iso(row.logicalDate) })),
          total_entries: affected.length,
        }, 200);
      }
      return c.json(dagRunJson(await loadRun(store, dag_id, dag_run_id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post", path: "/api/v1/dags/{dag_id}/clearTaskInstances", tags: ["DAG"], summary: "Clear a set of task instances",
      request: {
        params: z.object({ dag_id: z.string() }),
        body: jsonBody(z.object({
                dry_run: z.boolean().default(true),
                task_ids: z.array(z.string()).min(1).optional(),
                dag_run_id: z.string().nullable().optional(),
                start_date: isoDateTime.optional(),
                end_date: isoDateTime.optional(),
                only_failed: z.boolean().default(true),
                only_running: z.boolean().default(false),
                include_subdags: z.boolean().optional(),
                include_parentdag: z.boolean().optional(),
                reset_dag_runs: z.boolean().optional(),
                include_upstream: z.boolean().default(false),
                include_downstream: z.boolean().default(false),
                include_future: z.boolean().default(false),
                include_past: z.boolean().default(false),
              }).strict()),
      },
      responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const { dag_id } = c.req.valid("param");
      const b = c.req.valid("json");
      const dag = await serializedDag(store, dag_id);
      if (!dag) throw notFound(`DAG with dag_id: '${dag_id}' not found`);
      const tasks = b.task_ids ? widen(dag, b.task_ids, b.include_upstream, b.include_downstream) : null;
      const where: SQL[] = [eq(dagRun.dagId, dag_id)];
      if (b.dag_run_id) {
        const r = await loadRun(store, dag_id, b.dag_run_id);
        if (b.include_past) where.push(lte(dagRun.logicalDate, r.logicalDate));
        else if (b.include_future) where.push(gte(dagRun.logicalDate, r.logicalDate));
        else where.push(eq(dagRun.id, r.id));
        if (b.include_past && b.include_future) where.pop();
      } else {
        if (b.start_date && !b.include_past) where.push(gte(dagRun.logicalDate, b.start_date));
        if (b.end_date && !b.include_future) where.push(lte(dagRun.logicalDate, b.end_date));
      }
      const select = (t: Affected) =>
        (!tasks || tasks.has(t.taskId)) &&
        (!b.only_failed || t.state === "failed" || t.state === "upstream_failed") &&
        (!b.only_running || t.state === "running");
      const out: Array<ReturnType<typeof refs>["task_instances"][number]> = [];
      for (const r of await store.db.select().from(dagRun).where(and(...where))) {
        const affected = await run(() => actions().clear(dag_id, r.runId, select, b.dry_run));
        out.push(...refs(dag_id, r.runId, r.logicalDate, affected).task_instances);
      }
      return c.json({ task_instances: out }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post", path: "/api/v1/dags/{dag_id}/updateTaskInstancesState", tags: ["DAG"], summary: "Set a state of task instances",
      request: {
        params: z.object({ dag_id: z.string() }),
        body: jsonBody(z.object({
                dry_run: z.boolean().default(true),
                task_id: z.string(),
                execution_date: isoDateTime.optional(),
                dag_run_id: z.string().optional(),
                include_upstream: z.boolean().default(false),
                include_downstream: z.boolean().default(false),
                include_future: z.boolean().default(false),
                include_past: z.boolean().default(false),
                new_state: z.enum(["success", "failed", "skipped"]),
              }).strict()),
      },
      responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const { dag_id } = c.req.valid("param");
      const b = c.req.valid("json");
      if (!b.dag_run_id && !b.execution_date) throw badRequest("dag_run_id or execution_date is required");
      if (b.dag_run_id && b.execution_date) throw badRequest("send dag_run_id or execution_date, not both");
      const dag = await serializedDag(store, dag_id);
      if (!dag) throw notFound(`DAG with dag_id: '${dag_id}' not found`);
      const tasks = widen(dag, [b.task_id], b.include_upstream, b.include_downstream);
      const [anchor] = b.dag_run_id
        ? [await loadRun(store, dag_id, b.dag_run_id)]
        : await store.db.select().from(dagRun).where(and(eq(dagRun.dagId, dag_id), eq(dagRun.logicalDate, b.execution_date!)));
      if (!anchor) throw notFound(`DAG "${dag_id}" has no run at ${b.execution_date?.toISOString()}`);
      const where: SQL[] = [eq(dagRun.dagId, dag_id)];
      if (!b.include_past) where.push(gte(dagRun.logicalDate, anchor.logicalDate));
      if (!b.include_future) where.push(lte(dagRun.logicalDate, anchor.logicalDate));
      const out: Array<ReturnType<typeof refs>["task_instances"][number]> = [];
      for (const r of await store.db.select().from(dagRun).where(and(...where))) {
        const affected = await run(() => actions().setTaskState(dag_id, r.runId, (t) => tasks.has(t.taskId), b.new_state, b.dry_run));
        out.push(...refs(dag_id, r.runId, r.logicalDate, affected).task_instances);
      }
      return c.json({ task_instances: out }, 200);
    },
  );

  for (const withMap of [false, true]) {
    app.openapi(
      createRoute({
        method: "patch", path: withMap ? "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}" : "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}",
        tags: ["TaskInstance"], summary: "Update the state of a task instance",
        request: {
          params: withMap ? Params.extend({ task_id: z.string(), map_index: z.coerce.number().int().min(0) }) : Params.extend({ task_id: z.string() }),
          body: jsonBody(z.object({ dry_run: z.boolean().default(true), new_state: z.enum(["success", "failed", "skipped"]) }).strict()),
        },
        responses: { 200: { description: "Success.", content: anyJson }, ...errors },
      }),
      async (c) => {
        const p = c.req.valid("param") as { dag_id: string; dag_run_id: string; task_id: string; map_index?: number };
        const b = c.req.valid("json");
        const r = await loadRun(store, p.dag_id, p.dag_run_id);
        const mapIndex = p.map_index ?? -1;
        const affected = await run(() => actions().setTaskState(p.dag_id, p.dag_run_id, (t) => t.taskId === p.task_id && t.mapIndex === mapIndex, b.new_state, b.dry_run));
        if (affected.length === 0) throw notFound(`Task instance not found for task "${p.task_id}" (map index ${mapIndex}) in run "${p.dag_run_id}"`);
        return c.json({ task_id: p.task_id, dag_id: p.dag_id, dag_run_id: p.dag_run_id, execution_date: iso(r.logicalDate) }, 200);
      },
    );
  }
}
