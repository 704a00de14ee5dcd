// GET /api/v1/dagStats?dag_ids=a,b: how many runs of each DAG are in each run state, as Airflow
// 2.10 answers it (every state listed, with 0 where there is none; ids that name no DAG the
// credentials may see are left out).
import { createRoute, z } from "@hono/zod-openapi";
import { and, count, inArray } from "drizzle-orm";
import { dag, dagRun } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../types.ts";
import { requireScope } from "../auth.ts";
import { visibleDags } from "../dag-visibility.ts";
import { badRequest } from "../problem.ts";
import { errors, jsonOf } from "./kit.ts";

/** Airflow's DagRunState, in its order. */
export const RUN_STATES = ["queued", "running", "success", "failed"] as const;

const DagStats = z.object({
  dags: z.array(z.object({ dag_id: z.string(), stats: z.array(z.object({ state: z.string(), count: z.number().int() })) })),
  total_entries: z.number().int(),
});

export function registerDagStats(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  app.use("/api/v1/dagStats", requireScope("read"));

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/dagStats", tags: ["DagStats"], summary: "List DAG statistics: runs by state",
      request: { query: z.object({ dag_ids: z.string().openapi({ description: "One or more DAG IDs separated by commas." }) }) },
      responses: { 200: { description: "Success.", content: jsonOf(DagStats) }, ...errors },
    }),
    async (c) => {
      const wanted = [...new Set(c.req.valid("query").dag_ids.split(",").map((s) => s.trim()).filter(Boolean))];
      if (wanted.length === 0) throw badRequest("dag_ids: give one or more DAG ids separated by commas");
      if (wanted.length > 1000) throw badRequest(`dag_ids: at most 1000 DAG ids at once, got ${wanted.length}`);
      const known = new Set((await store.db.select({ id: dag.dagId }).from(dag)
        .where(and(inArray(dag.dagId, wanted), ...visibleDags(c.get("principal"), dag.dagId)))).map((r) => r.id));
      const ids = wanted.filter((id) => known.has(id));
      const counts = new Map<string, number>();
      if (ids.length) {
        const rows = await store.db.select({ dagId: dagRun.dagId, state: dagRun.state, n: count() }).from(dagRun)
          .where(inArray(dagRun.dagId, ids)).groupBy(dagRun.dagId, dagRun.state);
        for (const r of rows) counts.set(`${r.dagId}\u0000${r.state}`, r.n);
      }
      const dags = ids.map((id) => ({ dag_id: id, stats: RUN_STATES.map((state) => ({ state, count: counts.get(`${id}\u0000${state}`) ?? 0 })) }));
      return c.json({ dags, total_entries: dags.length }, 200);
    },
  );
}
