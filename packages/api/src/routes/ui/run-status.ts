// GET /api/updraft/ui/dags/{dag_id}/run-status[?run_id=]: a run's state and its task instances
// counted by state (in SQL), for `<updraft-run-status>`: the latest run unless one is named.
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, sql } from "drizzle-orm";
import { dagRun, taskInstance } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../../types.ts";
import { iso } from "../../pagination.ts";
import { notFound } from "../../problem.ts";
import { errors, jsonOf, requireDag } from "../kit.ts";
import { requireVisibleDag } from "./kit.ts";

const RunStatus = z.object({
  dag_id: z.string(),
  run: z.object({
    run_id: z.string(), state: z.string(), run_type: z.string(), logical_date: z.string().nullable(),
    start_date: z.string().nullable(), end_date: z.string().nullable(),
  }).nullable().openapi({ description: "Null when the DAG has no run yet." }),
  counts: z.record(z.string(), z.number().int()).openapi({ description: "Task instances by state (`none` for no state yet)." }),
  total: z.number().int(),
}).openapi("UiRunStatus");

export function registerRunStatus(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/dags/{dag_id}/run-status", tags: ["Updraft UI"],
      summary: "A run's state and progress (the latest run unless run_id names one)",
      request: { params: z.object({ dag_id: z.string() }), query: z.object({ run_id: z.string().optional() }) },
      responses: { 200: { description: "Success.", content: jsonOf(RunStatus) }, ...errors },
    }),
    async (c) => {
      const { dag_id: dagId } = c.req.valid("param");
      const { run_id: runId } = c.req.valid("query");
      requireVisibleDag(c, dagId);
      await requireDag(deps.store, dagId);
      const [run] = await deps.store.db.select().from(dagRun)
        .where(runId ? and(eq(dagRun.dagId, dagId), eq(dagRun.runId, runId)) : eq(dagRun.dagId, dagId))
        .orderBy(desc(dagRun.logicalDate)).limit(1);
      if (!run && runId) throw notFound(`DAGRun with DAG ID: '${dagId}' and DagRun ID: '${runId}' not found`);
      const counts: Record<string, number> = {};
      let total = 0;
      if (run) {
        const rows = await deps.store.db.select({ state: taskInstance.state, n: sql<number>`count(*)` }).from(taskInstance)
          .where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, run.runId))).groupBy(taskInstance.state);
        for (const r of rows) {
          counts[r.state ?? "none"] = Number(r.n);
          total += Number(r.n);
        }
      }
      return c.json({
        dag_id: dagId,
        run: run ? { run_id: run.runId, state: run.state, run_type: run.runType, logical_date: iso(run.logicalDate), start_date: iso(run.startDate), end_date: iso(run.endDate) } : null,
        counts, total,
      }, 200);
    },
  );
}
