// Test fixture for the scheduler's integration tests: a real engine in a temp directory — a
// libSQL file database (migrated), a DAGs folder to write DAG files into, the DAG processor, a
// threads executor and a scheduler, composed as `packages/cli/src/runtime.ts` composes them —
// plus helpers to wait on the scheduler's events and to close and delete everything afterwards.
// Not exported from the package.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { dirname, join } from "node:path";
import { ThreadsExecutor, type ThreadsExecutorOptions } from "@updraft/executor";
import type { RunState } from "@updraft/sdk";
import { eq } from "drizzle-orm";
import { job, migrateStore, openStore, type Store } from "@updraft/store";
import { DagProcessor, type DagProcessorOptions, type FileResult } from "../processor/dag-processor.ts";
import { Scheduler, type SchedulerOptions } from "../core/scheduler.ts";
import { SchedulerTaskHost } from "../core/task-host.ts";
import { TaskLogWriter } from "../core/task-logs.ts";
import type { SchedulerEvent } from "../core/scheduler-events.ts";

type SchedulerKnobs = Partial<Pick<SchedulerOptions, "sweepMs" | "scheduleRuns" | "exclusive" | "runPausedDags" | "prefetch">>;

export interface TestEngineOptions {
  scheduler?: SchedulerKnobs;
  executor?: Partial<Omit<ThreadsExecutorOptions, "host">>;
  processor?: Partial<Pick<DagProcessorOptions, "parseTimeoutMs" | "dagsArePausedAtCreation">>;
}

export interface TestEngine {
  /** The temp directory holding everything below. */
  readonly dir: string;
  readonly home: string;
  readonly dagsFolder: string;
  /** `file:<dir>/updraft.db`. */
  readonly dbUrl: string;
  readonly store: Store;
  readonly processor: DagProcessor;
  readonly logs: TaskLogWriter;
  readonly host: SchedulerTaskHost;
  readonly executor: ThreadsExecutor;
  readonly scheduler: Scheduler;
  /** Every event the scheduler emitted, in order. */
  readonly events: SchedulerEvent[];
  /** Errors the scheduler reported through `onError`. */
  readonly errors: unknown[];
  /** Writes `source` to `<dagsFolder>/<name>` (creating folders) and returns the absolute path. */
  writeDag(name: string, source: string): Promise<string>;
  removeDag(name: string): Promise<void>;
  /** Runs the DAG processor over the folder. */
  parse(): Promise<FileResult[]>;
  /** Parses, then fails unless every file loaded. */
  parseOk(): Promise<FileResult[]>;
  /** Starts the executor (once) and the scheduler. */
  start(): Promise<void>;
  /** Another migrated connection to the same database file, closed with the engine. */
  openStore(): Promise<Store>;
  /** Another scheduler over its own connection to the same database and its own (unstarted) executor, stopped with the engine. */
  newScheduler(opts?: SchedulerKnobs): Promise<Scheduler>;
  /** Resolves with the first event (already seen or to come) that matches. */
  waitForEvent<E extends SchedulerEvent>(match: (e: SchedulerEvent) => e is E, what: string, timeoutMs?: number): Promise<E>;
  waitForEvent(match: (e: SchedulerEvent) => boolean, what: string, timeoutMs?: number): Promise<SchedulerEvent>;
  /** `scheduler.waitForRun`, but rejecting at once when the scheduler stops on a fatal error. */
  waitForRun(dagId: string, runId: string): Promise<RunState>;
  /** Resolves when the run of `dagId` with `runId` has ended (seen through the events), with its state. */
  waitForRunEnd(dagId: string, runId: string, timeoutMs?: number): Promise<"success" | "failed">;
  close(): Promise<void>;
}

type RunEvent = Extract<SchedulerEvent, { type: "run" }>;
type TaskEvent = Extract<SchedulerEvent, { type: "task" }>;

export const isRunEvent = (e: SchedulerEvent): e is RunEvent => e.type === "run";
export const isTaskEvent = (e: SchedulerEvent): e is TaskEvent => e.type === "task";

/** A DAG file's text: the SDK import, then `body`. */
export function dagFile(body: string, imports = "dag, task"): string {
  return `import { ${imports} } from "@updraft/sdk";\n${body}\n`;
}

/**
 * @example
 * const engines = testEngines();
 * afterEach(() => engines.cleanup());
 * it("…", async () => { const e = await engines.open(); await e.writeDag("a.ts", src); await e.parseOk(); await e.start(); … });
 */
export function testEngines(): { open(opts?: TestEngineOptions): Promise<TestEngine>; cleanup(): Promise<void> } {
  const open: TestEngine[] = [];
  return {
    async open(opts = {}) {
      const engine = await openTestEngine(opts);
      open.push(engine);
      return engine;
    },
    async cleanup() {
      const errors: unknown[] = [];
      for (const e of open.splice(0)) await e.close().catch((err: unknown) => errors.push(err));
      if (errors.length) throw errors[0];
    },
  };
}

async function untilNoRunningJob(store: Store): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const running = await store.db.select({ id: job.id }).from(job).where(eq(job.state, "running"));
    if (running.length === 0) return;
    await sleep(50);
  }
}

function stoppedError(what: string, cause: unknown): Error {
  return new Error(`the scheduler stopped on a fatal error while waiting for ${what}: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`, { cause });
}

