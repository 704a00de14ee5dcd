// /api/v1/importErrors: the DAG files that failed to load, with the error's stack trace.
import { createRoute, z } from "@hono/zod-openapi";
import { count, eq } from "drizzle-orm";
import { importError, type ImportError } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../app.ts";
import { requireScope } from "../auth.ts";
import { notFound } from "../problem.ts";
import { iso, orderBy, pageQuery } from "../pagination.ts";
import { errors, integerParam, jsonOf } from "./kit.ts";

const ImportErrorJson = z.object({ import_error_id: z.number().int(), timestamp: z.string(), filename: z.string(), stack_trace: z.string() });
const ImportErrorCollection = z.object({ import_errors: z.array(ImportErrorJson), total_entries: z.number().int() });

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
      const [{ total }] = (await store.db.select({ total: count() }).from(importError)) as [{ total: number }];
      const rows = await store.db.select().from(importError).orderBy(...order, importError.id).limit(q.limit).offset(q.offset);
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
      const [row] = await store.db.select().from(importError).where(eq(importError.id, import_error_id));
      if (!row) throw notFound(`The ImportError with import_error_id: '${import_error_id}' was not found`);
      return c.json(importErrorJson(row), 200);
    },
  );
}
