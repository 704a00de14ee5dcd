// `updraft worker`: a remote worker process. It connects to a server's worker socket, runs the
// tries it is given in an adaptive thread pool of its own (the threads executor, whose host is the
// socket), and drains on SIGTERM/SIGINT: a second signal stops it at once.
//
// Exit codes: 0 drained, 1 stopped at once (or crashed), 2 bad usage or the server refused it.
import { availableParallelism, hostname } from "node:os";
import { ThreadsExecutor } from "@updraft/executor";
import { RemoteWorker, serverBase } from "@updraft/worker";
import type { Config } from "../config.ts";
import { UsageError } from "../errors.ts";
import { VERSION } from "../version.ts";
import { createLogger } from "../logger.ts";

/** The worker's own settings: each a flag, or an environment variable, or a default. */
export interface WorkerSettings {
  server: string;
  token: string;
  concurrency: number;
  queues: string[];
  name: string;
  home: string;
}

export interface WorkerFlags {
  concurrency?: string | undefined;
  queues?: string | undefined;
  name?: string | undefined;
}

/**
 * Resolves the settings; flags win over the environment. Throws a UsageError naming the flag.
 * @example workerSettings(config, { concurrency: "4" }, {}).concurrency // 4
 */
export function workerSettings(config: Pick<Config, "server" | "token" | "home">, flags: WorkerFlags, env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const usage = "usage: updraft worker --server URL --token T [--concurrency N] [--queues a,b] [--name X]";
  if (!config.server) throw new UsageError(`updraft worker needs the server's URL: --server URL or UPDRAFT_SERVER\n${usage}`);
  if (!config.token) throw new UsageError(`updraft worker needs a token of scope worker: --token T or UPDRAFT_TOKEN (create one with \`updraft tokens create --scope worker\`)\n${usage}`);
  let server: string;
  try {
    server = serverBase(config.server);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const rawConcurrency = flags.concurrency ?? env.UPDRAFT_WORKER_CONCURRENCY;
  const concurrency = rawConcurrency === undefined ? availableParallelism() : Number(rawConcurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new UsageError(`--concurrency / UPDRAFT_WORKER_CONCURRENCY: expected a whole number of at least 1, got "${rawConcurrency}"`);
  }
  const rawQueues = flags.queues ?? env.UPDRAFT_WORKER_QUEUES ?? "default";
  const queues = [...new Set(rawQueues.split(",").map((q) => q.trim()).filter(Boolean))];
  if (queues.length === 0) throw new UsageError(`--queues / UPDRAFT_WORKER_QUEUES: expected queue names separated by commas, got "${rawQueues}"`);
  const name = (flags.name ?? env.UPDRAFT_WORKER_NAME ?? `${hostname()}-${process.pid}`).trim();
  if (!name) throw new UsageError("--name / UPDRAFT_WORKER_NAME: must not be empty");
  return { server, token: config.token, concurrency, queues, name, home: config.home };
}

/**
 * Runs a remote worker until it drains, is stopped or is refused; returns the exit code.
 * @example process.exitCode = await runWorkerProcess(loadConfig({}), {});
 */
export async function runWorkerProcess(config: Config, flags: WorkerFlags): Promise<number> {
  const s = workerSettings(config, flags);
  const logger = createLogger("worker").child({ worker: s.name });
  // Fatal lines (a refused token, a server that is gone for good) go to stderr, as before.
  const fatal = createLogger("worker", undefined, process.stderr).child({ worker: s.name });
  const worker = new RemoteWorker({
    print: (line, stream) => (stream === "err" ? fatal.error(line) : logger.info(line)),
    server: s.server, token: s.token, home: s.home, concurrency: s.concurrency, queues: s.queues, name: s.name, version: VERSION,
    // The pool may grow to `concurrency` threads; tries waiting on children they submitted hold
    // no slot there (nor in the worker's count), so their children run beside them.
    runner: (host) => new ThreadsExecutor({ host, minThreads: Math.min(config.threads.min ?? 1, s.concurrency), maxThreads: s.concurrency, memoryLimitMb: config.threads.memoryLimitMb }),
  });
  // A terminal's Ctrl-C reaches the whole process group: the launcher (bin/updraft.js), which
  // forwards it, and this process. So one key press may arrive twice within a moment; only a
  // signal well after the first means "stop at once".
  let firstSignalAt: number | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt === null) {
      firstSignalAt = Date.now();
      worker.drain(`${signal}; send it again to stop at once`);
    } else if (Date.now() - firstSignalAt > 500) {
      void worker.stop(signal);
    }
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  logger.info({ server: s.server, concurrency: s.concurrency, queues: s.queues }, `Updraft ${VERSION} worker ${s.name}: server ${s.server}, concurrency ${s.concurrency}, queues ${s.queues.join(",")}, bundles in ${s.home}/bundles`);
  try {
    return await worker.run();
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
}
