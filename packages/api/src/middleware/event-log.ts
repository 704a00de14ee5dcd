// Every call to /api/v1 that changes something is recorded in the event log: who, what, when (the
// route, and the DAG, run and task it names). Reads are not events, nor are the batch list
// queries Airflow's clients send as POST …/list, nor refused calls.
import type { MiddlewareHandler } from "hono";
import { recordEvent, type Store } from "@updraft/store";
import type { ApiEnv } from "../types.ts";

export function eventLog(store: Store): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method === "GET" || c.res.status >= 400 || c.req.path.endsWith("/list")) return;
    const route = c.req.routePath;
    await recordEvent(store, {
      event: `${c.req.method.toLowerCase()} ${route.replace(/^\/api\/v1\//, "")}`,
      owner: c.get("principal")?.name ?? null,
      dagId: c.req.param("dag_id") ?? null,
      runId: c.req.param("dag_run_id") ?? null,
      taskId: c.req.param("task_id") ?? null,
      extra: { path: c.req.path },
    });
  };
}
