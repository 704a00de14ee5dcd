// Updraft's settings as Airflow's configuration sections (GET /api/v1/config): each setting under
// the section and option Airflow names its counterpart, with the value in effect (the environment
// or, when unset, the default the setting documents). Secrets are never shown: an option that
// holds one reads `< hidden >`, as Airflow shows sensitive values.
import { join, resolve } from "node:path";

/** One setting: where Airflow has it, the environment variable, and its default. */
interface Setting {
  section: string;
  option: string;
  env: string;
  default: (env: NodeJS.ProcessEnv, home: string) => string;
  sensitive?: boolean;
}

/** What Airflow shows in place of a sensitive value. */
export const HIDDEN = "< hidden >";

const fixed = (v: string) => () => v;

const SETTINGS: Setting[] = [
  { section: "core", option: "dags_folder", env: "UPDRAFT_DAGS_FOLDER", default: () => resolve("dags") },
  { section: "core", option: "executor", env: "UPDRAFT_EXECUTOR", default: fixed("threads") },
  { section: "core", option: "dagbag_import_timeout", env: "UPDRAFT_PARSE_TIMEOUT", default: fixed("30s") },
  { section: "core", option: "fernet_key", env: "UPDRAFT_SECRET_KEY", default: fixed(""), sensitive: true },
  { section: "core", option: "max_map_length", env: "UPDRAFT_MAX_MAP_LENGTH", default: fixed("1024") },
  { section: "core", option: "max_variable_bytes", env: "UPDRAFT_MAX_VARIABLE_BYTES", default: fixed("1048576") },
  { section: "core", option: "max_xcom_bytes", env: "UPDRAFT_MAX_XCOM_BYTES", default: fixed("1048576") },
  { section: "core", option: "home", env: "UPDRAFT_HOME", default: (_e, home) => home },
  { section: "database", option: "sql_alchemy_conn", env: "UPDRAFT_DB_URL", default: (e, home) => `file:${join(e.UPDRAFT_HOME ?? home, "updraft.db")}`, sensitive: true },
  { section: "database", option: "auth_token", env: "UPDRAFT_DB_AUTH_TOKEN", default: fixed(""), sensitive: true },
  { section: "scheduler", option: "dag_dir_list_interval", env: "UPDRAFT_PARSE_INTERVAL_MS", default: fixed("5000") },
  { section: "scheduler", option: "parsing_processes", env: "UPDRAFT_PARSE_PARALLELISM", default: fixed("2") },
  { section: "scheduler", option: "parse_memory_mb", env: "UPDRAFT_PARSE_MEMORY_MB", default: fixed("512") },
  { section: "scheduler", option: "lease_ms", env: "UPDRAFT_SCHEDULER_LEASE_MS", default: fixed("30000") },
  { section: "threads_executor", option: "min_threads", env: "UPDRAFT_MIN_THREADS", default: fixed("1") },
  { section: "threads_executor", option: "max_threads", env: "UPDRAFT_MAX_THREADS", default: fixed("(one per core)") },
  { section: "threads_executor", option: "thread_memory_limit_mb", env: "UPDRAFT_THREAD_MEMORY_LIMIT_MB", default: fixed("1024") },
  { section: "threads_executor", option: "local_queues", env: "UPDRAFT_LOCAL_QUEUES", default: fixed("default") },
  { section: "remote_workers", option: "worker_timeout", env: "UPDRAFT_WORKER_TIMEOUT", default: fixed("30s") },
  { section: "remote_workers", option: "worker_heartbeat", env: "UPDRAFT_WORKER_HEARTBEAT", default: fixed("(a fifth of worker_timeout, at most 5s)") },
  { section: "webserver", option: "web_server_port", env: "UPDRAFT_PORT", default: fixed("8080") },
  { section: "webserver", option: "web_server_host", env: "UPDRAFT_HOST", default: fixed("0.0.0.0") },
  { section: "webserver", option: "expose_config", env: "UPDRAFT_EXPOSE_CONFIG", default: fixed("False") },
  { section: "webserver", option: "max_request_bytes", env: "UPDRAFT_MAX_REQUEST_BYTES", default: fixed("1048576") },
  { section: "webserver", option: "max_json_depth", env: "UPDRAFT_MAX_JSON_DEPTH", default: fixed("64") },
  { section: "webserver", option: "secret_key", env: "UPDRAFT_SECRET_KEY", default: fixed(""), sensitive: true },
  { section: "api", option: "access_control_allow_origins", env: "UPDRAFT_CORS_ORIGINS", default: fixed("") },
  { section: "logging", option: "logging_level", env: "UPDRAFT_LOG_LEVEL", default: fixed("info") },
  { section: "logging", option: "log_format", env: "UPDRAFT_LOG_FORMAT", default: fixed("pretty") },
];

/** Sections in Airflow's order of first appearance, each with its options' effective values. */
export type Sections = Record<string, Record<string, string>>;

/**
 * The settings in effect, by Airflow section, with secrets hidden; with `nonSensitiveOnly`,
 * options that hold secrets are left out altogether (Airflow's `non-sensitive-only`).
 * @example effectiveSettings(process.env, ".updraft").core.executor // "threads"
 */
export function effectiveSettings(env: NodeJS.ProcessEnv, home: string, nonSensitiveOnly = false): Sections {
  const out: Sections = {};
  for (const s of SETTINGS) {
    if (s.sensitive && nonSensitiveOnly) continue;
    const value = env[s.env] ?? s.default(env, home);
    (out[s.section] ??= {})[s.option] = s.sensitive ? HIDDEN : value;
  }
  return out;
}

/** Reads UPDRAFT_EXPOSE_CONFIG as Airflow reads `[webserver] expose_config`: true, non-sensitive-only, or off. */
export function exposeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): boolean | "non-sensitive-only" {
  const v = (env.UPDRAFT_EXPOSE_CONFIG ?? "").trim().toLowerCase();
  if (v === "non-sensitive-only") return "non-sensitive-only";
  return v === "true" || v === "1" || v === "yes";
}
