// Configuration from the environment, each setting with a flag of the same name (DESIGN.md,
// Contract 3). Flags win over the environment; the environment over defaults.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseDuration } from "@updraft/sdk";

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
}

export const CONFIG_FLAGS = {
  home: { type: "string" },
  "db-url": { type: "string" },
  "dags-folder": { type: "string" },
  port: { type: "string" },
  server: { type: "string" },
  token: { type: "string" },
  executor: { type: "string" },
} as const;

export type ConfigFlags = Partial<Record<keyof typeof CONFIG_FLAGS, string>>;

export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): Config {
  const home = resolve(flags.home ?? env.UPDRAFT_HOME ?? ".updraft");
  const port = Number(flags.port ?? env.UPDRAFT_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port / UPDRAFT_PORT: "${flags.port ?? env.UPDRAFT_PORT}" is not a port number`);
  const executor = flags.executor ?? env.UPDRAFT_EXECUTOR ?? "threads";
  if (executor !== "threads" && executor !== "sequential") throw new Error(`--executor / UPDRAFT_EXECUTOR: expected "threads" or "sequential", got "${executor}"`);
  const parseTimeoutMs = parseDuration(env.UPDRAFT_PARSE_TIMEOUT ?? "30s", "UPDRAFT_PARSE_TIMEOUT");
  return {
    executor,
    parseTimeoutMs,
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
