// Triggering and backfilling from another process than the scheduler's (the CLI, the API):
// the run is written as queued, and the scheduler adopts it on its next sweep.
import { and, eq } from "drizzle-orm";
import { dagRun, latestSchedulerHeartbeat, schedulerHealthy, type Store } from "@updraft/store";
import type { SerializedDag } from "@updraft/sdk";
import { DagRegistry } from "./dag-registry.ts";
import { RunRepository, type TriggerOptions } from "./run-repository.ts";
import { XcomCache } from "./task-host.ts";
import { nextDataInterval, type DataInterval } from "../timing/schedule.ts";
import { SchedulerRequestError } from "../errors.ts";

/** Writes a queued run of `dagId`; a running scheduler picks it up within its sweep interval. */
export async function queueDagRun(store: Store, home: string, dagId: string, opts: TriggerOptions = {}): Promise<{ runId: string; logicalDate: Date }> {
  const registry = new DagRegistry(store, home);
  await registry.refresh();
  const run = await new RunRepository(store, new XcomCache()).createRun(registry.require(dagId), { runType: "manual", ...opts });
  return { runId: run.runId, logicalDate: new Date(run.logicalDate) };
}

/** The schedule's intervals whose logical date falls in [from, to], oldest first. */
export function backfillIntervals(dag: SerializedDag, from: Date, to: Date): DataInterval[] {
  if (!dag.schedule) throw new SchedulerRequestError(`dag "${dag.id}" has no schedule, so it has no intervals to backfill`);
  if (to < from) throw new SchedulerRequestError(`backfill: --to (${to.toISOString()}) is before --from (${from.toISOString()})`);
  const out: DataInterval[] = [];
  let last: DataInterval | null = null;
  for (;;) {
    const next = nextDataInterval(dag.schedule, { last, startDate: from, endDate: to, catchup: true, now: new Date(8.64e15), timezone: dag.timezone });
    if (!next || next.start > to || (last && next.start.getTime() === last.start.getTime())) return out;
    out.push(next);
    last = next;
    if (dag.schedule.kind === "once") return out;
  }
}

/** Queues one backfill run per interval in [from, to]; intervals that already have a run are left alone. */
export async function queueBackfill(store: Store, home: string, dagId: string, from: Date, to: Date, conf: TriggerOptions["conf"] = {}): Promise<{ created: string[]; existing: string[] }> {
  const registry = new DagRegistry(store, home);
  await registry.refresh();
  const entry = registry.require(dagId);
  const repo = new RunRepository(store, new XcomCache());
  const created: string[] = [];
  const existing: string[] = [];
  for (const interval of backfillIntervals(entry.version.serialized, from, to)) {
    const [row] = await store.db.select({ runId: dagRun.runId }).from(dagRun).where(and(eq(dagRun.dagId, dagId), eq(dagRun.logicalDate, interval.start)));
    if (row) {
      existing.push(row.runId);
      continue;
    }
    const run = await repo.createRun(entry, { runType: "backfill", logicalDate: interval.start, dataInterval: interval, conf });
    created.push(run.runId);
  }
  return { created, existing };
}

/** Whether a scheduler process is heartbeating on this database (as /api/v1/health judges it). */
export async function schedulerAlive(store: Store): Promise<boolean> {
  return schedulerHealthy(await latestSchedulerHeartbeat(store));
}
