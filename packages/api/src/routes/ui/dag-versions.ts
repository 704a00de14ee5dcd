// GET /api/updraft/ui/dags/{dag_id}/versions[?run_id=]: the DAG's stored versions, newest first,
// each with how many runs used it and the latest of them (one grouped query), and which version
// the named run used; GET …/versions/{version_id}/source: one version's source text.
// For `<updraft-code>`, whose version picker needs all of it at once.
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, sql } from "drizzle-orm";
import { dag, dagRun, dagVersion } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../../types.ts";
import { iso } from "../../pagination.ts";
import { notFound } from "../../problem.ts";
import { errors, jsonOf, loadRun, requireDag } from "../kit.ts";
import { requireVisibleDag } from "./kit.ts";

const Version = z.object({
  id: z.number().int(), version_hash: z.string(), bundle_hash: z.string().nullable(), fileloc: z.string(), created_at: z.string().nullable(),
  current: z.boolean().openapi({ description: "Whether this is the version the DAG processor last stored (what new runs use)." }),
  runs: z.number().int(),
  latest_run: z.object({ run_id: z.string(), logical_date: z.string().nullable(), state: z.string() }).nullable(),
});
const UiDagVersions = z.object({
  dag_id: z.string(),
  versions: z.array(Version),
  run_version_id: z.number().int().nullable().openapi({ description: "The version the run named by run_id used (the current one for a run that has none); else null." }),
}).openapi("UiDagVersions");
const UiDagSource = z.object({
  dag_id: z.string(), id: z.number().int(), version_hash: z.string(), fileloc: z.string(), created_at: z.string().nullable(), source: z.string(),
}).openapi("UiDagSource");

export function registerDagVersions(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/dags/{dag_id}/versions", tags: ["Updraft UI"],
      summary: "A DAG's stored versions with the runs that used each",
      request: { params: z.object({ dag_id: z.string() }), query: z.object({ run_id: z.string().optional() }) },
      responses: { 200: { description: "Success.", content: jsonOf(UiDagVersions) }, ...errors },
    }),
    async (c) => {
      const { dag_id: dagId } = c.req.valid("param");
      const { run_id: runId } = c.req.valid("query");
      requireVisibleDag(c, dagId);
      await requireDag(store, dagId);
      const [current] = await store.db.select({ hash: dag.versionHash }).from(dag).where(eq(dag.dagId, dagId));
      const versions = await store.db.select({
        id: dagVersion.id, versionHash: dagVersion.versionHash, bundleHash: dagVersion.bundleHash, fileloc: dagVersion.fileloc, createdAt: dagVersion.createdAt,
      }).from(dagVersion).where(eq(dagVersion.dagId, dagId)).orderBy(desc(dagVersion.createdAt), desc(dagVersion.id));
      // SQLite: with one max() in a grouped query, the bare columns come from the row holding the max.
      const usage = await store.db.select({
        versionId: dagRun.dagVersionId, n: sql<number>`count(*)`, latest: sql<number>`max(${dagRun.logicalDate})`,
        runId: dagRun.runId, state: dagRun.state,
      }).from(dagRun).where(eq(dagRun.dagId, dagId)).groupBy(dagRun.dagVersionId);
      const byVersion = new Map(usage.map((u) => [u.versionId, u]));
      const currentId = versions.find((v) => v.versionHash === current?.hash)?.id ?? null;
      let runVersionId: number | null = null;
      if (runId) {
        const run = await loadRun(store, dagId, runId);
        runVersionId = run.dagVersionId ?? currentId;
      }
      return c.json({
        dag_id: dagId,
        versions: versions.map((v) => {
          const u = byVersion.get(v.id);
          return {
            id: v.id, version_hash: v.versionHash, bundle_hash: v.bundleHash, fileloc: v.fileloc, created_at: iso(v.createdAt),
            current: v.id === currentId, runs: Number(u?.n ?? 0),
            latest_run: u ? { run_id: u.runId, logical_date: iso(new Date(Number(u.latest))), state: u.state } : null,
          };
        }),
        run_version_id: runVersionId,
      }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/dags/{dag_id}/versions/{version_id}/source", tags: ["Updraft UI"],
      summary: "The source text of one stored version of a DAG",
      request: { params: z.object({ dag_id: z.string(), version_id: z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).openapi({ description: "A version id, from …/versions." }) }) },
      responses: { 200: { description: "Success.", content: jsonOf(UiDagSource) }, ...errors },
    }),
    async (c) => {
      const { dag_id: dagId, version_id: id } = c.req.valid("param");
      requireVisibleDag(c, dagId);
      await requireDag(store, dagId);
      const [v] = await store.db.select().from(dagVersion).where(and(eq(dagVersion.dagId, dagId), eq(dagVersion.id, id)));
      if (!v) throw notFound(`DAG '${dagId}' has no version ${id}`);
      return c.json({ dag_id: dagId, id: v.id, version_hash: v.versionHash, fileloc: v.fileloc, created_at: iso(v.createdAt), source: v.source }, 200);
    },
  );
}
