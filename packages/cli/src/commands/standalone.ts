// `updraft standalone` and `updraft scheduler`: the long-running processes. Standalone is
// everything in one process: migrate, parse DAGs, schedule, run tasks in threads and on the remote
// workers that connect to its HTTP server's worker socket, serve HTTP.
import { serve } from "@hono/node-server";
import { attachWorkerSocket, createApiApp, storeEventSource } from "@updraft/api";
import { createToken, listTokens, type Store } from "@updraft/store";
import { displayPath, queueDagRun, RunCommands, storeOnlyHooks, type FileResult } from "@updraft/scheduler";
import type { Config } from "../config.ts";
import { openConfiguredStore, openEngine, type Engine } from "../runtime.ts";
import { VERSION } from "../version.ts";
import { localPoolView } from "../local-pool.ts";
import { createLogger, type Logger } from "../logger.ts";
import { UsageError } from "../errors.ts";
import { booleanSetting } from "@updraft/store/settings";

/** Task states worth a line in the server log; successes are summed up by their run's line. */
const NOTEWORTHY = new Set(["failed", "up_for_retry", "upstream_failed"]);

const PARSE_INTERVAL_MS = Number(process.env.UPDRAFT_PARSE_INTERVAL_MS ?? 5_000);

/**
 * Parses the DAGs folder every PARSE_INTERVAL_MS without waiting on slow files, from the start:
 * a file still loading goes on in the background (up to its time-out) while later passes pick up
 * new and changed files, so a file that hangs delays neither the others nor the server's start.
 * Results are logged as they come; a failed file's retry that fails the same way is not logged again.
 */
