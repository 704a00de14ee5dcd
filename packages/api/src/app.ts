// The HTTP API: Airflow's stable REST API under /api/v1 (same paths, fields, pagination and
// problem bodies), on Hono with zod-openapi so that /openapi.json is generated from the same
// schemas that validate requests. A plain fetch handler: it runs on Node, Bun and Deno.
import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { compress } from "hono/compress";
import { cors } from "hono/cors";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { constraintViolation, InvalidValueError } from "@updraft/store";
import { authenticate } from "./auth.ts";
import type { ApiApp, ApiDeps, ApiEnv } from "./types.ts";
import { dagScopedRoutesOnly, guardHiddenDags, hideInvisibleDag } from "./dag-visibility.ts";
import { registerAuthSession } from "./routes/auth-session.ts";
import { registerHealth } from "./routes/health.ts";
import { eventLog } from "./middleware/event-log.ts";
import { ApiError, problem } from "./problem.ts";
import { limitRequests, requestLimitsFromEnv } from "./request-limits.ts";
import { registerDags } from "./routes/dags.ts";
import { registerDagRuns } from "./routes/dag-runs.ts";
import { registerTaskInstances } from "./routes/task-instances.ts";
import { registerXcom } from "./routes/xcom.ts";
import { registerVariables } from "./routes/variables.ts";
import { registerConnections } from "./routes/connections.ts";
import { registerPools } from "./routes/pools.ts";
import { registerImportErrors } from "./routes/import-errors.ts";
import { registerEventLogs } from "./routes/event-logs.ts";
import { registerEvents } from "./routes/events.ts";
import { registerRunActions } from "./routes/run-actions.ts";
import { registerMetrics } from "./routes/metrics.ts";
import { registerWorkers } from "./routes/workers.ts";
import { registerBundles } from "./routes/bundles.ts";
import { registerDagStats } from "./routes/dag-stats.ts";
import { registerTaskInstanceExtras } from "./routes/task-instance-extras.ts";
import { registerConfig } from "./routes/config.ts";
import { registerPlugins } from "./routes/plugins.ts";
import { registerUsers } from "./routes/users.ts";
import { registerParseDagFile } from "./routes/parse-dag-file.ts";
import { registerSwaggerUi } from "./routes/swagger-ui.ts";
import { FileTokens, fileTokenKey } from "./file-token.ts";
import { challengeHeaders, isPublicPath } from "./public-paths.ts";
import { accessLog } from "./access-log.ts";
import { registerUiStatic } from "./routes/ui/static.ts";
import { registerUiRoutes } from "./routes/ui/index.ts";


function describeIssues(error: { issues: Array<{ path: PropertyKey[]; message: string }> }, where: string): string {
  return error.issues.map((i) => `${where}${i.path.length ? `.${i.path.map(String).join(".")}` : ""}: ${i.message}`).join("; ");
}