export async function openTestEngine(opts: TestEngineOptions = {}): Promise<TestEngine> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-engine-"));
  const home = join(dir, "home");
  const dagsFolder = join(dir, "dags");
  await mkdir(dagsFolder, { recursive: true });
  const dbUrl = `file:${join(dir, "updraft.db")}`;
  const stores: Store[] = [];
  const openMigrated = async (): Promise<Store> => {
    const s = await openStore({ url: dbUrl });
    stores.push(s);
    await migrateStore(s);
    return s;
  };
  const store = await openMigrated();
  const processor = new DagProcessor({ store, dagsFolder, home, ...opts.processor });
  const logs = new TaskLogWriter();
  const host = new SchedulerTaskHost(store, logs);
  const executor = new ThreadsExecutor({ host, maxThreads: 4, timeoutGraceMs: 500, ...opts.executor });
  const errors: unknown[] = [];
  const events: SchedulerEvent[] = [];
  const listeners = new Set<(e: SchedulerEvent) => void>();
  const fatalListeners = new Set<(err: unknown) => void>();
  const onError = (err: unknown) => {
    errors.push(err);
    // A scheduler that hit a fatal error has stopped: nothing waited for will happen.
    if (scheduler.fatalError === err) for (const l of fatalListeners) l(err);
  };
  const scheduler = new Scheduler({ store, executor, host, logs, home, sweepMs: 100, onError, ...opts.scheduler });
  scheduler.onEvent((e) => {
    events.push(e);
    for (const l of listeners) l(e);
  });
  const extraSchedulers: Scheduler[] = [];
  let executorStarted = false;
  let closed = false;

  const waitForEvent = (match: (e: SchedulerEvent) => boolean, what: string, timeoutMs = 30_000): Promise<SchedulerEvent> => {
    const seen = events.find(match);
    if (seen) return Promise.resolve(seen);
    if (scheduler.fatalError) return Promise.reject(stoppedError(what, scheduler.fatalError));
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        listeners.delete(listener);
        fatalListeners.delete(onFatal);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs}ms waiting for ${what}`));
      }, timeoutMs);
      const listener = (e: SchedulerEvent) => {
        if (!match(e)) return;
        done();
        resolve(e);
      };
      const onFatal = (err: unknown) => {
        done();
        reject(stoppedError(what, err));
      };
      listeners.add(listener);
      fatalListeners.add(onFatal);
    });
  };

  const engine: TestEngine = {
    dir, home, dagsFolder, dbUrl, store, processor, logs, host, executor, scheduler, events, errors,
    async writeDag(name, source) {
      const path = join(dagsFolder, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, source);
      return path;
    },
    async removeDag(name) {
      await rm(join(dagsFolder, name), { force: true });
    },
    parse: () => processor.processAll(),
    async parseOk() {
      const results = await processor.processAll();
      const failed = results.filter((r) => r.error);
      if (failed.length) throw new Error(`DAG files failed to load:\n${failed.map((r) => r.error).join("\n")}`);
      return results;
    },
    async start() {
      if (!executorStarted) {
        executorStarted = true;
        await executor.start();
      }
      await scheduler.start();
    },
    openStore: openMigrated,
    async newScheduler(knobs = {}) {
      const other = await openMigrated();
      const otherLogs = new TaskLogWriter();
      const otherHost = new SchedulerTaskHost(other, otherLogs);
      // Its own executor (never started here), since a scheduler's stop() stops its executor.
      const otherExecutor = new ThreadsExecutor({ host: otherHost, minThreads: 0, maxThreads: 1 });
      const s = new Scheduler({ store: other, executor: otherExecutor, host: otherHost, logs: otherLogs, home, sweepMs: 100, onError, ...knobs });
      extraSchedulers.push(s);
      return s;
    },
    waitForEvent: waitForEvent as TestEngine["waitForEvent"],
    waitForRun(dagId, runId) {
      if (scheduler.fatalError) return Promise.reject(stoppedError(`run ${dagId}/${runId}`, scheduler.fatalError));
      return new Promise((resolve, reject) => {
        const onFatal = (err: unknown) => reject(stoppedError(`run ${dagId}/${runId}`, err));
        fatalListeners.add(onFatal);
        scheduler.waitForRun(dagId, runId).then(resolve, reject).finally(() => fatalListeners.delete(onFatal));
      });
    },
    async waitForRunEnd(dagId, runId, timeoutMs) {
      const e = await waitForEvent(
        (x) => isRunEvent(x) && x.dagId === dagId && x.runId === runId && (x.state === "success" || x.state === "failed"),
        `run ${dagId}/${runId} to end`, timeoutMs,
      );
      return (e as RunEvent).state as "success" | "failed";
    },
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      fatalListeners.clear();
      for (const s of extraSchedulers) await s.stop();
      await scheduler.stop(); // stops the executor too
      // After a fatal error the scheduler is already stopping (fail() calls stop() without
      // awaiting it), and a second stop() returns at once, before that stop has ended its job
      // row: wait for it, or closing the store under it rejects (CLIENT_CLOSED) unhandled.
      if (scheduler.fatalError) await untilNoRunningJob(store);
      await executor.stop({ graceful: false });
      for (const s of stores) await s.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return engine;
}
