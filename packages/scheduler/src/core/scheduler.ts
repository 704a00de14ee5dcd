// The scheduler: creates runs from schedules and triggers, moves task instances through
// Airflow's states and hands ready ones to the executor. Event-driven: a finished try schedules
// its downstream at once, in memory; every change is queued on the group-commit writer, and
// whatever acts on a change (submitting a try) waits until that change is committed.
import { hostname } from "node:os";
import type { ErrorData, Json, RunState, SerializedTask, TaskState } from "@updraft/sdk";
import type { Store } from "@updraft/store";
import type { TaskAssignment, TaskOutcome } from "@updraft/worker";
import { ExecutorErrorName, type Executor, type ExecutorEvent } from "@updraft/executor";
import { evaluateTriggerRule } from "../timing/trigger-rules.ts";
import { retryDelayMs } from "../timing/retry.ts";
import { GroupCommitWriter } from "./group-commit.ts";
import { TimerQueue } from "./timer-queue.ts";
import { ReadyQueue, type ReadyItem } from "./ready-queue.ts";
import { TaskLogWriter, taskLogPath } from "./task-logs.ts";
import { SchedulerTaskHost } from "./task-host.ts";
import { clearXcomRows, deleteTiRow, historyRow, runRow, tiRow, xcomRow } from "./persist.ts";
import {
  isFinished, moveState, newTaskInstance, tiKey, track, untrack, upstreamSummary, finalRunState,
  type RunModel, type TaskGroup, type TaskInstanceModel,
} from "./run-model.ts";
import { preciseNow, type SchedulerEvent } from "./scheduler-events.ts";
import { RunRepository, type TriggerOptions } from "./run-repository.ts";
import { DagRegistry } from "./dag-registry.ts";
import { SchedulerJob } from "./scheduler-job.ts";
import { SchedulerRequestError } from "../errors.ts";

export interface SchedulerOptions {
  store: Store;
  executor: Executor;
  host: SchedulerTaskHost;
  logs: TaskLogWriter;
  home: string;
  /** How often to look for timers missed, runs and DAGs changed by other processes; default 1s. */
  sweepMs?: number;
  /** Create runs from schedules (off for `dags test`, which runs one run it triggers itself). */
  scheduleRuns?: boolean;
  /** Claim the database as its one scheduler and adopt the runs left active (off for `dags test`). */
  exclusive?: boolean;
  /** Tries handed to the executor beyond its capacity, so threads never wait on the scheduler. */
  prefetch?: number;
  onError?: (err: unknown) => void;
}

interface ReadyEntry extends ReadyItem {
  run: RunModel;
  group: TaskGroup;
  ti: TaskInstanceModel;
}

interface InFlight {
  run: RunModel;
  group: TaskGroup;
  ti: TaskInstanceModel;
}

export class Scheduler {
  readonly host: SchedulerTaskHost;
  private readonly opts: Required<Omit<SchedulerOptions, "onError">> & Pick<SchedulerOptions, "onError">;
  private readonly writer: GroupCommitWriter;
  private readonly timers = new TimerQueue();
  /** Ready instances by pool and DAG, so a full pool or a DAG at maxActiveTasks blocks only its own queue. */
  private readonly ready = new Map<string, ReadyQueue<ReadyEntry>>();
  private readySeq = 0;
  private readonly runs = new Map<number, RunModel>();
  private readonly inflight = new Map<string, InFlight>();
  private readonly activeTasksByDag = new Map<string, number>();
  private readonly pools = new Map<string, { slots: number; occupied: number }>();
  private readonly listeners = new Set<(e: SchedulerEvent) => void>();
  private readonly runWaiters = new Map<string, Array<{ resolve: (state: RunState) => void; reject: (err: Error) => void }>>();
  private readonly repo: RunRepository;
  private readonly registry: DagRegistry;
  private readonly job: SchedulerJob;
  private sweepTimer: ReturnType<typeof setInterval> | null = null;
  private offExecutor: (() => void) | null = null;
  private stopped = false;
  private fatal: unknown = null;

