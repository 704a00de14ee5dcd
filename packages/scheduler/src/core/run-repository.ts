// Runs in the store: creating them (scheduled, manual, backfill) with their task instances,
// loading active ones into memory, and recovering after a crash: tries that were queued or
// running when the scheduler died are recorded as interrupted and scheduled again, under a new
// try number.
import type { InStatement, ResultSet } from "@libsql/client";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Json, RunState, RunType, SerializedTask, TaskState } from "@updraft/sdk";
import { dagRun, slotPool, taskInstance, taskInstanceHistory, xcom, type Store } from "@updraft/store";
import { manualDataInterval, nextDataInterval, isDue, type DataInterval } from "../timing/schedule.ts";
import { SchedulerRequestError } from "../errors.ts";
import { buildTaskGroups, isFinished, moveState, newTaskInstance, track, type RunModel, type TaskInstanceModel } from "./run-model.ts";
import type { DagEntry, DagRegistry } from "./dag-registry.ts";
import { compileOps, historyRow, tiRow, type RowOp } from "./persist.ts";
import type { XcomCache } from "./task-host.ts";
import { childGroup, indexChild, submittableSpec } from "./submitted.ts";
import { resolveArgValue } from "./arg-values.ts";
import { pastDependencyMet } from "./task-dependencies.ts";

export interface TriggerOptions {
  runId?: string;
  logicalDate?: Date;
  conf?: Record<string, Json>;
  note?: string;
  runType?: RunType;
  /** Start the run at once instead of queueing it (an in-process run that no other scheduler should adopt). */
  startRunning?: boolean;
}

/** Airflow's timestamp in run ids: `2026-01-01T00:00:00+00:00`. */
export function airflowIso(d: Date): string {
  return d.toISOString().replace(/\.000Z$/, "+00:00").replace(/Z$/, "+00:00");
}

const RUN_ID = /^[A-Za-z0-9_.~:+-]+$/;

/** Tries lost with a crashed scheduler that do not count against a task's retries. */
const MAX_FREE_ORPHANS = 2;

export class RunRepository {
  private readonly store: Store;
  private readonly xcoms: XcomCache;

  /** Runs statements in one write transaction: the store's, or the scheduler's fenced by its lease. */
  private readonly batch: (statements: InStatement[]) => Promise<ResultSet[]>;

  constructor(store: Store, xcoms: XcomCache, batch?: (statements: InStatement[]) => Promise<ResultSet[]>) {
    this.store = store;
    this.xcoms = xcoms;
    this.batch = batch ?? ((statements) => store.batch(statements));
  }

  async pools(): Promise<Array<{ pool: string; slots: number }>> {
    return this.store.db.select({ pool: slotPool.pool, slots: slotPool.slots }).from(slotPool);
  }

  async runState(dagId: string, runId: string): Promise<RunState> {
    const [row] = await this.store.db.select({ state: dagRun.state }).from(dagRun).where(and(eq(dagRun.dagId, dagId), eq(dagRun.runId, runId)));
    if (!row) throw new SchedulerRequestError(`dag "${dagId}" has no run "${runId}"`);
    return row.state;
  }

