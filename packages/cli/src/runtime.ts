// The composition root: opens the store and builds the pieces a command needs (DAG processor,
// task host, executor, scheduler) from the configuration.
import { mkdir } from "node:fs/promises";
import { openStore, migrateStore, type Store } from "@updraft/store";
import { DagProcessor, Scheduler, SchedulerTaskHost, TaskLogWriter, type SchedulerOptions } from "@updraft/scheduler";
import { SequentialExecutor, ThreadsExecutor, type Executor } from "@updraft/executor";
import { secretKeyFor, type Config } from "./config.ts";

/** Opens (and migrates) the metadata database named by the configuration. */
export async function openConfiguredStore(config: Config): Promise<Store> {
  // The home holds the database, logs and the secret key: its owner's alone.
  await mkdir(config.home, { recursive: true, mode: 0o700 });
  const store = await openStore({ url: config.dbUrl, secretKey: await secretKeyFor(config), authToken: process.env.UPDRAFT_DB_AUTH_TOKEN });
  await migrateStore(store);
  return store;
}

export interface Engine {
  store: Store;
  processor: DagProcessor;
  executor: Executor;
  scheduler: Scheduler;
  close(): Promise<void>;
}

export interface EngineOptions extends Partial<Pick<SchedulerOptions, "scheduleRuns" | "exclusive" | "sweepMs" | "onError">> {
  minThreads?: number;
  maxThreads?: number;
}

/** Store, processor, a threads executor and a scheduler over them. */
export async function openEngine(config: Config, opts: EngineOptions = {}): Promise<Engine> {
  const store = await openConfiguredStore(config);
  const processor = new DagProcessor({ store, dagsFolder: config.dagsFolder, home: config.home, parseTimeoutMs: config.parseTimeoutMs });
  const logs = new TaskLogWriter();
  const host = new SchedulerTaskHost(store, logs);
  const executor: Executor = config.executor === "sequential"
    ? new SequentialExecutor({ host })
    : new ThreadsExecutor({
        host,
        ...(opts.minThreads !== undefined ? { minThreads: opts.minThreads } : {}),
        ...(opts.maxThreads !== undefined ? { maxThreads: opts.maxThreads } : {}),
      });
  const scheduler = new Scheduler({
    store, executor, host, logs, home: config.home,
    onError: opts.onError ?? ((err) => console.error(`updraft: scheduler error: ${err instanceof Error ? err.stack : String(err)}`)),
    onWarning: (err) => console.error(`updraft: warning: ${err instanceof Error ? err.message : String(err)}`),
    ...(opts.scheduleRuns !== undefined ? { scheduleRuns: opts.scheduleRuns } : {}),
    ...(opts.exclusive !== undefined ? { exclusive: opts.exclusive } : {}),
    ...(opts.sweepMs !== undefined ? { sweepMs: opts.sweepMs } : {}),
  });
  return {
    store, processor, executor, scheduler,
    async close() {
      await scheduler.stop({ graceful: false });
      await executor.stop({ graceful: false }); // a no-op when the scheduler stopped it
      await store.close();
    },
  };
}
