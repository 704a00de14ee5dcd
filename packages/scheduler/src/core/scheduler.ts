// The scheduler: creates runs from schedules and triggers, moves task instances through
// Airflow's states and hands ready ones to the executor. Event-driven: a finished try schedules
// its downstream at once, in memory; every change is queued on the group-commit writer, and
// whatever acts on a change (submitting a try) waits until that change is committed.
import type { InStatement, ResultSet } from "@libsql/client";
import type { RunState, TaskState } from "@updraft/sdk";
import type { Store } from "@updraft/store";
import { ExecutorErrorName, type Executor, type ExecutorEvent } from "@updraft/executor";
import { GroupCommitWriter } from "./group-commit.ts";
import { TimerQueue } from "./timer-queue.ts";
import { Dispatcher } from "./dispatcher.ts";
import { PastChecks } from "./past-checks.ts";
import { RunCommands } from "./run-commands.ts";
import { finishTry, interrupted } from "./outcomes.ts";
import type { OutcomeContext } from "./outcome-context.ts";
import { expandMapped, materializeMapped, unexpandMapped, type MappingContext } from "./mapping.ts";
import { SubmittedChildren } from "./submitted.ts";
import { timeOutRun } from "./run-timeout.ts";
import { taskReadiness } from "./readiness.ts";
import { upstreamDecisions } from "./skip-decisions.ts";
import type { TaskLogWriter } from "./task-logs.ts";
import { SchedulerTaskHost } from "./task-host.ts";
import { clearXcomRows, historyRow, runRow, tiRow } from "./persist.ts";
import { moveState, upstreamSummary, finalRunState, type RunModel, type TaskGroup, type TaskInstanceModel } from "./run-model.ts";
import type { SchedulerEvent, SchedulerMeasure } from "./scheduler-events.ts";

/** States a running try ends in (an interrupted try goes back to scheduled and is not measured). */
const TRY_END_STATES: ReadonlySet<TaskState> = new Set(["success", "failed", "up_for_retry", "up_for_reschedule", "skipped", "upstream_failed"]);
import { RunRepository, type TriggerOptions } from "./run-repository.ts";
import { DagRegistry } from "./dag-registry.ts";
import { SchedulerJob, isLeaseLost, type SchedulerLeaseLostError } from "./scheduler-job.ts";
import { RunCreation } from "./run-creation.ts";
import { adoptVersion, type IntegrityContext } from "./run-integrity.ts";
import { SchedulerRequestError } from "../errors.ts";

/** How a scheduler is put together; see packages/cli/src/runtime.ts for the usual composition. */
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
  /** Passing trouble of the slow sweep (a busy database, a failed heartbeat): worth a log line, not a stop. */
  onWarning?: (err: unknown) => void;
  /** Claim the database as its one scheduler and adopt the runs left active (off for `dags test`). */
  exclusive?: boolean;
  /**
   * Run the runs of a paused DAG too (on for `dags test`, which, as Airflow's, runs its DAG
   * whatever its pause flag: new DAGs start paused). Default false: a paused DAG's runs wait.
   */
  runPausedDags?: boolean;
  /** Tries handed to the executor beyond its capacity, so threads never wait on the scheduler. */
  prefetch?: number;
  /** How long the scheduler's lease lasts after a renewal; default UPDRAFT_SCHEDULER_LEASE_MS or 30 s. */
  leaseMs?: number;
  /**
   * The lease went to another scheduler (or ran out while this process was frozen): this one has
   * stopped dispatching and abandoned its tries in flight without recording them. The process
   * should exit non-zero now, so that a supervisor restarts it as a standby. Default: `onError`.
   */
  onLeaseLost?: (err: SchedulerLeaseLostError) => void;
  onError?: (err: unknown) => void;
}

/**
 * The scheduler: runs from schedules and triggers, task instances through Airflow's states, ready
 * ones to the executor, every change group-committed before it is acted on.
 * @example
 * const scheduler = new Scheduler({ store, executor, host, logs, home });
 * await executor.start();
 * await scheduler.start();
 * const { runId } = await scheduler.triggerRun("daily_sales", { conf: { region: "us" } });
 * await scheduler.waitForRun("daily_sales", runId); // "success" | "failed"
 */
