// Configuration from the environment, each setting with a flag of the same name (DESIGN.md,
// Contract 3). Flags win over the environment; the environment over defaults.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseDuration } from "@updraft/sdk";
import { settingProblem } from "@updraft/store/settings";

export interface Config {
  home: string;
  dbUrl: string;
  dagsFolder: string;
  port: number;
  secretKey: string | undefined;
  server: string | undefined;
  token: string | undefined;
  /** `threads` (default) or `sequential` (one try at a time in the main thread, for debugging). */
  executor: "threads" | "sequential";
  /** How long one DAG file may take to load (Airflow's dagbag_import_timeout); default 30s. */
  parseTimeoutMs: number;
  /** The memory one DAG file's parse may use, heap and off-heap (UPDRAFT_PARSE_MEMORY_MB); default 512. */
  parseMemoryMb: number;
  /** How many DAG files are parsed at once (UPDRAFT_PARSE_PARALLELISM); default 2. */
  parseParallelism: number;
  /**
   * The task queues the scheduler's own threads serve in `standalone`, beside remote workers
   * (`--local-queues` / UPDRAFT_LOCAL_QUEUES, a comma list; empty: none, every task runs on a
   * remote worker). Default `default`.
   */
  localQueues: string[];
  /** A remote worker silent this long is lost and its tasks retried (`--worker-timeout` / UPDRAFT_WORKER_TIMEOUT); default 30s. */
  workerTimeoutMs: number;
  /**
   * The adaptive thread pool (standalone, scheduler, worker): it grows from `min` to `max` threads
   * with the backlog, and recycles a thread whose heap passes `memoryLimitMb` after a try
   * (UPDRAFT_MIN_THREADS, UPDRAFT_MAX_THREADS, UPDRAFT_THREAD_MEMORY_LIMIT_MB; defaults 1, two per
   * core, 1024).
   */
  threads: { min: number | undefined; max: number | undefined; memoryLimitMb: number };
  /** How often remote workers heartbeat (`--worker-heartbeat` / UPDRAFT_WORKER_HEARTBEAT); default a fifth of the time-out, at most 5s. */
  workerHeartbeatMs: number;
}

export const CONFIG_FLAGS = {
  home: { type: "string" },
  "db-url": { type: "string" },
  "dags-folder": { type: "string" },
  port: { type: "string" },
  server: { type: "string" },
  token: { type: "string" },
  executor: { type: "string" },
  "local-queues": { type: "string" },
  "worker-timeout": { type: "string" },
  "worker-heartbeat": { type: "string" },
} as const;

export type ConfigFlags = Partial<Record<keyof typeof CONFIG_FLAGS, string>>;

