// The HTTP API as a Hono app (a plain fetch handler, so it runs on Node, Bun and Deno). For now
// it serves health; the Airflow-compatible REST API lands here next.
import { Hono } from "hono";
import { and, desc, eq } from "drizzle-orm";
import { job, type Store } from "@updraft/store";

export interface ApiOptions {
  store: Store;
  version: string;
}

const HEARTBEAT_HEALTHY_MS = 30_000;

export function createApiApp(opts: ApiOptions): Hono {
  const app = new Hono();

  app.get("/api/v1/health", async (c) => {
    let db = "healthy";
    let heartbeat: Date | null = null;
    try {
      const [row] = await opts.store.db.select({ hb: job.latestHeartbeat }).from(job)
        .where(and(eq(job.jobType, "scheduler"), eq(job.state, "running"))).orderBy(desc(job.latestHeartbeat)).limit(1);
      heartbeat = row?.hb ?? null;
    } catch {
      db = "unhealthy";
    }
    const schedulerHealthy = heartbeat != null && Date.now() - heartbeat.getTime() < HEARTBEAT_HEALTHY_MS;
    return c.json({
      metadatabase: { status: db },
      scheduler: { status: schedulerHealthy ? "healthy" : "unhealthy", latest_scheduler_heartbeat: heartbeat?.toISOString() ?? null },
    });
  });

  app.get("/api/v1/version", (c) => c.json({ version: opts.version, git_version: null }));

  app.notFound((c) =>
    c.json({ type: "about:blank", title: "Not Found", status: 404, detail: `no route for ${c.req.method} ${c.req.path}` }, 404, { "content-type": "application/problem+json" }),
  );
  return app;
}
