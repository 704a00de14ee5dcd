// The composition root: opens the store and builds the pieces a command needs (DAG processor,
// task host, executor, scheduler) from the configuration. With remote workers (`standalone`), the
// executor is the remote one, with the threads as its local member serving the local queues.
import { mkdir } from "node:fs/promises";
import { openStore, migrateStore, type Store } from "@updraft/store";
import { DagProcessor, Scheduler, SchedulerTaskHost, TaskLogWriter, type SchedulerOptions } from "@updraft/scheduler";
import { RemoteExecutor, SequentialExecutor, ThreadsExecutor, type Executor } from "@updraft/executor";
import type { TaskHost } from "@updraft/worker";
import { previousSecretKeysFor, processorOptions, secretKeyFor, type Config } from "./config.ts";

/** Opens (and migrates) the metadata database named by the configuration. */
export async function openConfiguredStore(config: Config): Promise<Store> {
  // The home holds the database, logs and the secret key: its owner's alone.
  await mkdir(config.home, { recursive: true, mode: 0o700 });
  const store = await openStore({
    url: config.dbUrl, secretKey: await secretKeyFor(config), previousSecretKeys: await previousSecretKeysFor(config), authToken: process.env.UPDRAFT_DB_AUTH_TOKEN,
  });
  await migrateStore(store);
  return store;
}

export interface Engine {
  store: Store;
  processor: DagProcessor;
  executor: Executor;
  /** The executor, when it takes remote workers (their socket and monitoring attach to it); else null. */
  workers: RemoteExecutor | null;
  /** The executor that runs tries in this process (threads, or sequential), for the workers view; null when none does. */
  local: Executor | null;
  scheduler: Scheduler;
  close(): Promise<void>;
}

export interface EngineOptions extends Partial<Pick<SchedulerOptions, "scheduleRuns" | "exclusive" | "runPausedDags" | "sweepMs" | "onError" | "onLeaseLost">> {
  minThreads?: number;
  maxThreads?: number;
  /**
   * Take remote workers: the remote executor, with the threads serving `config.localQueues`
   * (`--executor sequential` keeps the sequential executor alone).
   */
  remoteWorkers?: boolean;
  /** Lines about workers for the server log (late results ignored, losses). */
  onWorkerWarning?: (message: string) => void;
}

/** Store, processor, a threads (or remote) executor and a scheduler over them. */
export async function openEngine(config: Config, opts: EngineOptions = {}): Promise<Engine> {
  const store = await openConfiguredStore(config);
  const processor = new DagProcessor({ store, ...processorOptions(config) });
  const logs = new TaskLogWriter();
  const host = new SchedulerTaskHost(store, logs);
  const minThreads = opts.minThreads ?? config.threads.min;
  const maxThreads = opts.maxThreads ?? config.threads.max;
  let local: Executor | null = null;
  const threads = (taskHost: TaskHost) => local = new ThreadsExecutor({
    host: taskHost,
    memoryLimitMb: config.threads.memoryLimitMb,
    ...(minThreads !== undefined ? { minThreads } : {}),
    ...(maxThreads !== undefined ? { maxThreads } : {}),
  });
  let workers: RemoteExecutor | null = null;
  let executor: Executor;
  if (config.executor === "sequential") executor = local = new SequentialExecutor({ host });
  else if (opts.remoteWorkers) {
    executor = workers = new RemoteExecutor({
      host,
      ...(config.localQueues.length > 0 ? { local: { executor: threads, queues: config.localQueues } } : {}),
      heartbeatMs: config.workerHeartbeatMs,
      timeoutMs: config.workerTimeoutMs,
      onWarning: opts.onWorkerWarning ?? ((m) => console.error(`updraft: ${m}`)),
    });
  } else executor = threads(host);
  const scheduler = new Scheduler({
    store, executor, host, logs, home: config.home,
    onError: opts.onError ?? ((err) => console.error(`updraft: scheduler error: ${err instanceof Error ? err.stack : String(err)}`)),
    onWarning: (err) => console.error(`updraft: warning: ${err instanceof Error ? err.message : String(err)}`),
    // Another scheduler owns the database now: one line, and out at once (threads and all), so a
    // supervisor restarts this one as a standby. Nothing of this process's tries is recorded.
    onLeaseLost: opts.onLeaseLost ?? ((err) => {
      console.error(`updraft: ${err.message}; exiting`);
      // After one turn of the event loop (nothing is dispatched or written meanwhile): frames
      // already received, such as a remote worker's result, are refused and the worker told.
      setImmediate(() => process.exit(3));
    }),
    ...(opts.scheduleRuns !== undefined ? { scheduleRuns: opts.scheduleRuns } : {}),
    ...(opts.exclusive !== undefined ? { exclusive: opts.exclusive } : {}),
    ...(opts.runPausedDags !== undefined ? { runPausedDags: opts.runPausedDags } : {}),
    ...(opts.sweepMs !== undefined ? { sweepMs: opts.sweepMs } : {}),
  });
  return {
    store, processor, executor, workers, local, scheduler,
    async close() {
      await scheduler.stop({ graceful: false });
      await executor.stop({ graceful: false }); // a no-op when the scheduler stopped it
      await store.close();
    },
  };
}