export function createApiApp(deps: ApiDeps): ApiApp {
  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return problem(c, 400, describeIssues(result.error, result.target));
      return undefined;
    },
  });
  // Every route's handler answers 404 for a DAG in its path that the credentials may not see.
  guardHiddenDags(app);

  app.onError((err, c) => {
    if (err instanceof ApiError) return problem(c, err.status, err.message, { ...(err.status === 401 ? challengeHeaders(c) : {}), ...err.headers });
    if (err instanceof HTTPException) return problem(c, err.status as ContentfulStatusCode, err.message || "bad request");
    // A value over a store limit (a variable's size), named in the message.
    if (err instanceof InvalidValueError) return problem(c, 400, err.message);
    // A row the request refers to changed under it (a concurrent delete or create): a conflict, never a 500.
    const violated = constraintViolation(err);
    if (violated === "foreign_key" || violated === "unique") {
      console.error(`api: ${c.req.method} ${c.req.path}: ${violated} constraint: ${err.message}`);
      return problem(c, 409, `the request conflicts with a concurrent change (a ${violated.replace("_", " ")} constraint failed); retry it`);
    }
    console.error(`api: ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    return problem(c, 500, "internal error; the server log has the details");
  });
  app.notFound((c) => problem(c, 404, `no route for ${c.req.method} ${c.req.path}`));

  // First, so that it sees every answer, those of the limits and of authentication included.
  if (deps.logger) app.use("*", accessLog(deps.logger));

  if (deps.corsOrigins?.length) {
    app.use("*", cors({ origin: deps.corsOrigins, allowHeaders: ["Authorization", "Content-Type"], allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"], maxAge: 600 }));
  }

  // Bodies are capped and JSON nesting measured before any route, or the login, reads a body.
  app.use("*", limitRequests({ ...requestLimitsFromEnv(), ...deps.requestLimits }));

  // JSON answers are gzipped for clients that accept it (a grid page of 25 runs × 200 tasks is a
  // few hundred kB, a page of 100 DAGs with their runs ~100 kB); the event stream is left alone.
  app.use("/api/*", compress({ contentTypeFilter: /^application\/(?:problem\+)?json\b/ }));

  registerHealth(app, deps);

  // Login and logout come before authentication: they answer without it.
  registerAuthSession(app, deps);
  const auth = authenticate(deps.store);
  const scopedOnly = dagScopedRoutesOnly();
  // The version, the OpenAPI document and the Swagger UI answer without credentials, as Airflow's.
  // So may /metrics, when the deployment says so (a Prometheus without a token).
  const open = (path: string) => isPublicPath(path) || (path === "/metrics" && deps.metricsPublic === true);
  const unlessPublic = (mw: typeof auth): typeof auth => async (c, next) => (open(c.req.path) ? next() : mw(c, next));
  for (const path of ["/api/v1/*", "/api/updraft/*", "/metrics"]) app.use(path, unlessPublic(auth), unlessPublic(scopedOnly));
  // A DAG named in the path that DAG-restricted credentials may not see answers 404, as a missing one.
  const hide = hideInvisibleDag();
  for (const path of ["/api/v1/dags/:dag_id", "/api/v1/dags/:dag_id/*", "/api/updraft/ui/dags/:dag_id", "/api/updraft/ui/dags/:dag_id/*"]) app.use(path, hide);
  // Every call that changes something is recorded in the event log: who, what, when.
  app.use("/api/v1/*", eventLog(deps.store));

  const fileTokens = new FileTokens(deps.secretKey ?? fileTokenKey(deps.home));
  registerDags(app, deps, fileTokens);
  registerDagStats(app, deps);
  registerParseDagFile(app, deps, fileTokens);
  // Before the task-instance and state routes: `…/{task_id}/setNote` is not a map index.
  registerTaskInstanceExtras(app, deps);
  registerDagRuns(app, deps);
  registerTaskInstances(app, deps);
  registerXcom(app, deps);
  registerVariables(app, deps);
  registerConnections(app, deps);
  registerPools(app, deps);
  registerImportErrors(app, deps);
  registerEventLogs(app, deps);
  registerEvents(app, deps);
  registerRunActions(app, deps);
  registerMetrics(app, deps);
  registerWorkers(app, deps);
  registerBundles(app, deps);
  registerConfig(app, deps);
  registerPlugins(app, deps);
  registerUsers(app, deps);
  registerSwaggerUi(app);
  registerUiRoutes(app, deps);
  registerUiStatic(app, deps);

  app.doc("/openapi.json", {
    openapi: "3.0.3",
    info: { title: "Updraft API", version: deps.version, description: "Airflow 2.10's stable REST API under /api/v1, and Updraft's own routes." },
    security: [{ Bearer: [] }, { Basic: [] }],
  });
  // Routes served without zod-openapi handlers, described here so /openapi.json lists every route.
  const problemBody = { "application/problem+json": { schema: { type: "object" as const } } };
  const denied = {
    401: { description: "Request not authenticated.", content: problemBody },
    403: { description: "Client does not have sufficient permission.", content: problemBody },
  };
  const text = (description: string, mediaType: string) => ({ 200: { description, content: { [mediaType]: { schema: { type: "string" as const } } } }, ...denied });
  app.openAPIRegistry.registerPath({ method: "get", path: "/api/v1/health", tags: ["Monitoring"], summary: "Get instance status (no authentication)", security: [], responses: { 200: { description: "Metadatabase and scheduler health.", content: { "application/json": { schema: { type: "object" as const } } } } } });
  app.openAPIRegistry.registerPath({ method: "get", path: "/api/v1/version", tags: ["Monitoring"], summary: "Get version information (no authentication)", security: [], responses: { 200: { description: "The server's version.", content: { "application/json": { schema: { type: "object" as const } } } } } });
  app.openAPIRegistry.registerPath({ method: "get", path: "/api/updraft/events", tags: ["Updraft"], summary: "Live run, task-instance and worker changes (Server-Sent Events; filters dag_id, run_id)", responses: { ...text("An event stream: `run`, `task` and (without filters) `worker` events with JSON data.", "text/event-stream"), 400: { description: "No scheduler to stream from.", content: problemBody } } });
  app.openAPIRegistry.registerPath({ method: "get", path: "/metrics", tags: ["Updraft"], summary: "Prometheus metrics", responses: text("Prometheus text exposition format.", "text/plain") });
  app.openAPIRegistry.registerComponent("securitySchemes", "Bearer", { type: "http", scheme: "bearer" });
  app.openAPIRegistry.registerComponent("securitySchemes", "Basic", { type: "http", scheme: "basic" });
  return app;
}