  constructor(opts: SchedulerOptions) {
    this.opts = { sweepMs: 1_000, scheduleRuns: true, exclusive: true, prefetch: 0, ...opts };
    this.host = opts.host;
    this.writer = new GroupCommitWriter(opts.store, { onError: (err) => this.fail(err) });
    this.repo = new RunRepository(opts.store, opts.host.xcoms);
    this.registry = new DagRegistry(opts.store, opts.home);
    this.job = new SchedulerJob(opts.store);
  }

  /** Subscribes to committed changes; returns the unsubscribe function. */
  onEvent(listener: (e: SchedulerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get writerStats() {
    return this.writer.stats;
  }

  async start(): Promise<void> {
    if (this.opts.exclusive) await this.job.claim();
    await this.loadPools();
    await this.registry.refresh();
    this.offExecutor = this.opts.executor.onEvent((e) => this.guard(() => this.onExecutorEvent(e)));
    if (this.opts.exclusive) for (const run of await this.repo.loadActiveRuns(this.registry)) this.adopt(run);
    for (const entry of this.registry.entries()) this.scheduleDag(entry.dagId);
    this.sweepTimer = setInterval(() => void this.sweep(), this.opts.sweepMs);
    this.sweepTimer.unref();
    this.dispatch();
  }

  /**
   * Stops: no new runs or tries; then stops the executor (graceful: running tries may finish;
   * otherwise they are aborted) while still recording what it reports, so every try ends
   * committed. Tries the executor never started go back to `scheduled`, costing no retry; tries
   * aborted mid-run are scheduled again next time, like a crashed scheduler's.
   */
  stop(opts: { graceful?: boolean } = {}): Promise<void> {
    this.stopping ??= this.shutDown(opts.graceful ?? false);
    return this.stopping;
  }

  private stopping: Promise<void> | null = null;

  private async shutDown(graceful: boolean): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.timers.stop();
    await this.opts.executor.stop({ graceful });
    this.offExecutor?.();
    await this.writer.idle();
    const reason = this.fatal ? `: ${this.fatal instanceof Error ? this.fatal.message : String(this.fatal)}` : "";
    for (const [k, waiters] of this.runWaiters) {
      const [dagId, runId] = k.split("\u0000");
      for (const w of waiters) w.reject(new SchedulerRequestError(`the scheduler stopped before run "${runId}" of dag "${dagId}" finished${reason}`));
    }
    this.runWaiters.clear();
    await this.job.end();
    await this.opts.logs.closeAll();
  }

  /** Everything written so far is committed. */
  flushed(): Promise<void> {
    return this.writer.flushed();
  }

  /** Creates a manual (or backfill) run, queued until the DAG has room for another active run. */
  async triggerRun(dagId: string, options: TriggerOptions = {}): Promise<{ runId: string; logicalDate: Date }> {
    await this.registry.refresh();
    const entry = this.registry.require(dagId);
    const run = await this.repo.createRun(entry, { runType: "manual", startRunning: !this.opts.exclusive, ...options });
    this.adopt(run);
    this.dispatch();
    return { runId: run.runId, logicalDate: new Date(run.logicalDate) };
  }

  /** Resolves with the run's final state. */
  async waitForRun(dagId: string, runId: string): Promise<RunState> {
    const active = [...this.runs.values()].some((r) => r.dagId === dagId && r.runId === runId);
    if (!active) {
      // It may have ended a moment ago, or be queued by another process: read it once committed.
      await this.writer.flushed();
      const state = await this.repo.runState(dagId, runId);
      if (state === "success" || state === "failed") return state;
    }
    if (this.stopped) throw new SchedulerRequestError(`the scheduler is stopped; run "${runId}" of dag "${dagId}" is not finished`);
    return new Promise((resolve, reject) => {
      const k = `${dagId}\u0000${runId}`;
      this.runWaiters.set(k, [...(this.runWaiters.get(k) ?? []), { resolve, reject }]);
    });
  }

  // ---- runs -------------------------------------------------------------------------------

  /** Takes a run into memory: queued runs wait for room; running ones resume. */
  private adopt(run: RunModel): void {
    // A run can reach here twice (created here, and read back by a sweep before its adoption):
    // the first copy is the live one.
    if (this.runs.has(run.id)) return;
    this.runs.set(run.id, run);
    if (run.state === "running") this.resume(run);
    else this.activateQueued(run.dagId);
  }

  private activeRunCount(dagId: string): number {
    let n = 0;
    for (const r of this.runs.values()) if (r.dagId === dagId && r.state === "running") n++;
    return n;
  }

  /** Starts queued runs of a DAG, oldest logical date first, while it has fewer than maxActiveRuns. */
  private activateQueued(dagId: string): void {
    const entry = this.registry.get(dagId);
    if (!entry || entry.isPaused) return;
    const queued = [...this.runs.values()].filter((r) => r.dagId === dagId && r.state === "queued").sort((a, b) => a.logicalDate - b.logicalDate);
    for (const run of queued) {
      if (this.activeRunCount(dagId) >= run.version.serialized.maxActiveRuns) return;
      run.state = "running";
      run.startDate = Date.now();
      this.writer.write(runRow(run));
      this.emit({ type: "run", dagId, runId: run.runId, state: "running", at: run.startDate });
      this.resume(run);
    }
  }

  /** Picks a running run up where it stands: timers, ready tasks, tasks to evaluate. */
  private resume(run: RunModel): void {
    const timeout = run.version.serialized.dagrunTimeoutMs;
    if (timeout != null && run.startDate != null) this.timers.at(run.startDate + timeout, () => this.guard(() => this.timeOutRun(run)));
    for (const group of run.tasks.values()) {
      for (const ti of group.tis.values()) {
        if (ti.state === "scheduled") this.enqueueReady(run, group, ti);
        else if (ti.state === "up_for_retry") this.timers.at(ti.nextRetryAt ?? 0, () => this.guard(() => this.wake(run, group, ti, "up_for_retry")));
        else if (ti.state === "up_for_reschedule") this.timers.at(ti.nextPokeAt ?? 0, () => this.guard(() => this.wake(run, group, ti, "up_for_reschedule")));
      }
    }
    for (const group of run.tasks.values()) this.evaluate(run, group);
    this.completeIfDone(run);
  }

  private completeIfDone(run: RunModel): void {
    if (run.state !== "running") return;
    const state = finalRunState(run);
    if (!state) return;
    this.endRun(run, state);
  }

  private endRun(run: RunModel, state: RunState): void {
    run.state = state;
    run.endDate = Date.now();
    this.writer.write(runRow(run));
    this.runs.delete(run.id);
    for (const k of this.pastChecks.keys()) if (k.startsWith(`${run.id}\u0000`)) this.pastChecks.delete(k);
    this.emit({ type: "run", dagId: run.dagId, runId: run.runId, state, at: run.endDate });
    this.writer.afterCommit(() => {
      this.host.xcoms.dropRun(run.dagId, run.runId);
      const k = `${run.dagId}\u0000${run.runId}`;
      for (const w of this.runWaiters.get(k) ?? []) w.resolve(state);
      this.runWaiters.delete(k);
    });
    this.activateQueued(run.dagId);
    this.scheduleDag(run.dagId);
  }

  private timeOutRun(run: RunModel): void {
    if (run.state !== "running" || !this.runs.has(run.id)) return;
    const now = Date.now();
    const error: ErrorData = { name: "DagRunTimeoutError", message: `run exceeded dagrunTimeout of ${run.version.serialized.dagrunTimeoutMs}ms` };
    for (const group of run.tasks.values()) {
      for (const ti of group.tis.values()) {
        if (isFinished(ti.state)) continue;
        if (ti.key) {
          this.releaseSlot(run, group, ti);
          this.opts.executor.cancel(ti.key, error.message);
          ti.key = null;
        }
        ti.endDate = now;
        this.setState(run, group, ti, "failed");
        if (ti.tryNumber > 0) this.writer.write(historyRow(run, group, ti, error));
      }
    }
    this.endRun(run, "failed");
  }

  // ---- task instances -----------------------------------------------------------------------

  private setState(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, state: TaskState, at = Date.now()): void {
    moveState(run, group, ti, state);
    this.writer.write(tiRow(run, group, ti, this.opts.executor.name));
    this.emit({ type: "task", dagId: run.dagId, runId: run.runId, taskId: ti.taskId, mapIndex: ti.mapIndex, state, tryNumber: ti.tryNumber, at, hostname: ti.hostname });
  }

  /** Applies the trigger rule of a task whose instances have not started, and acts on it. */
  private evaluate(run: RunModel, group: TaskGroup): void {
    if (run.state !== "running") return;
    const spec = group.spec;
    const placeholder = group.tis.get(-1);
    if (!placeholder || placeholder.state !== "none" || group.mapSource) return;
    const decision = evaluateTriggerRule(spec.triggerRule, upstreamSummary(run, spec));
    switch (decision) {
      case "wait":
        return;
      case "skip":
      case "upstream_failed":
        this.finishWithout(run, group, placeholder, decision === "skip" ? "skipped" : "upstream_failed");
        return;
      case "run":
        if (spec.dependsOnPast && !this.pastAllows(run, spec.id)) return;
        if (spec.expand) this.expand(run, group, placeholder);
        else this.makeReady(run, group, placeholder);
        return;
      default:
        return decision satisfies never;
    }
  }

  private readonly pastChecks = new Map<string, "pending" | "ok">();

  /**
   * dependsOnPast, answered from the store (the previous run may belong to another process's
   * history). Unknown yet: ask, and evaluate the task again when the answer comes.
   */
  private pastAllows(run: RunModel, taskId: string): boolean {
    const k = `${run.id}\u0000${taskId}`;
    const known = this.pastChecks.get(k);
    if (known === "ok") return true;
    if (known === "pending") return false;
    this.pastChecks.set(k, "pending");
    void this.writer.flushed()
      .then(() => this.repo.pastAllows(run, taskId))
      .then((ok) => {
        if (ok) this.pastChecks.set(k, "ok");
        else this.pastChecks.delete(k);
        if (ok) this.guard(() => this.evaluate(run, run.tasks.get(taskId)!));
      }, (err: unknown) => this.fail(err));
    return false;
  }

  /** Ends an instance that never ran (skipped, upstream_failed) and lets its downstream react. */
  private finishWithout(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, state: "skipped" | "upstream_failed"): void {
    ti.endDate = Date.now();
    this.setState(run, group, ti, state);
    this.afterFinish(run, group);
  }

  private afterFinish(run: RunModel, group: TaskGroup): void {
    for (const d of group.downstream) this.evaluate(run, run.tasks.get(d)!);
    this.completeIfDone(run);
  }

  /** Creates one instance per element of the mapped argument; an empty list skips the task. */
  private expand(run: RunModel, group: TaskGroup, placeholder: TaskInstanceModel): void {
    const source = this.resolveArg(run, group.spec.expand!.source);
    if (!Array.isArray(source)) {
      placeholder.endDate = Date.now();
      this.setState(run, group, placeholder, "failed");
      this.writer.write(historyRow(run, group, placeholder, {
        name: "MappingError",
        message: `task "${group.spec.id}" maps over ${describeArg(group.spec.expand!.source)}, which is ${source === undefined ? "missing" : `not a list (got ${typeof source})`}`,
      }));
      this.afterFinish(run, group);
      return;
    }
    if (source.length === 0) {
      this.finishWithout(run, group, placeholder, "skipped");
      return;
    }
    untrack(run, group, placeholder);
    this.writer.write(deleteTiRow(run, group.spec.id, -1));
    group.mapSource = source;
    for (let i = 0; i < source.length; i++) {
      const ti = newTaskInstance(group.spec, i);
      track(run, group, ti);
      this.makeReady(run, group, ti);
    }
  }

  private makeReady(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void {
    this.setState(run, group, ti, "scheduled");
    this.enqueueReady(run, group, ti);
  }

  private enqueueReady(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void {
    const k = `${group.spec.pool}\u0000${run.dagId}`;
    let queue = this.ready.get(k);
    if (!queue) this.ready.set(k, (queue = new ReadyQueue<ReadyEntry>()));
    queue.push({ run, group, ti, priority: group.spec.priorityWeight, logicalDate: run.logicalDate, seq: this.readySeq++ });
    this.dispatchSoon();
  }

  /** A retry or reschedule is due: back to scheduled. */
  private wake(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, from: TaskState): void {
    if (ti.state !== from || run.state !== "running" || !this.runs.has(run.id)) return;
    ti.nextRetryAt = null;
    ti.nextPokeAt = null;
    ti.continuesTry = from === "up_for_reschedule";
    this.makeReady(run, group, ti);
  }

  private dispatchPending = false;

  private dispatchSoon(): void {
    if (this.dispatchPending) return;
    this.dispatchPending = true;
    queueMicrotask(() => {
      this.dispatchPending = false;
      this.guard(() => this.dispatch());
    });
  }

  /**
   * Hands ready instances to the executor, highest priority first across the queues whose pool
   * has a free slot and whose DAG is below maxActiveTasks and not paused.
   */
  private dispatch(): void {
    if (this.stopped) return;
    const stats = this.opts.executor.stats();
    const limit = stats.capacity + Math.max(this.opts.prefetch, stats.capacity);
    while (this.inflight.size < limit) {
      let best: ReadyQueue<ReadyEntry> | null = null;
      let bestItem: ReadyEntry | null = null;
      for (const [k, queue] of this.ready) {
        const head = this.liveHead(queue);
        if (!head) {
          this.ready.delete(k);
          continue;
        }
        if (!this.hasRoom(head)) continue;
        if (!bestItem || head.priority > bestItem.priority || (head.priority === bestItem.priority && (head.logicalDate < bestItem.logicalDate || (head.logicalDate === bestItem.logicalDate && head.seq < bestItem.seq)))) {
          best = queue;
          bestItem = head;
        }
      }
      if (!best || !bestItem) return;
      best.pop();
      const { run, group, ti } = bestItem;
      if (!this.pools.has(group.spec.pool)) {
        ti.endDate = Date.now();
        this.setState(run, group, ti, "failed");
        this.writer.write(historyRow(run, group, ti, { name: "PoolNotFoundError", message: `task "${group.spec.id}" uses pool "${group.spec.pool}", which does not exist` }));
        this.afterFinish(run, group);
        continue;
      }
      this.queueTry(run, group, ti);
    }
  }

  /** The queue's first entry still waiting to run, dropping entries that went stale. */
  private liveHead(queue: ReadyQueue<ReadyEntry>): ReadyEntry | undefined {
    for (;;) {
      const head = queue.peek();
      if (!head) return undefined;
      if (head.ti.state === "scheduled" && head.run.state === "running" && this.runs.has(head.run.id)) return head;
      queue.pop();
    }
  }

  private hasRoom(item: ReadyEntry): boolean {
    const { run, group } = item;
    if (this.registry.get(run.dagId)?.isPaused) return false;
    if ((this.activeTasksByDag.get(run.dagId) ?? 0) >= run.version.serialized.maxActiveTasks) return false;
    const pool = this.pools.get(group.spec.pool);
    if (!pool) return true; // dispatch fails it with a clear error
    return pool.slots < 0 || pool.occupied + group.spec.poolSlots <= pool.slots;
  }

  private queueTry(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void {
    if (!ti.continuesTry || ti.tryNumber === 0) ti.tryNumber += 1;
    ti.continuesTry = false;
    ti.queuedAt = Date.now();
    ti.startDate = null;
    ti.endDate = null;
    ti.hostname = null;
    const key = tiKey(run, ti.taskId, ti.mapIndex, ti.tryNumber);
    ti.key = key;
    this.inflight.set(key, { run, group, ti });
    this.activeTasksByDag.set(run.dagId, (this.activeTasksByDag.get(run.dagId) ?? 0) + 1);
    this.pools.get(group.spec.pool)!.occupied += group.spec.poolSlots;
    this.opts.logs.register(key, taskLogPath(this.opts.home, { dagId: run.dagId, runId: run.runId, taskId: ti.taskId, mapIndex: ti.mapIndex, tryNumber: ti.tryNumber }));
    this.setState(run, group, ti, "queued");
    const assignment = this.assignment(run, group, ti, key);
    this.writer.afterCommit(() => {
      if (ti.key !== key) return;
      if (this.stopped) {
        // Stopped before the hand-over: the try never happened.
        this.releaseSlot(run, group, ti);
        ti.key = null;
        this.interrupted(run, group, ti, { name: ExecutorErrorName.stopped, message: "the scheduler stopped before this try started" });
        return;
      }
      this.opts.executor.submit(assignment);
    });
  }

  private releaseSlot(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void {
    if (!ti.key || !this.inflight.delete(ti.key)) return;
    this.activeTasksByDag.set(run.dagId, (this.activeTasksByDag.get(run.dagId) ?? 1) - 1);
    const pool = this.pools.get(group.spec.pool);
    if (pool) pool.occupied -= group.spec.poolSlots;
  }

  private assignment(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, key: string): TaskAssignment {
    const spec = group.spec;
    const args = spec.args.map((a) => this.resolveArg(run, a) ?? null) as Json[];
    if (spec.expand && ti.mapIndex >= 0) args[spec.expand.argIndex] = group.mapSource![ti.mapIndex]!;
    return {
      v: 1, key, dagId: run.dagId, runId: run.runId, taskId: ti.taskId, mapIndex: ti.mapIndex, tryNumber: ti.tryNumber,
      bundle: { hash: run.version.bundleHash, path: run.version.bundlePath },
      args,
      logicalDate: new Date(run.logicalDate).toISOString(),
      dataIntervalStart: new Date(run.dataIntervalStart).toISOString(),
      dataIntervalEnd: new Date(run.dataIntervalEnd).toISOString(),
      params: run.params, conf: run.conf, runType: run.runType, queue: spec.queue,
      executionTimeoutMs: spec.executionTimeoutMs,
      sensorStartedAt: ti.sensorStartedAt,
    };
  }

  private resolveArg(run: RunModel, arg: SerializedTask["args"][number]): Json | undefined {
    if (arg.kind === "literal") return arg.value;
    const up = run.tasks.get(arg.taskId)!;
    const mapped = up.spec.expand !== null;
    return this.host.xcoms.get(run.dagId, run.runId, arg.taskId, arg.key, mapped);
  }

  // ---- executor events --------------------------------------------------------------------

  private onExecutorEvent(e: ExecutorEvent): void {
    const f = this.inflight.get(e.key);
    if (!f || f.ti.key !== e.key) return; // a late report of a try that was timed out or cancelled
    const { run, group, ti } = f;
    switch (e.type) {
      case "started":
        ti.startDate = Math.floor(e.at);
        ti.hostname = e.worker;
        this.setState(run, group, ti, "running", e.at);
        return;
      case "finished":
        this.releaseSlot(run, group, ti);
        ti.key = null;
        if (e.outcome.status === "failed" && e.outcome.error.name === ExecutorErrorName.stopped) {
          this.interrupted(run, group, ti, e.outcome.error);
          return;
        }
        this.finishTry(run, group, ti, e.outcome, e.key);
        this.opts.logs.release(e.key);
        this.dispatchSoon();
        return;
      default:
        return e satisfies never;
    }
  }

  private finishTry(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, outcome: TaskOutcome, key: string): void {
    const now = Date.now();
    ti.startDate ??= now;
    ti.endDate = now;
    switch (outcome.status) {
      case "success": {
        const xcoms: Array<[string, Json]> = Object.entries(outcome.pushed);
        if (outcome.value !== undefined) xcoms.push(["return_value", outcome.value]);
        for (const [k, v] of xcoms) {
          this.host.xcoms.set(run.dagId, run.runId, ti.taskId, ti.mapIndex, k, v);
          this.writer.write(xcomRow(run, ti.taskId, ti.mapIndex, k, v));
        }
        this.setState(run, group, ti, "success", preciseNow());
        this.writer.write(historyRow(run, group, ti, null));
        if (group.spec.kind === "branch") this.followBranch(run, group, outcome.value);
        if (group.spec.kind === "short_circuit" && !outcome.value) this.skipDescendants(run, group);
        break;
      }
      case "skipped":
        this.setState(run, group, ti, "skipped");
        this.writer.write(historyRow(run, group, ti, null));
        break;
      case "failed": {
        const retry = outcome.retryable && ti.tryNumber <= ti.maxTries;
        this.writer.write(clearXcomRows(run, ti.taskId, ti.mapIndex));
        this.host.xcoms.clear(run.dagId, run.runId, ti.taskId, ti.mapIndex);
        const next: TaskState = retry ? "up_for_retry" : "failed";
        ti.sensorStartedAt = null; // a sensor's next try measures its timeout afresh
        if (retry) ti.nextRetryAt = now + retryDelayMs(group.spec, ti.tryNumber);
        this.setState(run, group, ti, next);
        // The history row records the try itself as failed, whatever comes next.
        const tried = { ...ti, state: "failed" as const };
        this.writer.write(historyRow(run, group, tried, outcome.error));
        if (retry) this.timers.at(ti.nextRetryAt!, () => this.guard(() => this.wake(run, group, ti, "up_for_retry")));
        this.opts.logs.append(key, [{
          at: now, level: "error",
          message: `${outcome.error.name}: ${outcome.error.message}. Marking task as ${next.toUpperCase()}${retry ? `; try ${ti.tryNumber + 1} of ${ti.maxTries + 1} at ${new Date(ti.nextRetryAt!).toISOString()}` : ""}`,
        }]);
        break;
      }
      case "reschedule":
        ti.nextPokeAt = outcome.nextPokeAt;
        ti.sensorStartedAt = outcome.sensorStartedAt;
        this.setState(run, group, ti, "up_for_reschedule");
        this.timers.at(outcome.nextPokeAt, () => this.guard(() => this.wake(run, group, ti, "up_for_reschedule")));
        return;
      default:
        return outcome satisfies never;
    }
    if (isFinished(ti.state)) this.afterFinish(run, group);
  }

  /** The executor stopped under a try: not the task's fault, so it costs no retry. */
  private interrupted(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, error: ErrorData): void {
    if (ti.state === "queued") {
      ti.tryNumber -= 1; // never started: this try did not happen
    } else {
      ti.endDate = Date.now();
      this.writer.write(historyRow(run, group, { ...ti, state: "failed" }, error));
      ti.maxTries += 1;
    }
    ti.queuedAt = null;
    this.setState(run, group, ti, "scheduled");
  }

  /** A branch's result names the direct downstream tasks to follow; the others are skipped. */
  private followBranch(run: RunModel, group: TaskGroup, value: Json | undefined): void {
    const chosen = new Set(Array.isArray(value) ? value : value == null ? [] : [value]);
    for (const d of group.downstream) {
      if (chosen.has(d)) continue;
      const dg = run.tasks.get(d)!;
      const ti = dg.tis.get(-1);
      if (ti && ti.state === "none") this.finishWithout(run, dg, ti, "skipped");
    }
  }

  /** A falsy short-circuit skips everything downstream, whatever its trigger rules. */
  private skipDescendants(run: RunModel, group: TaskGroup): void {
    const seen = new Set<string>();
    const stack = [...group.downstream];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const g = run.tasks.get(id)!;
      for (const ti of g.tis.values()) {
        if (ti.state === "none") {
          ti.endDate = Date.now();
          this.setState(run, g, ti, "skipped");
        }
      }
      stack.push(...g.downstream);
    }
  }

  // ---- schedules, sweep, pools ------------------------------------------------------------

  private readonly scheduling = new Map<string, "busy" | "again">();

  /**
   * Creates the DAG's due scheduled runs (bounded by maxActiveRuns) and arms a timer for the
   * next one. One pass per DAG at a time; a call during a pass asks for another pass after it.
   */
  private scheduleDag(dagId: string): void {
    if (!this.opts.scheduleRuns || this.stopped) return;
    if (this.scheduling.has(dagId)) {
      this.scheduling.set(dagId, "again");
      return;
    }
    const entry = this.registry.get(dagId);
    if (!entry) return;
    this.scheduling.set(dagId, "busy");
    void this.repo.createDueRuns(entry, () => this.activeOrQueuedCount(dagId), new Date()).then(
      ({ created, nextDueAt }) => {
        for (const run of created) this.adopt(run);
        if (nextDueAt != null && entry.timerAt !== nextDueAt) {
          entry.timerAt = nextDueAt;
          this.timers.at(nextDueAt, () => {
            const current = this.registry.get(dagId);
            if (current) current.timerAt = null;
            this.scheduleDag(dagId);
          });
        }
        if (created.length) this.dispatch();
        const again = this.scheduling.get(dagId) === "again";
        this.scheduling.delete(dagId);
        if (again) this.scheduleDag(dagId);
      },
      (err: unknown) => this.fail(err),
    );
  }

  private activeOrQueuedCount(dagId: string): number {
    let n = 0;
    for (const r of this.runs.values()) if (r.dagId === dagId && (r.state === "running" || r.state === "queued")) n++;
    return n;
  }

  private async loadPools(): Promise<void> {
    for (const p of await this.repo.pools()) {
      const existing = this.pools.get(p.pool);
      if (existing) existing.slots = p.slots;
      else this.pools.set(p.pool, { slots: p.slots, occupied: 0 });
    }
  }

  private sweeping = false;

  /** The slow path: other processes' changes (DAGs, triggers, pools), dependsOnPast waits, liveness. */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = true;
    try {
      await this.job.heartbeat();
      await this.loadPools();
      const changed = await this.registry.refresh();
      for (const entry of changed) {
        this.scheduleDag(entry.dagId);
        this.activateQueued(entry.dagId);
      }
      if (changed.length) this.emit({ type: "dags", at: Date.now() });
      if (this.opts.exclusive) {
        const known = new Set([...this.runs.values()].map((r) => r.id));
        for (const run of await this.repo.loadQueuedRunsExcept(this.registry, known)) this.adopt(run);
      }
      for (const run of this.runs.values()) {
        if (run.state !== "running") continue;
        for (const group of run.tasks.values()) if (group.spec.dependsOnPast) this.evaluate(run, group);
      }
      this.dispatch();
    } catch (err) {
      this.opts.onError?.(err);
    } finally {
      this.sweeping = false;
    }
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private emit(e: SchedulerEvent): void {
    if (this.listeners.size === 0) return;
    this.writer.afterCommit(() => {
      for (const l of this.listeners) l(e);
    });
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fail(err);
    }
  }

  /** A failed commit or a broken invariant: memory and database may disagree, so stop. */
  private fail(err: unknown): void {
    if (this.fatal) return;
    this.fatal = err;
    this.opts.onError?.(err);
    void this.stop();
  }

  get fatalError(): unknown {
    return this.fatal;
  }
}

function describeArg(arg: SerializedTask["args"][number]): string {
  return arg.kind === "literal" ? "a literal value" : `the XCom "${arg.key}" of task "${arg.taskId}"`;
}

export const SCHEDULER_HOSTNAME = hostname();
