// GET /metrics: Prometheus text format, from the app's prom-client registry (metrics-registry.ts):
// Node.js process metrics, build info, task duration and queued-time histograms, commit latency,
// event-loop lag, task outcomes, what is in flight, and the remote workers. A token with the
// `read` scope is needed unless UPDRAFT_METRICS_PUBLIC=true; a DAG-restricted token is refused, as
// on every route that is not about its DAGs.
import type { ApiApp, ApiDeps } from "../types.ts";
import { requireScope } from "../auth.ts";
import { createMetrics } from "../metrics-registry.ts";

export type { RuntimeMetrics } from "../metrics-registry.ts";

export function registerMetrics(app: ApiApp, deps: ApiDeps): void {
  const metrics = createMetrics({
    store: deps.store,
    version: deps.version,
    ...(deps.metrics ? { runtime: deps.metrics } : {}),
    ...(deps.measures ? { measures: deps.measures } : {}),
    ...(deps.events ? { events: deps.events } : {}),
    ...(deps.workers ? { workers: () => deps.workers!.workers() } : {}),
  });
  const handler = requireScope("read");
  app.get("/metrics", async (c, next) => (deps.metricsPublic ? next() : handler(c, next)), async (c) => {
    const text = await metrics.registry.metrics();
    return c.text(text, 200, { "content-type": metrics.registry.contentType });
  });
}
