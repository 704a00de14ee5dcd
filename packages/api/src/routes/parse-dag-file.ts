// PUT /api/v1/parseDagFile/{file_token}: asks the DAG processor to parse a DAG's file soon, even
// unchanged (Airflow 2.10's reparse_dag_file). The token is a DAG's `file_token` (a signed path,
// see file-token.ts). In a process that runs the DAG processor (`standalone`, with
// `deps.requestParse`) the file is loaded at once; otherwise a request row goes to the store
// (Airflow's DagPriorityParsingRequest) and the DAG processor takes it at its next pass.
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { dag } from "@updraft/store";
import { requestParse } from "@updraft/scheduler";
import type { ApiApp, ApiDeps } from "../types.ts";
import { requireScope } from "../auth.ts";
import { visibleDags } from "../dag-visibility.ts";
import type { FileTokens } from "../file-token.ts";
import { notFound } from "../problem.ts";
import { errors } from "./kit.ts";

export function registerParseDagFile(app: ApiApp, deps: ApiDeps, fileTokens: FileTokens): void {
  const { store } = deps;
  app.use("/api/v1/parseDagFile/*", requireScope("edit"));

  app.openapi(
    createRoute({
      method: "put", path: "/api/v1/parseDagFile/{file_token}", tags: ["DAG"], summary: "Request re-parsing of a DAG file (a DAG's file_token)",
      request: { params: z.object({ file_token: z.string().openapi({ description: "A DAG's file_token: its file's path, signed by the server." }) }) },
      responses: { 201: { description: "Success: the file will be parsed soon." }, ...errors },
    }),
    async (c) => {
      const token = c.req.valid("param").file_token;
      const fileloc = fileTokens.verify(token);
      // Only a file that defines a DAG the credentials may see, named by a token this server signed
      // (a DAG's file_token): the same 404 otherwise, so that tokens cannot be probed.
      const [known] = fileloc === null ? [] : await store.db.select({ id: dag.dagId }).from(dag).where(and(eq(dag.fileloc, fileloc), ...visibleDags(c.get("principal"), dag.dagId))).limit(1);
      if (!known || fileloc === null) throw notFound(`File not found: no DAG file for file token ${token} (take it from a DAG's file_token)`);
      if (deps.requestParse) await deps.requestParse(fileloc);
      else await requestParse(store, fileloc);
      return c.body(null, 201);
    },
  );
}