export class Scheduler {
  readonly host: SchedulerTaskHost;
  private readonly opts: Required<Omit<SchedulerOptions, "onError" | "onWarning" | "onLeaseLost" | "leaseMs">> & Pick<SchedulerOptions, "onError" | "onWarning" | "onLeaseLost" | "leaseMs">;
  private readonly writer: GroupCommitWriter;
  private readonly timers = new TimerQueue();
  private readonly dispatcher: Dispatcher;
  private readonly past: PastChecks;
  private readonly outcomes: OutcomeContext;
  private readonly mapping: MappingContext;
  private readonly children: SubmittedChildren;
  /** Changes people make to runs: mark a run, clear or mark task instances. */
  readonly commands: RunCommands;
  private readonly runs = new Map<number, RunModel>();
  /** Cancels each active run's dagrunTimeout timer, so an ended run is not held until then. */
  private readonly runTimers = new Map<number, () => void>();
  private readonly listeners = new Set<(e: SchedulerEvent) => void>();
  private readonly measures = new Set<(m: SchedulerMeasure) => void>();
  private readonly runWaiters = new Map<string, Array<{ resolve: (state: RunState) => void; reject: (err: Error) => void }>>();
  private readonly repo: RunRepository;
  private readonly registry: DagRegistry;
  private readonly job: SchedulerJob;
  private readonly creation: RunCreation;
  private readonly integrity: IntegrityContext;
  private sweepTimer: ReturnType<typeof setInterval> | null = null;
  /** Renews the lease (and the job row's heartbeat) four times per lease, at least every second. */
  private leaseTimer: ReturnType<typeof setInterval> | null = null;
  private offExecutor: (() => void) | null = null;
  private stopped = false;
  private fatal: unknown = null;

