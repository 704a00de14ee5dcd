// The one place that says whether a scheduler is alive on this database: the newest heartbeat of
// a running scheduler job, and how old it may be (Airflow's `scheduler_health_check_threshold`,
// 30 s). /api/v1/health, the UI's home page and `dags trigger` all judge by it.
import { and, desc, eq, isNotNull } from "drizzle-orm";
import type { Store } from "./open-store.ts";
import { job } from "./schema/monitoring.ts";

/** A scheduler whose latest heartbeat is older than this is unhealthy. */
export const SCHEDULER_HEALTHY_MS = 30_000;

/** The newest heartbeat of a running scheduler job, or null when none has one. */
export async function latestSchedulerHeartbeat(store: Store): Promise<Date | null> {
  const [row] = await store.db.select({ hb: job.latestHeartbeat }).from(job)
    .where(and(eq(job.jobType, "scheduler"), eq(job.state, "running"), isNotNull(job.latestHeartbeat)))
    .orderBy(desc(job.latestHeartbeat)).limit(1);
  return row?.hb ?? null;
}

/** Whether `heartbeat` is recent enough, at `now`, for its scheduler to count as alive. */
export function schedulerHealthy(heartbeat: Date | null, now = Date.now(), staleAfterMs = SCHEDULER_HEALTHY_MS): boolean {
  return heartbeat != null && now - heartbeat.getTime() < staleAfterMs;
}
