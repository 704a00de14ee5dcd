// GET /api/updraft/ui/dags/{dag_id}/grid: everything `<updraft-grid>` shows for one page of runs in
// one request — the current version's tasks (rows), a page of runs (columns, oldest first) and,
// per run and task, a summary of its instances computed in SQL. `before` pages to older runs;
// `run_id` answers for that one run (a column the grid learns about from the event stream).
import { createRoute, z } from "@hono/zod-openapi";
import { and, count, desc, eq, lt } from "drizzle-orm";
import { dagRun } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../../types.ts";
import { notFound } from "../../problem.ts";
import { errors, jsonOf, requireDag } from "../kit.ts";
import { isoDateTime } from "../../params.ts";
import { requireVisibleDag } from "./kit.ts";
import { GridNode, gridNodes } from "./grid-structure.ts";
import { CellSummary, loadSummaries } from "./grid-summaries.ts";
import { GridRun, gridRunJson } from "../../queries/grid-runs.ts";
import { serializedDag } from "../../queries/dags.ts";

const Grid = z.object({
  dag_id: z.string(),
  nodes: z.array(GridNode).openapi({ description: "The rows: tasks in topological order, submitted children under their parent, then tasks only older versions had." }),
  runs: z.array(GridRun.extend({
    task_instances: z.record(z.string(), CellSummary).openapi({ description: "By task id; a task without instances in the run is absent." }),
  })).openapi({ description: "The columns, oldest first (the newest is on the right, as in Airflow)." }),
  has_more: z.boolean().openapi({ description: "Older runs exist before the first one of this page." }),
  total_runs: z.number().int(),
}).openapi("UiGrid");

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(365).default(25).openapi({ description: "Runs per page (1–365)." }),
  before: isoDateTime.optional().openapi({ type: "string", description: "Only runs whose logical date is before this instant (the previous page's first `logical_date`)." }),
  run_id: z.string().optional().openapi({ description: "Only this run." }),
});

/** A run as the UI shows it. */
export function registerGrid(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/dags/{dag_id}/grid", tags: ["Updraft UI"],
      summary: "The grid of a DAG: its tasks, a page of runs and per run, per task summaries of the task instances",
      request: { params: z.object({ dag_id: z.string() }), query: Query },
      responses: { 200: { description: "Success.", content: jsonOf(Grid) }, ...errors },
    }),
    async (c) => {
      const { dag_id: dagId } = c.req.valid("param");
      const { limit, before, run_id: runId } = c.req.valid("query");
      requireVisibleDag(c, dagId);
      await requireDag(deps.store, dagId);
      const db = deps.store.db;
      const where = runId
        ? and(eq(dagRun.dagId, dagId), eq(dagRun.runId, runId))
        : before ? and(eq(dagRun.dagId, dagId), lt(dagRun.logicalDate, before)) : eq(dagRun.dagId, dagId);
      const [page, [total], serialized] = await Promise.all([
        db.select().from(dagRun).where(where).orderBy(desc(dagRun.logicalDate)).limit(runId ? 1 : limit + 1),
        db.select({ n: count() }).from(dagRun).where(eq(dagRun.dagId, dagId)),
        serializedDag(deps.store, dagId),
      ]);
      if (runId && page.length === 0) throw notFound(`DAGRun with DAG ID: '${dagId}' and DagRun ID: '${runId}' not found`);
      const hasMore = !runId && page.length > limit;
      const runs = page.slice(0, limit).reverse();
      const mapped = new Set((serialized?.tasks ?? []).filter((t) => t.expand !== null).map((t) => t.id));
      const { byRun, tasks } = await loadSummaries(deps.store, dagId, runs.map((r) => r.runId), mapped);
      return c.json({
        dag_id: dagId,
        nodes: gridNodes(serialized, tasks.values()),
        runs: runs.map((r) => ({ ...gridRunJson(r), task_instances: Object.fromEntries(byRun.get(r.runId) ?? []) })),
        has_more: hasMore,
        total_runs: Number(total?.n ?? 0),
      }, 200);
    },
  );
}