async function parseLoop(engine: Engine, log: (s: string) => void, signal: AbortSignal): Promise<void> {
  const line = (r: FileResult) => r.error ?? `${displayPath(r.file)}: ${r.dagIds.join(", ") || "(no DAGs)"}`;
  const known = new Map<string, string | null>();
  engine.processor.onResult(
    (r) => {
      if (r.loaded && known.get(r.file) !== line(r)) log(r.error ? `import error: ${r.error}` : `loaded ${line(r)}`);
      known.set(r.file, line(r));
    },
    (err) => log(`dag processor: ${(err as Error).message}`),
  );
  while (!signal.aborted) {
    try {
      await engine.processor.processAll({ waitMs: 0 });
    } catch (err) {
      log(`dag processor: ${(err as Error).message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, PARSE_INTERVAL_MS).unref());
  }
}

/** UPDRAFT_METRICS_PUBLIC: whether /metrics answers without a token (default: it needs one). */
function metricsPublic(): boolean {
  try {
    return booleanSetting("UPDRAFT_METRICS_PUBLIC", false);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function corsOrigins(): string[] {
  return (process.env.UPDRAFT_CORS_ORIGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * On the first start, an admin token: printed once, stored only as its hash. On every later
 * start, how to create one, since the first is never shown again.
 */
async function printFirstAdminToken(store: Store, log: (s: string) => void): Promise<void> {
  if ((await listTokens(store)).length > 0) {
    log("no admin token is shown: the first start printed one, and only its hash is kept. Create another with `updraft tokens create --scope admin --name <you>` (run where this server's database is), or sign in to the UI with a user (`updraft users create`).");
    return;
  }
  const { token } = await createToken(store, { name: "standalone-admin", scope: "admin" });
  log(`first start: an admin token was created. It is shown once; only its hash is stored:\n\n    ${token}\n\n  Use it as "Authorization: Bearer <token>"; create others with \`updraft tokens create --scope read|trigger|edit|admin|worker\` (worker: for \`updraft worker\`).`);
}

/** `updraft api`: the HTTP API alone; triggered runs are queued for the scheduler process. */
export async function runApiProcess(config: Config): Promise<number> {
  const logger = createLogger("api");
  const store = await openConfiguredStore(config);
  const app = createApiApp({
    store, home: config.home, version: VERSION, corsOrigins: corsOrigins(), logger, metricsPublic: metricsPublic(),
    trigger: (dagId, req) => queueDagRun(store, config.home, dagId, req),
    // No scheduler here: runs that have ended are changed in the store and requeued for one,
    // and live events come from a tail of the store.
    runs: new RunCommands(store, storeOnlyHooks),
    events: storeEventSource(store),
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: process.env.UPDRAFT_HOST ?? "0.0.0.0" });
  // No scheduler here: a worker that connects is told (503) to connect to the one that runs it.
  const socket = attachWorkerSocket(server, { store });
  logger.info({ version: VERSION, port: config.port, database: config.dbUrl }, `Updraft ${VERSION} API: web UI http://localhost:${config.port}/ · API /api/v1 · database ${config.dbUrl}`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  socket.close();
  server.close();
  await store.close();
  return 0;
}

export async function runServerProcess(config: Config, withApi: boolean): Promise<number> {
  const logger: Logger = createLogger(withApi ? "standalone" : "scheduler");
  const log = (s: string) => logger.info(s);
  let failed = false;
  const engine = await openEngine(config, {
    remoteWorkers: withApi,
    onWorkerWarning: (m) => log(`workers: ${m}`),
    onError: (err) => {
      failed = true;
      logger.error({ err }, `scheduler stopped: ${err instanceof Error ? err.message : String(err)}`);
      process.kill(process.pid, "SIGTERM");
    },
  });
  const stop = new AbortController();
  await engine.executor.start();
  engine.scheduler.onEvent((e) => {
    if (e.type === "run") logger.info({ dag_id: e.dagId, run_id: e.runId, state: e.state }, `run ${e.dagId} ${e.runId}: ${e.state}`);
    else if (e.type === "task" && NOTEWORTHY.has(e.state)) {
      const fields = { dag_id: e.dagId, run_id: e.runId, task_id: e.taskId, map_index: e.mapIndex, try_number: e.tryNumber, state: e.state };
      (e.state === "up_for_retry" ? logger.warn : logger.error).call(logger, fields, `task ${e.dagId}.${e.taskId}${e.mapIndex >= 0 ? `[${e.mapIndex}]` : ""} (${e.runId}, try ${e.tryNumber}): ${e.state}`);
    }
  });
  try {
    await engine.scheduler.start();
  } catch (err) {
    // Refused (another scheduler owns the database) or broken: release the pool's threads and
    // the store, or they would keep this process alive after the error is printed.
    await engine.executor.stop({ graceful: false }).catch(() => undefined);
    await engine.store.close().catch(() => undefined);
    throw err;
  }
  // DAGs already in the store are scheduled at once; the folder's files join as they load.
  void parseLoop(engine, log, stop.signal);
  let server: ReturnType<typeof serve> | null = null;
  let socket: { close(): void } | null = null;
  if (withApi) {
    const workers = engine.workers ?? undefined;
    const app = createApiApp({
      store: engine.store, home: config.home, version: VERSION, corsOrigins: corsOrigins(),
      trigger: (dagId, req) => engine.scheduler.triggerRun(dagId, req),
      events: { subscribe: (listener) => engine.scheduler.onEvent((e) => void (e.type !== "dags" && listener(e))) },
      metrics: () => ({ ...engine.scheduler.stats(), executor: engine.executor.stats() }),
      measures: { subscribe: (listener) => engine.scheduler.onMeasure(listener) },
      metricsPublic: metricsPublic(),
      logger,
      runs: engine.scheduler.commands,
      workers,
      ...(engine.local ? { localPool: localPoolView(engine.local, config.executor === "sequential" ? ["*"] : config.localQueues) } : {}),
    });
    server = serve({ fetch: app.fetch, port: config.port, hostname: process.env.UPDRAFT_HOST ?? "0.0.0.0" });
    socket = attachWorkerSocket(server, { store: engine.store, workers });
    workers?.onWorkerEvent(({ type, worker: w }) => {
      logger.info({ worker: w.name, host: w.hostname, pid: w.pid, queues: w.queues, capacity: w.capacity, event: type }, `worker ${w.name} (${w.hostname}, pid ${w.pid}, queues ${w.queues.join(",")}, capacity ${w.capacity}): ${type}`);
    });
    const local = config.executor === "sequential" ? "the sequential executor (no remote workers)" : config.localQueues.length ? `threads serve queue(s) ${config.localQueues.join(", ")}` : "threads serve no queue (remote workers only)";
    log(`Updraft ${VERSION} standalone: web UI http://localhost:${config.port}/ · API /api/v1 · DAGs from ${config.dagsFolder} · database ${config.dbUrl} · ${local}`);
    await printFirstAdminToken(engine.store, log);
  } else {
    log(`Updraft ${VERSION} scheduler · DAGs from ${config.dagsFolder} · database ${config.dbUrl}`);
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  const running = engine.executor.stats().running;
  log(`shutting down: waiting for ${running} running task(s) to finish (Ctrl-C again to abort them; they will run again at the next start)`);
  const force = () => {
    log("aborting running tasks");
    void engine.executor.stop({ graceful: false });
  };
  process.once("SIGINT", force);
  process.once("SIGTERM", force);
  stop.abort();
  // A DAG file still loading (up to its time-out) must not hold up the exit.
  engine.processor.close();
  server?.close();
  // Workers keep their sockets until the scheduler has stopped: they deliver what they finish.
  await engine.scheduler.stop({ graceful: true });
  socket?.close();
  await engine.store.close();
  return failed ? 1 : 0;
}