function positiveInt(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a whole number of at least 1, got "${raw}"`);
  return n;
}

/** A duration setting: a unit is required ("30s", "500ms"); a bare number is refused, naming the setting. */
function durationSetting(raw: string, setting: string, label: string): number {
  const problem = settingProblem(setting, raw);
  if (problem) throw new Error(problem.replace(setting, label));
  return parseDuration(raw, label);
}

export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): Config {
  const home = resolve(flags.home ?? env.UPDRAFT_HOME ?? ".updraft");
  const port = Number(flags.port ?? env.UPDRAFT_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port / UPDRAFT_PORT: "${flags.port ?? env.UPDRAFT_PORT}" is not a port number`);
  const executor = flags.executor ?? env.UPDRAFT_EXECUTOR ?? "threads";
  if (executor !== "threads" && executor !== "sequential") throw new Error(`--executor / UPDRAFT_EXECUTOR: expected "threads" or "sequential", got "${executor}"`);
  const parseTimeoutMs = durationSetting(env.UPDRAFT_PARSE_TIMEOUT || "30s", "UPDRAFT_PARSE_TIMEOUT", "UPDRAFT_PARSE_TIMEOUT");
  const workerTimeoutMs = durationSetting(flags["worker-timeout"] ?? (env.UPDRAFT_WORKER_TIMEOUT || "30s"), "UPDRAFT_WORKER_TIMEOUT", "--worker-timeout / UPDRAFT_WORKER_TIMEOUT");
  // By default a worker heartbeats five times per time-out (at most every 5s), so a short cut never costs it its tries.
  const heartbeat = flags["worker-heartbeat"] ?? (env.UPDRAFT_WORKER_HEARTBEAT || undefined);
  const workerHeartbeatMs = heartbeat === undefined ? Math.min(5_000, workerTimeoutMs / 5) : durationSetting(heartbeat, "UPDRAFT_WORKER_HEARTBEAT", "--worker-heartbeat / UPDRAFT_WORKER_HEARTBEAT");
  if (workerHeartbeatMs < 1 || workerHeartbeatMs >= workerTimeoutMs) {
    throw new Error(`--worker-heartbeat / UPDRAFT_WORKER_HEARTBEAT (${workerHeartbeatMs}ms) must be at least 1ms and shorter than --worker-timeout / UPDRAFT_WORKER_TIMEOUT (${workerTimeoutMs}ms)`);
  }
  const threads = {
    min: positiveInt(env.UPDRAFT_MIN_THREADS, "UPDRAFT_MIN_THREADS"),
    max: positiveInt(env.UPDRAFT_MAX_THREADS, "UPDRAFT_MAX_THREADS"),
    memoryLimitMb: positiveInt(env.UPDRAFT_THREAD_MEMORY_LIMIT_MB, "UPDRAFT_THREAD_MEMORY_LIMIT_MB") ?? 1024,
  };
  if (threads.min !== undefined && threads.max !== undefined && threads.min > threads.max) {
    throw new Error(`UPDRAFT_MIN_THREADS (${threads.min}) is more than UPDRAFT_MAX_THREADS (${threads.max})`);
  }
  const localQueues = (flags["local-queues"] ?? env.UPDRAFT_LOCAL_QUEUES ?? "default").split(",").map((q) => q.trim()).filter(Boolean);
  return {
    executor,
    parseTimeoutMs,
    parseMemoryMb: positiveInt(env.UPDRAFT_PARSE_MEMORY_MB, "UPDRAFT_PARSE_MEMORY_MB") ?? 512,
    parseParallelism: positiveInt(env.UPDRAFT_PARSE_PARALLELISM, "UPDRAFT_PARSE_PARALLELISM") ?? 2,
    localQueues,
    threads,
    workerTimeoutMs: Math.round(workerTimeoutMs),
    workerHeartbeatMs: Math.round(workerHeartbeatMs),
    home,
    dbUrl: flags["db-url"] ?? env.UPDRAFT_DB_URL ?? `file:${join(home, "updraft.db")}`,
    dagsFolder: resolve(flags["dags-folder"] ?? env.UPDRAFT_DAGS_FOLDER ?? "dags"),
    port,
    secretKey: env.UPDRAFT_SECRET_KEY,
    server: flags.server ?? env.UPDRAFT_SERVER,
    token: flags.token ?? env.UPDRAFT_TOKEN,
  };
}

/**
 * The key that encrypts variables and connection secrets: UPDRAFT_SECRET_KEY, or one generated
 * on first use and kept in `<home>/secret_key` (readable by its owner only).
 */
export async function secretKeyFor(config: Config): Promise<string> {
  if (config.secretKey) return config.secretKey;
  const file = join(config.home, "secret_key");
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    await mkdir(config.home, { recursive: true });
    const key = randomBytes(32).toString("base64url");
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: "wx" }).catch(async () => undefined);
    return (await readFile(file, "utf8")).trim();
  }
}

/** The file that holds the key a rotation replaces, until the rotation is done (see secret-key.ts). */
export const PREVIOUS_KEY_FILE = "secret_key.previous";

/**
 * Keys that still decrypt while the secret key is being rotated (Airflow's `fernet_key =
 * new,old`): UPDRAFT_SECRET_KEY_PREVIOUS (comma-separated), and `<home>/secret_key.previous`, which
 * `updraft rotate-secret-key` keeps while it re-encrypts. Values are always written under the
 * current key.
 */
export async function previousSecretKeysFor(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const keys = (env.UPDRAFT_SECRET_KEY_PREVIOUS ?? "").split(",").map((k) => k.trim()).filter(Boolean);
  try {
    const fromFile = (await readFile(join(config.home, PREVIOUS_KEY_FILE), "utf8")).trim();
    if (fromFile) keys.push(fromFile);
  } catch {
    // no rotation under way
  }
  return keys;
}

/** The DAG processor's settings: the folder, where bundles go, and the parse limits. */
export function processorOptions(config: Config): {
  dagsFolder: string; home: string; parseTimeoutMs: number; parseMemoryMb: number; parseParallelism: number;
} {
  return {
    dagsFolder: config.dagsFolder, home: config.home,
    parseTimeoutMs: config.parseTimeoutMs, parseMemoryMb: config.parseMemoryMb, parseParallelism: config.parseParallelism,
  };
}
