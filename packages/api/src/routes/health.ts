// GET /api/v1/health and /api/v1/version: answered without credentials, as Airflow's are. Health
// is the metadatabase's (can it be read) and the scheduler's (its latest heartbeat, judged by the
// store's one rule).
import { latestSchedulerHeartbeat, schedulerHealthy } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../types.ts";

export function registerHealth(app: ApiApp, deps: ApiDeps): void {
  app.get("/api/v1/health", async (c) => {
    let db = "healthy";
    let heartbeat: Date | null = null;
    try {
      heartbeat = await latestSchedulerHeartbeat(deps.store);
    } catch {
      db = "unhealthy";
    }
    return c.json({
      metadatabase: { status: db },
      scheduler: { status: schedulerHealthy(heartbeat) ? "healthy" : "unhealthy", latest_scheduler_heartbeat: heartbeat?.toISOString() ?? null },
    });
  });
  app.get("/api/v1/version", (c) => c.json({ version: deps.version, git_version: null }));
}