  /** Inserts a queued run and its task instances in one transaction. */
  async createRun(entry: DagEntry, opts: TriggerOptions & { dataInterval?: DataInterval }): Promise<RunModel> {
    const dag = entry.version.serialized;
    const runType = opts.runType ?? "manual";
    const logicalDate = opts.logicalDate ?? new Date();
    if (Number.isNaN(logicalDate.getTime())) throw new SchedulerRequestError(`logical date is not a valid date`);
    const interval = opts.dataInterval ?? manualDataInterval(dag.schedule, logicalDate, dag.timezone);
    const runId = opts.runId ?? `${runType}__${airflowIso(logicalDate)}`;
    if (!RUN_ID.test(runId) || runId.length > 250) throw new SchedulerRequestError(`run id "${runId}" may only contain letters, digits and _.~:+-`);
    const conf = opts.conf ?? {};
    if (typeof conf !== "object" || conf === null || Array.isArray(conf)) throw new SchedulerRequestError(`conf must be a JSON object`);
    const now = Date.now();
    const run: RunModel = {
      id: 0, dagId: entry.dagId, runId, runType, state: opts.startRunning ? "running" : "queued", logicalDate: logicalDate.getTime(),
      dataIntervalStart: interval.start.getTime(), dataIntervalEnd: interval.end.getTime(), queuedAt: now,
      startDate: opts.startRunning ? now : null, endDate: null,
      conf, params: { ...dag.params, ...conf }, version: entry.version, tasks: buildTaskGroups(dag), unfinished: 0,
    };
    const rows: RowOp[] = [];
    const statements: InStatement[] = [{
      sql: `INSERT INTO dag_run (dag_id, run_id, run_type, state, start_date, logical_date, data_interval_start, data_interval_end, queued_at, conf, external_trigger, dag_version_id, note, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      args: [run.dagId, runId, runType, run.state, run.startDate, run.logicalDate, run.dataIntervalStart, run.dataIntervalEnd, now, JSON.stringify(conf), runType !== "scheduled" ? 1 : 0, entry.version.versionId, opts.note ?? null, now],
    }];
    for (const group of run.tasks.values()) {
      const ti = newTaskInstance(group.spec, -1);
      track(run, group, ti);
      rows.push(tiRow(run, group, ti, null));
    }
    statements.push(...compileOps(rows));
    try {
      const [inserted] = await this.batch(statements);
      run.id = Number(inserted!.rows[0]!.id);
    } catch (err) {
      const msg = String((err as Error).message ?? err);
      if (/UNIQUE/i.test(msg)) {
        const what = /logical_date/.test(msg) ? `at logical date ${airflowIso(logicalDate)}` : `with id "${runId}"`;
        throw new SchedulerRequestError(`dag "${entry.dagId}" already has a run ${what}`, { cause: err });
      }
      throw err;
    }
    return run;
  }

  /**
   * Creates the scheduled runs that are due, oldest first, while the DAG has room under
   * maxActiveRuns; says when the next one falls due.
   */
  async createDueRuns(entry: DagEntry, activeOrQueued: () => number, now: Date): Promise<{ created: RunModel[]; nextDueAt: number | null }> {
    const dag = entry.version.serialized;
    const created: RunModel[] = [];
    if (!dag.schedule || entry.isPaused || !entry.isActive) return { created, nextDueAt: null };
    for (;;) {
      const interval = nextDataInterval(dag.schedule, {
        last: entry.lastInterval, startDate: dag.startDate ? new Date(dag.startDate) : null, endDate: dag.endDate ? new Date(dag.endDate) : null,
        catchup: dag.catchup, now, timezone: dag.timezone,
      });
      if (!interval) return { created, nextDueAt: null };
      if (!isDue(interval, now)) return { created, nextDueAt: interval.end.getTime() };
      if (activeOrQueued() + created.length >= dag.maxActiveRuns) return { created, nextDueAt: null };
      try {
        created.push(await this.createRun(entry, { runType: "scheduled", logicalDate: interval.start, dataInterval: interval }));
      } catch (err) {
        if (!(err instanceof SchedulerRequestError)) throw err;
        // A run for this interval exists already (created before a restart): move past it.
      }
      entry.lastInterval = interval;
    }
  }

  /** Queued and running runs, for a scheduler that starts (or restarts after a crash). */
  async loadActiveRuns(registry: DagRegistry, room: (dagId: string) => number): Promise<RunModel[]> {
    const running = await this.store.db.select().from(dagRun).where(eq(dagRun.state, "running")).orderBy(asc(dagRun.logicalDate));
    const runs = await this.hydrate(registry, running, true);
    const counts = new Map<string, number>();
    for (const r of runs) counts.set(r.dagId, (counts.get(r.dagId) ?? 0) + 1);
    const queued = await this.pickQueued(new Set(), (dagId) => room(dagId) - (counts.get(dagId) ?? 0));
    return [...runs, ...(await this.hydrate(registry, queued, true))];
  }

  /**
   * Queued runs created by other processes (the API, the CLI, a backfill) that are not in memory
   * yet: per DAG, only as many, oldest first, as it has room for. The rest wait in the store, so
   * a backfill of thousands of runs costs no memory until their turn.
   */
  async loadQueuedRunsExcept(registry: DagRegistry, known: Set<number>, room: (dagId: string) => number): Promise<RunModel[]> {
    return this.hydrate(registry, await this.pickQueued(known, room), false);
  }

  private async pickQueued(known: Set<number>, room: (dagId: string) => number): Promise<Array<typeof dagRun.$inferSelect>> {
    const heads = await this.store.db.select({ id: dagRun.id, dagId: dagRun.dagId }).from(dagRun)
      .where(eq(dagRun.state, "queued")).orderBy(asc(dagRun.logicalDate));
    const taken = new Map<string, number>();
    const ids: number[] = [];
    for (const h of heads) {
      if (known.has(h.id)) continue;
      const n = taken.get(h.dagId) ?? 0;
      if (n >= room(h.dagId)) continue;
      taken.set(h.dagId, n + 1);
      ids.push(h.id);
    }
    if (ids.length === 0) return [];
    return this.store.db.select().from(dagRun).where(inArray(dagRun.id, ids)).orderBy(asc(dagRun.logicalDate));
  }

  private async hydrate(registry: DagRegistry, rows: Array<typeof dagRun.$inferSelect>, recover: boolean): Promise<RunModel[]> {
    const runs: RunModel[] = [];
    for (const row of rows) {
      if (row.dagVersionId == null) continue;
      const version = await registry.version(row.dagVersionId);
      const dag = version.serialized;
      const conf = (row.conf ?? {}) as Record<string, Json>;
      const run: RunModel = {
        id: row.id, dagId: row.dagId, runId: row.runId, runType: row.runType, state: row.state,
        logicalDate: row.logicalDate.getTime(), dataIntervalStart: (row.dataIntervalStart ?? row.logicalDate).getTime(),
        dataIntervalEnd: (row.dataIntervalEnd ?? row.logicalDate).getTime(), queuedAt: row.queuedAt?.getTime() ?? Date.now(),
        startDate: row.startDate?.getTime() ?? null, endDate: null, conf, params: { ...dag.params, ...conf }, version,
        tasks: buildTaskGroups(dag), unfinished: 0,
      };
      const tis = await this.store.db.select().from(taskInstance).where(and(eq(taskInstance.dagId, row.dagId), eq(taskInstance.runId, row.runId)));
      const repairs: RowOp[] = [];
      for (const t of tis) {
        // A child started with ctx.submit: its group is made with the run's first child of its definition.
        const childSpec = t.parentTaskId == null ? undefined : submittableSpec(dag, t.taskId);
        const group = childSpec ? childGroup(run, childSpec) : run.tasks.get(t.taskId);
        if (!group) continue;
        const args = t.submitArgs ?? [];
        const ti: TaskInstanceModel = {
          taskId: t.taskId, mapIndex: t.mapIndex, state: (t.state ?? "none") as TaskState, tryNumber: t.tryNumber, maxTries: t.maxTries,
          startDate: t.startDate?.getTime() ?? null, endDate: t.endDate?.getTime() ?? null, queuedAt: t.queuedDttm?.getTime() ?? null,
          hostname: t.hostname, nextRetryAt: t.nextRetryAt?.getTime() ?? null, nextPokeAt: t.nextPokeAt?.getTime() ?? null,
          sensorStartedAt: t.sensorStartedAt?.getTime() ?? null, key: null, continuesTry: false,
          submit: childSpec ? {
            parentTaskId: t.parentTaskId!, parentMapIndex: t.parentMapIndex ?? -1, seq: t.submitSeq, args, argsJson: JSON.stringify(args),
            parentTry: 0, error: null,
          } : null,
        };
        if (recover && ti.state === "scheduled" && ti.mapIndex === -1) {
          // Decided before the crash from state that may not all have been committed: decide again.
          ti.state = "none";
          repairs.push(tiRow(run, group, ti, null));
        } else if (recover && (ti.state === "running" || ti.state === "queued")) {
          // The try was lost with the scheduler that ran it. Record it and schedule the instance
          // again (Airflow's adoption of orphaned task instances). A `queued` try counts too: an
          // executor starts a try before its `running` state is committed, so a try left queued
          // may have run, even to its end; it runs again under a new try number, never the same
          // one. The first losses keep the retry budget; a task that keeps taking its scheduler
          // down is charged like any failure.
          const orphans = await this.orphanedTries(run, ti);
          const interrupted = { ...ti, state: "failed" as const, endDate: Date.now() };
          repairs.push(historyRow(run, group, interrupted, { name: "OrphanedTaskError", message: `try ${ti.tryNumber} was ${ti.state} when its scheduler stopped` }));
          if (orphans < MAX_FREE_ORPHANS) {
            ti.maxTries += 1;
            ti.state = "scheduled";
          } else {
            ti.state = ti.tryNumber <= ti.maxTries ? "scheduled" : "failed";
            ti.endDate = Date.now();
          }
          repairs.push(tiRow(run, group, ti, null));
        }
        track(run, group, ti);
        if (ti.submit) indexChild(run, ti);
      }
      // A parent that recovery failed for good (or that ended before the stop) takes its
      // unfinished children with it, as a parent ending in a live scheduler does.
      for (const group of run.tasks.values()) {
        if (!group.submitted) continue;
        for (const child of group.tis.values()) {
          const c = child.submit;
          const parent = c ? run.tasks.get(c.parentTaskId)?.tis.get(c.parentMapIndex) : undefined;
          if (!parent || !isFinished(parent.state) || isFinished(child.state)) continue;
          moveState(run, group, child, "removed");
          child.endDate = Date.now();
          repairs.push(tiRow(run, group, child, null));
        }
      }
      for (const group of run.tasks.values()) {
        if (group.tis.size === 0 && !group.submitted) {
          const ti = newTaskInstance(group.spec, -1);
          track(run, group, ti);
          repairs.push(tiRow(run, group, ti, null));
        }
      }
      if (repairs.length) await this.batch(compileOps(repairs));
      await this.loadXcoms(run);
      for (const group of run.tasks.values()) {
        if (group.spec.expand && !group.tis.has(-1)) {
          let source: Json | undefined;
          try {
            source = resolveArgValue(run, this.xcoms, group.spec.expand.source);
          } catch {
            source = undefined; // it was a list when the task was expanded; the instances made stand
          }
          group.mapSource = Array.isArray(source) ? source : [];
          // Instances are made in map-index order, a chunk at a time: those not made before the stop are made on resume.
          group.pending = Math.max(0, (group.mapSource?.length ?? 0) - group.tis.size);
          run.unfinished += group.pending;
        }
      }
      runs.push(run);
    }
    return runs;
  }

  /** How many earlier tries of this task instance were lost with their scheduler. */
  private async orphanedTries(run: RunModel, ti: TaskInstanceModel): Promise<number> {
    const rows = await this.store.db.select({ error: taskInstanceHistory.error }).from(taskInstanceHistory)
      .where(and(eq(taskInstanceHistory.dagId, run.dagId), eq(taskInstanceHistory.runId, run.runId), eq(taskInstanceHistory.taskId, ti.taskId), eq(taskInstanceHistory.mapIndex, ti.mapIndex)));
    return rows.filter((r) => r.error?.name === "OrphanedTaskError").length;
  }

  private async loadXcoms(run: RunModel): Promise<void> {
    const rows = await this.store.db.select().from(xcom).where(and(eq(xcom.dagId, run.dagId), eq(xcom.runId, run.runId)));
    for (const r of rows) this.xcoms.set(run.dagId, run.runId, r.taskId, r.mapIndex, r.key, r.value ?? null);
  }

  /**
   * dependsOnPast, as Airflow's PrevDagrunDep: met when there is no previous run (by logical
   * date); when the previous run has no instance of the task, met only for the task's first
   * instance ever with `ignoreFirstDependsOnPast` (the default); otherwise met when every instance
   * of the task in the previous run succeeded or was skipped and, with `waitForDownstream`, every
   * instance of its direct downstream tasks there too.
   */
  async pastAllows(run: RunModel, spec: SerializedTask): Promise<boolean> {
    const ref = { dagId: run.dagId, runId: run.runId, logicalDate: new Date(run.logicalDate) };
    return pastDependencyMet(this.store, ref, spec, run.tasks.get(spec.id)?.downstream ?? []);
  }
}
