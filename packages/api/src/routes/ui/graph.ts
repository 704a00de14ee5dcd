// GET /api/updraft/ui/dags/{dag_id}/graph[?run_id=]: what `<updraft-graph>` draws for one run (the
// latest unless one is named): the tasks of the version that run used, the edges between them,
// the children started with `ctx.submit` attached to their parent, and each node's state in the
// run (the grid's summaries, so mapped tasks and children come as counts per state).
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq } from "drizzle-orm";
import { dagRun, dagVersion } from "@updraft/store";
import type { SerializedDag } from "@updraft/sdk";
import type { ApiApp, ApiDeps } from "../../types.ts";
import { notFound } from "../../problem.ts";
import { errors, jsonOf, requireDag } from "../kit.ts";
import { requireVisibleDag } from "./kit.ts";
import { GridNode, gridNodes } from "./grid-structure.ts";
import { CellSummary, loadSummaries } from "./grid-summaries.ts";
import { GridRun, gridRunJson } from "../../queries/grid-runs.ts";
import { serializedDag } from "../../queries/dags.ts";

const GraphEdge = z.object({
  source_id: z.string(),
  target_id: z.string(),
  kind: z.enum(["dependency", "submit"]).openapi({ description: "`submit`: the source started the target with `ctx.submit`." }),
}).openapi("UiGraphEdge");

const Graph = z.object({
  dag_id: z.string(),
  run: GridRun.nullable().openapi({ description: "Null when the DAG has no run yet (the nodes then have no state)." }),
  nodes: z.array(GridNode.extend({ summary: CellSummary.nullable() })),
  edges: z.array(GraphEdge),
}).openapi("UiGraph");

export function registerGraph(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/dags/{dag_id}/graph", tags: ["Updraft UI"],
      summary: "A DAG's graph for one run (the latest unless run_id names one): nodes with their state, and edges",
      request: { params: z.object({ dag_id: z.string() }), query: z.object({ run_id: z.string().optional() }) },
      responses: { 200: { description: "Success.", content: jsonOf(Graph) }, ...errors },
    }),
    async (c) => {
      const { dag_id: dagId } = c.req.valid("param");
      const { run_id: runId } = c.req.valid("query");
      requireVisibleDag(c, dagId);
      await requireDag(deps.store, dagId);
      const db = deps.store.db;
      const [run] = await db.select().from(dagRun)
        .where(runId ? and(eq(dagRun.dagId, dagId), eq(dagRun.runId, runId)) : eq(dagRun.dagId, dagId))
        .orderBy(desc(dagRun.logicalDate)).limit(1);
      if (!run && runId) throw notFound(`DAGRun with DAG ID: '${dagId}' and DagRun ID: '${runId}' not found`);
      let serialized: SerializedDag | null = null;
      if (run?.dagVersionId != null) {
        const [v] = await db.select({ serialized: dagVersion.serialized }).from(dagVersion).where(eq(dagVersion.id, run.dagVersionId));
        serialized = v?.serialized ?? null;
      }
      serialized ??= await serializedDag(deps.store, dagId);
      const mapped = new Set((serialized?.tasks ?? []).filter((t) => t.expand !== null).map((t) => t.id));
      const { byRun, tasks } = run ? await loadSummaries(deps.store, dagId, [run.runId], mapped) : { byRun: new Map(), tasks: new Map() };
      const cells = run ? byRun.get(run.runId) : undefined;
      const nodes = gridNodes(serialized, tasks.values());
      const edges: Array<z.infer<typeof GraphEdge>> = [];
      for (const n of nodes) {
        for (const up of n.upstream) edges.push({ source_id: up, target_id: n.id, kind: "dependency" });
        if (n.parent_task_id !== null) edges.push({ source_id: n.parent_task_id, target_id: n.id, kind: "submit" });
      }
      return c.json({
        dag_id: dagId,
        run: run ? gridRunJson(run) : null,
        nodes: nodes.map((n) => ({ ...n, summary: cells?.get(n.id) ?? null })),
        edges,
      }, 200);
    },
  );
}