  constructor(opts: SchedulerOptions) {
    this.opts = { sweepMs: 1_000, scheduleRuns: true, exclusive: true, runPausedDags: false, prefetch: 0, ...opts };
    this.host = opts.host;
    this.job = new SchedulerJob(opts.store, opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs } : {});
    this.job.onLost((err) => this.loseLease(err));
    const fence = () => (this.opts.exclusive ? this.job.fence() : null);
    this.writer = new GroupCommitWriter(opts.store, {
      onError: (err) => this.fail(err), fence,
      onCommit: (seconds, operations) => this.measure({ type: "commit", seconds, operations }),
    });
    this.repo = new RunRepository(opts.store, opts.host.xcoms, (statements) => this.fencedBatch(statements));
    this.registry = new DagRegistry(opts.store, opts.home);
    this.creation = new RunCreation({
      repo: this.repo, registry: this.registry, timers: this.timers, runs: () => this.runs.values(),
      enabled: () => this.opts.scheduleRuns && !this.stopped,
      adopt: (run) => this.adopt(run), dispatch: () => this.dispatch(), fail: (err) => this.fail(err),
    });
    this.past = new PastChecks({
      flushed: () => this.writer.flushed(),
      query: (run, spec) => this.repo.pastAllows(run, spec),
      onAllowed: (run, taskId) => this.guard(() => this.evaluate(run, run.tasks.get(taskId)!)),
      onError: (err) => this.fail(err),
    });
    this.outcomes = {
      writer: this.writer, timers: this.timers, logs: opts.logs, xcoms: opts.host.xcoms,
      setState: (run, group, ti, state, at) => this.setState(run, group, ti, state, at),
      finishWithout: (run, group, ti, state) => this.finishWithout(run, group, ti, state),
      afterFinish: (run, group) => this.afterFinish(run, group),
      wakeAt: (at, run, group, ti, from) => this.timers.at(at, () => this.guard(() => this.wake(run, group, ti, from))),
    };
    this.mapping = {
      ...this.outcomes,
      resolveArg: (run, arg) => this.dispatcher.resolveArg(run, arg),
      makeReady: (run, group, ti) => this.makeReady(run, group, ti),
      guard: (fn) => this.guard(fn), live: (run) => !this.stopped && run.state === "running" && this.runs.has(run.id),
    };
    this.integrity = {
      writer: this.writer, xcoms: opts.host.xcoms,
      setState: (run, group, ti, state) => this.setState(run, group, ti, state),
      stopTry: (run, group, ti, reason) => this.stopTry(run, group, ti, reason),
      makeReady: (run, group, ti) => this.makeReady(run, group, ti),
      materialize: (run, group) => materializeMapped(this.mapping, run, group),
    };
    this.children = new SubmittedChildren({
      ...this.mapping, inFlight: (key) => this.dispatcher.inFlight(key), isActive: (run) => !this.stopped && run.state === "running" && this.runs.has(run.id),
      stopTry: (run, group, ti, reason) => this.stopTry(run, group, ti, reason),
      secede: (key) => {
        this.dispatcher.secede(key);
        this.dispatchSoon(); // its slots are free for others
      },
      rejoin: (key) => this.dispatcher.rejoin(key),
    });
    opts.host.attachSubmitter((req) => this.children.submit(req));
    this.commands = new RunCommands(opts.store, {
      activeRun: (dagId, runId) => [...this.runs.values()].find((r) => r.dagId === dagId && r.runId === runId),
      stopTry: (run, group, ti, reason) => this.stopTry(run, group, ti, reason),
      setState: (run, group, ti, state) => this.setState(run, group, ti, state),
      clearXcoms: (run, ti) => {
        this.writer.write(clearXcomRows(run, ti.taskId, ti.mapIndex));
        this.host.xcoms.clear(run.dagId, run.runId, ti.taskId, ti.mapIndex);
      },
      reschedule: (run, group, ti) => this.makeReady(run, group, ti),
      unexpand: (run, group) => unexpandMapped(this.outcomes, run, group),
      reevaluate: (run) => {
        for (const group of run.tasks.values()) this.evaluate(run, group);
        this.completeIfDone(run);
        this.dispatchSoon();
      },
      endRun: (run, state) => this.endRun(run, state),
      requeued: () => this.adoptSoon(),
      markedInStore: (dagId, runId, state) => this.emit({ type: "run", dagId, runId, state, at: Date.now() }),
      forget: async (run) => {
        this.runs.delete(run.id);
        this.runTimers.get(run.id)?.();
        this.runTimers.delete(run.id);
        this.past.forget(run);
        await this.writer.flushed(); // its queued row changes land before the rows are deleted
        this.host.xcoms.dropRun(run.dagId, run.runId);
        this.activateQueued(run.dagId);
      },
    });
    this.dispatcher = new Dispatcher({
      executor: opts.executor, writer: this.writer, logs: opts.logs, xcoms: opts.host.xcoms, home: opts.home, prefetch: this.opts.prefetch,
      hooks: {
        isActive: (run) => run.state === "running" && this.runs.has(run.id),
        isPaused: (dagId) => this.holdsRuns(dagId),
        setQueued: ({ run, group, ti }) => this.setState(run, group, ti, "queued"),
        poolMissing: ({ run, group, ti }, reason) => {
          ti.endDate = Date.now();
          this.setState(run, group, ti, "failed");
          this.writer.write(historyRow(run, group, ti, { name: "PoolNotFoundError", message: `task "${group.spec.id}" ${reason}` }));
          this.afterFinish(run, group);
        },
        notHandedOver: ({ run, group, ti }) =>
          interrupted(this.outcomes, run, group, ti, { name: ExecutorErrorName.stopped, message: "the scheduler stopped before this try started" }),
        // Checked before every hand-over: a process that wakes from a freeze finds its lease's
        // local deadline passed and hands out nothing more.
        stopped: () => this.stopped || !this.job.check(),
        epoch: () => this.job.lease?.epoch ?? 0,
      },
    });
    // The executor starts nothing either (its own queue, its threads, its workers) once the lease is in doubt.
    // Results that arrive from elsewhere (remote workers) count only under the epoch it trusts now.
    opts.executor.gate?.(() => !this.leaseLost && this.job.check(), () => this.job.until, () => this.currentEpoch());
  }

  /** Subscribes to the figures metrics are made of; returns the unsubscribe function. */
  onMeasure(listener: (m: SchedulerMeasure) => void): () => void {
    this.measures.add(listener);
    return () => this.measures.delete(listener);
  }

  /**
   * The epoch of the lease this scheduler holds and may act on now: 0 when it claims none (not
   * exclusive), null when it has none to act on (lost, its local deadline passed, or not claimed yet).
   */
  private currentEpoch(): number | null {
    if (!this.opts.exclusive) return 0;
    // Not check(): that would act on a loss (and the CLI exits) before the caller has refused.
    if (this.leaseLost || !this.job.trusted()) return null;
    return this.job.lease?.epoch ?? null;
  }

  /** Subscribes to committed changes; returns the unsubscribe function. */
  onEvent(listener: (e: SchedulerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get writerStats() {
    return this.writer.stats;
  }

  /** Figures for /metrics: commits, queue depth, active runs. */
  stats(): { commits: GroupCommitWriter["stats"]; ready: number; inFlight: number; activeRuns: number } {
    return { commits: this.writer.stats, ...this.dispatcher.depth(), activeRuns: this.runs.size };
  }

  async start(): Promise<void> {
    if (this.opts.exclusive) {
      await this.job.claim();
    }
    await this.loadPools();
    await this.registry.refresh();
    this.offExecutor = this.opts.executor.onEvent((e) => this.guard(() => this.onExecutorEvent(e)));
    if (this.opts.exclusive) for (const run of await this.repo.loadActiveRuns(this.registry, (d) => this.creation.queuedRoom(d))) this.adopt(run);
    for (const entry of this.registry.entries()) this.creation.scheduleDag(entry.dagId);
    this.sweepTimer = setInterval(() => void this.sweep(), this.opts.sweepMs);
    this.sweepTimer.unref();
    if (this.opts.exclusive) {
      this.leaseTimer = setInterval(() => void this.renewLease(), Math.max(25, Math.min(1_000, this.job.leaseMs / 4)));
      this.leaseTimer.unref();
    }
    this.dispatch();
  }

  /**
   * Stops: no new runs or tries; then stops the executor (graceful: running tries may finish;
   * otherwise they are aborted) while still recording what it reports, so every try ends
   * committed. Tries the executor never started go back to `scheduled`, costing no retry; tries
   * aborted mid-run, and parents waiting on children, run again next time, as after a crash.
   */
  stop(opts: { graceful?: boolean } = {}): Promise<void> {
    return (this.stopping ??= this.shutDown(opts.graceful ?? false));
  }
  private stopping: Promise<void> | null = null;

  private async shutDown(graceful: boolean): Promise<void> {
    if (this.job.lost) return this.abandon(this.job.lost);
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.timers.stop();
    this.children.interruptWaiting();
    // The lease is renewed while the executor finishes its tries: their results are recorded (and
    // remote ones taken only under a lease this scheduler still trusts), however long they take.
    await this.opts.executor.stop({ graceful });
    this.offExecutor?.();
    await this.writer.idle();
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await this.renewing; // so that no renewal lands after the release below
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
    const latest = this.registry.get(run.dagId);
    if (latest?.isActive) adoptVersion(this.integrity, run, latest.version); // a run follows its DAG's latest version
    if (run.state === "running") this.resume(run);
    else this.activateQueued(run.dagId);
  }

  /** The DAG changed: its active runs take the new version (run-integrity.ts) and are evaluated again. */
  private followVersion(dagId: string): void {
    const version = this.registry.get(dagId)!.version;
    for (const run of this.runs.values()) {
      if (run.dagId !== dagId || run.version.versionId === version.versionId) continue;
      adoptVersion(this.integrity, run, version);
      if (run.state !== "running") continue;
      for (const group of run.tasks.values()) this.evaluate(run, group);
      this.completeIfDone(run);
    }
    this.dispatchSoon();
  }

  private activeRunCount(dagId: string): number {
    let n = 0;
    for (const r of this.runs.values()) if (r.dagId === dagId && r.state === "running") n++;
    return n;
  }

  /** Whether a DAG's runs wait: it is paused, and this scheduler does not run paused DAGs. */
  private holdsRuns(dagId: string): boolean {
    return !this.opts.runPausedDags && (this.registry.get(dagId)?.isPaused ?? false);
  }

  /** Starts queued runs of a DAG, oldest logical date first, while it has fewer than maxActiveRuns. */
  private activateQueued(dagId: string): void {
    if (!this.registry.get(dagId) || this.holdsRuns(dagId)) return;
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
    if (timeout != null && run.startDate != null) {
      const cancel = this.timers.at(run.startDate + timeout, () => this.guard(() => this.timeOutRun(run)));
      this.runTimers.set(run.id, cancel);
    }
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
    this.runTimers.get(run.id)?.();
    this.runTimers.delete(run.id);
    this.past.forget(run);
    this.emit({ type: "run", dagId: run.dagId, runId: run.runId, state, at: run.endDate });
    this.writer.afterCommit(() => {
      this.host.xcoms.dropRun(run.dagId, run.runId);
      const k = `${run.dagId}\u0000${run.runId}`;
      for (const w of this.runWaiters.get(k) ?? []) w.resolve(state);
      this.runWaiters.delete(k);
    });
    this.activateQueued(run.dagId);
    this.creation.scheduleDag(run.dagId);
    this.adoptSoon();
  }

  private timeOutRun(run: RunModel): void {
    if (run.state !== "running" || !this.runs.has(run.id)) return;
    timeOutRun({
      writer: this.writer, endRun: (r, state) => this.endRun(r, state),
      stopTry: (r, g, ti, reason) => this.stopTry(r, g, ti, reason), setState: (r, g, ti, state) => this.setState(r, g, ti, state),
    }, run);
  }

  // ---- task instances -----------------------------------------------------------------------

  private setState(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, state: TaskState, at = Date.now()): void {
    if (this.measures.size > 0) this.measureTry(run, ti, state);
    moveState(run, group, ti, state);
    this.writer.write(tiRow(run, group, ti, this.opts.executor.name));
    this.children.stateChanged(run, ti, state);
    if (state === "queued" && group.pending > 0) materializeMapped(this.mapping, run, group); // room for more of its instances
    this.emit({ type: "task", dagId: run.dagId, runId: run.runId, taskId: ti.taskId, mapIndex: ti.mapIndex, state, tryNumber: ti.tryNumber, at, hostname: ti.hostname });
  }

  /** Cancels the instance's try in flight, if any, frees its slots and ends its waits on children. */
  private stopTry(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, reason: string): void {
    const key = ti.key;
    if (!key) return;
    this.dispatcher.release({ run, group, ti });
    this.children.tryEnded(key);
    ti.key = null;
    this.opts.executor.cancel(key, reason);
  }

  /** Applies the trigger rule of a task whose instances have not started, and acts on it. */
  private evaluate(run: RunModel, group: TaskGroup): void {
    if (run.state !== "running") return;
    if (group.submitted) return this.children.evaluate(run, group);
    if (group.pending > 0) return materializeMapped(this.mapping, run, group); // expanded before a restart
    const spec = group.spec;
    const placeholder = group.tis.get(-1);
    if (!placeholder || placeholder.state !== "none" || group.mapSource) return;
    const decisions = upstreamDecisions(this.outcomes, run, spec.upstream);
    const decision = taskReadiness(spec, upstreamSummary(run, spec), decisions, () => this.past.allows(run, spec));
    switch (decision) {
      case "wait":
        return;
      case "skip":
      case "upstream_failed":
      case "removed":
        this.finishWithout(run, group, placeholder, decision === "skip" ? "skipped" : decision);
        return;
      case "run":
        if (spec.expand) expandMapped(this.mapping, run, group, placeholder);
        else this.makeReady(run, group, placeholder);
        return;
      default:
        return decision satisfies never;
    }
  }

  /** Ends an instance that never ran (skipped, upstream_failed, removed) and lets its downstream react. */
  private finishWithout(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, state: "skipped" | "upstream_failed" | "removed"): void {
    ti.endDate = Date.now();
    this.setState(run, group, ti, state);
    this.afterFinish(run, group);
  }

  private afterFinish(run: RunModel, group: TaskGroup): void {
    for (const d of group.downstream) this.evaluate(run, run.tasks.get(d)!);
    this.completeIfDone(run);
  }

  private makeReady(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void {
    this.setState(run, group, ti, "scheduled");
    this.enqueueReady(run, group, ti);
  }

  private enqueueReady(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void {
    this.dispatcher.enqueue(run, group, ti);
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

  private dispatch(): void {
    this.dispatcher.dispatch();
  }

  // ---- executor events --------------------------------------------------------------------

  private onExecutorEvent(e: ExecutorEvent): void {
    if (e.type === "finished") this.children.tryEnded(e.key);
    const f = this.dispatcher.inFlight(e.key);
    if (!f) return; // a late report of a try that was timed out or cancelled
    const { run, group, ti } = f;
    switch (e.type) {
      case "started":
        ti.startDate = Math.floor(e.at);
        ti.hostname = e.worker;
        this.setState(run, group, ti, "running", e.at);
        return;
      case "finished":
        this.dispatcher.release(f);
        ti.key = null;
        if (e.outcome.status === "failed" && e.outcome.error.name === ExecutorErrorName.stopped) {
          interrupted(this.outcomes, run, group, ti, e.outcome.error);
          return;
        }
        finishTry(this.outcomes, run, group, ti, e.outcome, e.key);
        this.opts.logs.release(e.key);
        this.dispatchSoon();
        return;
      default:
        return e satisfies never;
    }
  }

  // ---- schedules, sweep, pools ------------------------------------------------------------

  private async loadPools(): Promise<void> {
    this.dispatcher.setPools(await this.repo.pools());
  }

  private adoptPending = false;
  private adopting: Promise<void> = Promise.resolve();

  /** A run ended or was requeued: queued runs waiting in the store may have room now; look on the next turn. */
  private adoptSoon(): void {
    if (!this.opts.exclusive || this.adoptPending) return;
    this.adoptPending = true;
    setImmediate(() => {
      this.adoptPending = false;
      void this.adoptQueued().then(() => this.guard(() => this.dispatch()));
    });
  }

  /** Adopts the queued runs in the store that have room under maxActiveRuns, one pass at a time. */
  private adoptQueued(): Promise<void> {
    this.adopting = this.adopting.then(async () => {
      if (!this.opts.exclusive || this.stopped) return;
      const known = new Set([...this.runs.values()].map((r) => r.id));
      for (const run of await this.repo.loadQueuedRunsExcept(this.registry, known, (d) => this.creation.queuedRoom(d))) this.adopt(run);
    }).catch((err: unknown) => this.opts.onWarning?.(err));
    return this.adopting;
  }

  private sweeping = false;

  /** The slow path: other processes' changes (DAGs, triggers, pools), dependsOnPast waits, liveness. */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = true;
    try {
      await this.loadPools();
      const changed = await this.registry.refresh();
      for (const entry of changed) {
        if (entry.isActive) this.followVersion(entry.dagId);
        this.creation.scheduleDag(entry.dagId);
        this.activateQueued(entry.dagId);
      }
      if (changed.length) this.emit({ type: "dags", at: Date.now() });
      await this.adoptQueued();
      for (const run of this.runs.values()) {
        if (run.state !== "running") continue;
        for (const group of run.tasks.values()) if (group.spec.dependsOnPast) this.evaluate(run, group);
      }
      this.dispatch();
    } catch (err) {
      if (!this.leaseLost) this.opts.onWarning?.(err);
    } finally {
      this.sweeping = false;
    }
  }

  // ---- plumbing ---------------------------------------------------------------------------

  /** Queued time when a try starts, run time when a started try ends (for metrics). */
  private measureTry(run: RunModel, ti: TaskInstanceModel, state: TaskState): void {
    if (state === "running" && ti.startDate !== null && ti.queuedAt !== null) {
      this.measure({ type: "try-started", dagId: run.dagId, taskId: ti.taskId, queuedSeconds: Math.max(0, ti.startDate - ti.queuedAt) / 1000 });
    } else if (ti.state === "running" && TRY_END_STATES.has(state) && ti.startDate !== null && ti.endDate !== null) {
      this.measure({ type: "try-ended", dagId: run.dagId, taskId: ti.taskId, state, durationSeconds: Math.max(0, ti.endDate - ti.startDate) / 1000 });
    }
  }

  private measure(m: SchedulerMeasure): void {
    for (const l of this.measures) l(m);
  }

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

  /** The renewal under way, if any. */
  private renewing: Promise<void> | null = null;

  /** Renews the lease; a refused renewal loses it (scheduler-job.ts calls `loseLease`). */
  private async renewLease(): Promise<void> {
    if (this.renewing || this.leaseLost) return;
    this.renewing = this.job.heartbeat().catch((err: unknown) => {
      if (!this.leaseLost) this.opts.onWarning?.(err);
    }).finally(() => {
      this.renewing = null;
    });
    await this.renewing;
  }

  /** Runs statements in one transaction that the lease fences, like the group commits. */
  private async fencedBatch(statements: InStatement[]): Promise<ResultSet[]> {
    if (this.job.lost) throw this.job.lost;
    const fence = this.opts.exclusive ? this.job.fence() : null;
    try {
      const results = await this.opts.store.batch(fence ? [fence.statement, ...statements] : statements);
      fence?.renewed();
      return fence ? results.slice(1) : results;
    } catch (err) {
      if (fence && isLeaseLost(err)) throw this.job.refused(err);
      throw err;
    }
  }

  /**
   * The lease is lost: another scheduler owns the runs now. Dispatch nothing more, write nothing
   * more (the writer drops what is pending), and abandon the tries in flight without recording
   * them: the new holder has recovered them from the store.
   */
  private loseLease(err: SchedulerLeaseLostError): void {
    if (this.leaseLost) return;
    this.leaseLost = true;
    this.fatal ??= err;
    this.stopped = true;
    this.writer.abandon(err);
    this.offExecutor?.();
    this.offExecutor = null;
    void this.abandon(err);
    (this.opts.onLeaseLost ?? this.opts.onError)?.(err);
  }
  private leaseLost = false;
  private abandoning: Promise<void> | null = null;

  private abandon(err: SchedulerLeaseLostError): Promise<void> {
    return (this.abandoning ??= (async () => {
      this.stopped = true;
      if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.leaseTimer) clearInterval(this.leaseTimer);
      this.timers.stop();
      for (const [k, waiters] of this.runWaiters) {
        const [dagId, runId] = k.split("\u0000");
        for (const w of waiters) w.reject(new SchedulerRequestError(`the scheduler lost its lease before run "${runId}" of dag "${dagId}" finished: ${err.message}`));
      }
      this.runWaiters.clear();
      await this.opts.executor.stop({ graceful: false }).catch(() => undefined);
      await this.opts.logs.closeAll().catch(() => undefined);
    })());
  }

  /** A failed commit or a broken invariant: memory and database may disagree, so stop. */
  private fail(err: unknown): void {
    if (isLeaseLost(err) && this.opts.exclusive) {
      this.loseLease(this.job.lost ?? this.job.refused(err));
      return;
    }
    if (this.fatal) return;
    this.fatal = err;
    this.opts.onError?.(err);
    void this.stop();
  }

  get fatalError(): unknown {
    return this.fatal;
  }
}


