// /api/v1/importErrors: the DAG files that failed to load, with the error's stack trace.
import { createRoute, z } from "@hono/zod-openapi";
import { and, count, eq, sql, type SQL } from "drizzle-orm";
import { dag, importError, type ImportError } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../types.ts";
import { requireScope, type Principal } from "../auth.ts";
import { visibleDags } from "../dag-visibility.ts";
import { notFound } from "../problem.ts";
import { iso, orderBy, pageQuery } from "../pagination.ts";
import { errors, jsonOf } from "./kit.ts";
import { integerParam } from "../params.ts";

const ImportErrorJson = z.object({ import_error_id: z.number().int(), timestamp: z.string(), filename: z.string(), stack_trace: z.string() });
const ImportErrorCollection = z.object({ import_errors: z.array(ImportErrorJson), total_entries: z.number().int() });

/** For DAG-restricted credentials: only the errors of files that define a DAG they may see. */
function visibleFiles(p: Principal): SQL[] {
  const dags = visibleDags(p, dag.dagId);
  return dags.length ? [sql`exists (select 1 from ${dag} where ${dag.fileloc} = ${importError.filename} and ${dags[0]})`] : [];
}

const importErrorJson = (e: ImportError) => ({ import_error_id: e.id, timestamp: iso(e.timestamp)!, filename: e.filename, stack_trace: e.stackTrace });

export function registerImportErrors(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  const columns = { import_error_id: importError.id, id: importError.id, timestamp: importError.timestamp, filename: importError.filename };
  app.use("/api/v1/importErrors", requireScope("read"));
  app.use("/api/v1/importErrors/*", requireScope("read"));

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/importErrors", tags: ["ImportError"], summary: "List import errors",
      request: { query: z.object(pageQuery) },
      responses: { 200: { description: "Success.", content: jsonOf(ImportErrorCollection) }, ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const order = orderBy(q.order_by, columns, "import_error_id");
      const cond = and(...visibleFiles(c.get("principal")));
      const [{ total }] = (await store.db.select({ total: count() }).from(importError).where(cond)) as [{ total: number }];
      const rows = await store.db.select().from(importError).where(cond).orderBy(...order, importError.id).limit(q.limit).offset(q.offset);
      return c.json({ import_errors: rows.map(importErrorJson), total_entries: total }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/importErrors/{import_error_id}", tags: ["ImportError"], summary: "Get an import error",
      request: { params: z.object({ import_error_id: integerParam.openapi({ param: { name: "import_error_id", in: "path" }, type: "integer", description: "The import error ID." }) }) },
      responses: { 200: { description: "Success.", content: jsonOf(ImportErrorJson) }, ...errors },
    }),
    async (c) => {
      const { import_error_id } = c.req.valid("param");
      const [row] = await store.db.select().from(importError).where(and(eq(importError.id, import_error_id), ...visibleFiles(c.get("principal"))));
      if (!row) throw notFound(`The ImportError with import_error_id: '${import_error_id}' was not found`);
      return c.json(importErrorJson(row), 200);
    },
  );
}
