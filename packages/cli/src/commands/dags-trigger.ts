// `updraft dags trigger ID [--wait]` and `updraft dags backfill ID -s START -e END`, against the
// local database. The run is queued for the scheduler; with no scheduler alive, the command runs
// one in this process until its runs finish, so a backfill works on a bare checkout too.
import { and, eq, inArray } from "drizzle-orm";
import { dag, dagRun, taskInstance, type Store } from "@updraft/store";
import { DagProcessor, queueBackfill, queueDagRun, schedulerAlive, type SchedulerEvent } from "@updraft/scheduler";
import { parseAndFind } from "./dag-lookup.ts";
import type { TaskState } from "@updraft/sdk";
import { processorOptions, type Config } from "../config.ts";
import { openConfiguredStore, openEngine } from "../runtime.ts";
import { RunProgress } from "../progress.ts";
import { UsageError } from "../errors.ts";
import { parseConf, parseLogicalDate } from "./parse-flags.ts";

export async function dagsTrigger(config: Config, dagId: string, opts: { conf?: string; logicalDate?: string; runId?: string; wait: boolean }): Promise<number> {
  const conf = parseConf(opts.conf);
  const logicalDate = parseLogicalDate(opts.logicalDate);
  const store = await openConfiguredStore(config);
  let runId: string;
  try {
    await parseAndFind(new DagProcessor({ store, ...processorOptions(config) }), dagId, config.dagsFolder);
    ({ runId } = await queueDagRun(store, config.home, dagId, { conf, ...(logicalDate ? { logicalDate } : {}), ...(opts.runId ? { runId: opts.runId } : {}) }));
    console.log(`queued run ${runId} of dag ${dagId}`);
    await notePaused(store, dagId);
    const alive = await schedulerAlive(store);
    if (!opts.wait) {
      if (!alive) console.error("note: no scheduler is running on this database; start one with `updraft scheduler` or `updraft standalone`");
      return 0;
    }
    if (alive) return await pollUntilDone(store, dagId, [runId]);
  } finally {
    await store.close();
  }
  return runInProcess(config, dagId, [runId]);
}

export async function dagsBackfill(config: Config, dagId: string, opts: { from?: string; to?: string; conf?: string }): Promise<number> {
  const from = parseLogicalDate(opts.from, "--start-date");
  const to = parseLogicalDate(opts.to, "--end-date");
  if (!from || !to) throw new UsageError("dags backfill: give -s/--start-date and -e/--end-date");
  const store = await openConfiguredStore(config);
  let runIds: string[];
  try {
    await parseAndFind(new DagProcessor({ store, ...processorOptions(config) }), dagId, config.dagsFolder);
    const { created, existing } = await queueBackfill(store, config.home, dagId, from, to, parseConf(opts.conf));
    console.log(`backfill of ${dagId}: ${created.length} run(s) queued${existing.length ? `, ${existing.length} interval(s) already had a run` : ""}`);
    if (created.length > 0) await notePaused(store, dagId);
    runIds = created;
    if (created.length === 0) return 0;
    if (await schedulerAlive(store)) return await pollUntilDone(store, dagId, runIds);
  } finally {
    await store.close();
  }
  return runInProcess(config, dagId, runIds);
}

/**
 * One line when the DAG is paused (new DAGs start paused): its runs stay queued until it is
 * unpaused, so a `--wait` would otherwise look like a hang.
 */
async function notePaused(store: Store, dagId: string): Promise<void> {
  const [row] = await store.db.select({ isPaused: dag.isPaused }).from(dag).where(eq(dag.dagId, dagId));
  if (row?.isPaused) console.error(`note: dag ${dagId} is paused: its runs wait until it is unpaused (\`updraft dags unpause ${dagId}\`)`);
}

/** Runs a scheduler here until the given runs end; exit 0 if all succeeded. */
async function runInProcess(config: Config, dagId: string, runIds: string[]): Promise<number> {
  const engine = await openEngine(config, { scheduleRuns: false });
  const progress = new RunProgress(process.stderr);
  try {
    await engine.processor.processAll();
    await engine.executor.start();
    engine.scheduler.onEvent((e: SchedulerEvent) => {
      if (e.type === "task" && e.dagId === dagId && runIds.includes(e.runId)) progress.update(e);
    });
    await engine.scheduler.start();
    const states = await Promise.all(runIds.map((r) => engine.scheduler.waitForRun(dagId, r)));
    progress.end();
    runIds.forEach((r, i) => console.log(`run ${r}: ${states[i]}`));
    return states.every((s) => s === "success") ? 0 : 1;
  } finally {
    progress.end();
    await engine.close();
  }
}

/** Follows runs that another process's scheduler executes, by reading the database. */
async function pollUntilDone(store: Store, dagId: string, runIds: string[]): Promise<number> {
  const progress = new RunProgress(process.stderr);
  const seen = new Map<string, TaskState>();
  for (;;) {
    const tis = await store.db.select().from(taskInstance).where(and(eq(taskInstance.dagId, dagId), inArray(taskInstance.runId, runIds)));
    for (const t of tis) {
      const key = `${t.runId}/${t.taskId}/${t.mapIndex}`;
      const state = (t.state ?? "none") as TaskState;
      if (seen.get(key) !== state) {
        seen.set(key, state);
        progress.update({ type: "task", dagId, runId: t.runId, taskId: t.taskId, mapIndex: t.mapIndex, state, tryNumber: t.tryNumber, at: Date.now(), hostname: t.hostname });
      }
    }
    const runs = await store.db.select({ runId: dagRun.runId, state: dagRun.state }).from(dagRun).where(and(eq(dagRun.dagId, dagId), inArray(dagRun.runId, runIds)));
    if (runs.every((r) => r.state === "success" || r.state === "failed")) {
      progress.end();
      for (const r of runs) console.log(`run ${r.runId}: ${r.state}`);
      return runs.every((r) => r.state === "success") ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
