// GET /api/updraft/bundles/{hash}: a DAG bundle's code (the file with its imports, as the DAG
// processor built it) by content hash, for remote workers, which need no DAG folder. Content
// addressed, so immutable: a strong ETag (the hash) and a year of caching; `If-None-Match` is
// answered with 304.
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { bundle } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../types.ts";
import { requireScope } from "../auth.ts";
import { notFound } from "../problem.ts";
import { errors } from "./kit.ts";

/** Whether an `If-None-Match` header names this (strong) entity tag. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

export function registerBundles(app: ApiApp, deps: ApiDeps): void {
  app.use("/api/updraft/bundles/*", requireScope("worker"));
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/bundles/{hash}", tags: ["Updraft"], summary: "Download a DAG bundle by content hash (worker or admin scope)",
      request: { params: z.object({ hash: z.string().openapi({ param: { name: "hash", in: "path" }, description: "The bundle's content hash, as assignments name it." }) }) },
      responses: {
        200: {
          description: "The bundle's ES module code. Immutable: ETag is the hash.",
          headers: { ETag: { schema: { type: "string" } }, "Cache-Control": { schema: { type: "string" } } },
          content: { "text/javascript": { schema: z.string() } },
        },
        304: { description: "Not modified: the client's copy (If-None-Match) is this bundle." },
        ...errors,
      },
    }),
    async (c) => {
      const { hash } = c.req.valid("param");
      const etag = `"${hash}"`;
      const headers = { ETag: etag, "Cache-Control": "private, max-age=31536000, immutable" };
      if (matches(c.req.header("if-none-match"), etag)) {
        const [known] = await deps.store.db.select({ hash: bundle.hash }).from(bundle).where(eq(bundle.hash, hash));
        if (known) return c.body(null, 304, headers);
      }
      const [row] = await deps.store.db.select({ code: bundle.code }).from(bundle).where(eq(bundle.hash, hash));
      if (!row) throw notFound(`no bundle with hash '${hash}': the DAG processor has not stored it (or the hash is wrong)`);
      return c.body(row.code, 200, { ...headers, "Content-Type": "text/javascript; charset=utf-8" });
    },
  );
}
