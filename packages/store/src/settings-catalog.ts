// Every setting Updraft reads, in one list: its kind, its default, who reads it, whether it holds
// a secret, and where Airflow keeps its counterpart. The CLI checks the environment against it at
// start (settingProblem), `updraft config list` and `GET /api/v1/config` show it, and the README's
// settings table is generated from it (scripts/settings-table.ts; a test keeps the two equal).
// Settings are environment variables; `.env` and `updraft.config.{json,yaml}` hold the same keys
// (apps and the CLI load them through @updraft/cli's settings sources).
// This file imports nothing, so the CLI can check settings before it loads anything heavy.

/** How a setting's value is read; `settingProblem` checks each kind. */
export type SettingKind =
  | "text" | "path" | "url" | "port" | "count" | "bytes" | "duration" | "milliseconds" | "boolean" | "choice" | "list";

/** Which processes read a setting, as the README's table groups them. */
export type SettingGroup = "every command" | "server" | "scheduler" | "worker" | "cli" | "portal";

export interface SettingSpec {
  /** The environment variable (also the key in `.env` and `updraft.config.*`). */
  name: string;
  kind: SettingKind;
  /** The values a `choice` takes. */
  choices?: readonly string[];
  /** The default as people read it; `""` when unset means off or none. */
  default: string;
  /** What it does, in one sentence. */
  description: string;
  group: SettingGroup;
  /** The command-line flag that overrides it, on every command. */
  flag?: string;
  /** Never shown: `config list` and `/api/v1/config` print `< hidden >`. */
  secret?: boolean;
  /** Where `GET /api/v1/config` and `config get-value SECTION OPTION` show it, as Airflow names it. */
  airflow?: ReadonlyArray<readonly [section: string, option: string]>;
}

/** What Airflow shows in place of a sensitive value. */
export const HIDDEN = "< hidden >";

/** `UPDRAFT_CONN_<ID>` holds a connection (a URI or Airflow's JSON form); any id is allowed. */
export const CONNECTION_PREFIX = "UPDRAFT_CONN_";

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** Every setting, grouped by what reads it. */
export const SETTINGS: readonly SettingSpec[] = [
  // Every command.
  { name: "UPDRAFT_HOME", kind: "path", default: ".updraft", flag: "--home", group: "every command", description: "Updraft's home: the embedded database, task logs, DAG bundles, the generated secret key.", airflow: [["core", "home"]] },
  { name: "UPDRAFT_DB_URL", kind: "text", default: "file:$UPDRAFT_HOME/updraft.db", flag: "--db-url", group: "every command", secret: true, description: "The metadata database: a `file:` path (embedded libSQL), or `libsql://…` / `http(s)://…` for a libSQL server or Turso.", airflow: [["database", "sql_alchemy_conn"]] },
  { name: "UPDRAFT_DB_AUTH_TOKEN", kind: "text", default: "", group: "every command", secret: true, description: "The auth token of a remote libSQL server or Turso database.", airflow: [["database", "auth_token"]] },
  { name: "UPDRAFT_DAGS_FOLDER", kind: "path", default: "dags", flag: "--dags-folder", group: "every command", description: "Where the DAG files are.", airflow: [["core", "dags_folder"]] },
  { name: "UPDRAFT_SECRET_KEY", kind: "text", default: "generated into $UPDRAFT_HOME/secret_key", group: "every command", secret: true, description: "The key that encrypts variables and connection secrets at rest (Airflow's fernet key).", airflow: [["core", "fernet_key"], ["webserver", "secret_key"]] },
  { name: "UPDRAFT_SECRET_KEY_PREVIOUS", kind: "list", default: "", group: "every command", secret: true, description: "Earlier keys that still decrypt during a key rotation (comma-separated); see `updraft rotate-secret-key`." },
  { name: "UPDRAFT_EXECUTOR", kind: "choice", choices: ["threads", "sequential"], default: "threads", flag: "--executor", group: "every command", description: "`threads` runs tries in an adaptive thread pool; `sequential` one at a time in the main thread, for debugging.", airflow: [["core", "executor"]] },
  { name: "UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION", kind: "boolean", default: "true", group: "every command", description: "Whether a DAG seen for the first time starts paused (a DAG's `isPausedUponCreation` wins).", airflow: [["core", "dags_are_paused_at_creation"]] },
  { name: "UPDRAFT_LOG_LEVEL", kind: "choice", choices: LOG_LEVELS, default: "info", group: "every command", description: "The least severe server log record written.", airflow: [["logging", "logging_level"]] },
  { name: "UPDRAFT_LOG_FORMAT", kind: "choice", choices: ["json", "pretty"], default: "json, or pretty on a terminal", group: "every command", description: "Server logs as one JSON object per line or as readable lines.", airflow: [["logging", "log_format"]] },
  { name: "UPDRAFT_CONFIG", kind: "path", default: "updraft.config.{json,yaml,yml}", group: "every command", description: "A settings file with these same keys; by default the one in the working folder, if any. Set only in the environment." },
  { name: "UPDRAFT_CONN_<ID>", kind: "text", default: "", group: "every command", secret: true, description: "A connection, as a URI or Airflow's JSON form (`UPDRAFT_CONN_MY_PG` is `my_pg`); it wins over a stored one." },
  // The server (standalone, api).
  { name: "UPDRAFT_PORT", kind: "port", default: "8080", flag: "--port", group: "server", description: "The HTTP port of the API, UI and worker socket.", airflow: [["webserver", "web_server_port"]] },
  { name: "UPDRAFT_HOST", kind: "text", default: "0.0.0.0", group: "server", description: "The address the HTTP server listens on.", airflow: [["webserver", "web_server_host"]] },
  { name: "UPDRAFT_CORS_ORIGINS", kind: "list", default: "", group: "server", description: "Origins (comma-separated) whose pages may call the API, such as a portal that embeds the UI.", airflow: [["api", "access_control_allow_origins"]] },
  { name: "UPDRAFT_METRICS_PUBLIC", kind: "boolean", default: "false", group: "server", description: "Whether `GET /metrics` answers without a token.", airflow: [["metrics", "public"]] },
  { name: "UPDRAFT_EXPOSE_CONFIG", kind: "choice", choices: ["true", "false", "non-sensitive-only"], default: "false", group: "server", description: "Whether `GET /api/v1/config` answers admins (secrets always read `< hidden >`).", airflow: [["webserver", "expose_config"]] },
  { name: "UPDRAFT_MAX_REQUEST_BYTES", kind: "bytes", default: "1048576", group: "server", description: "The largest request body; a larger one is answered 413.", airflow: [["webserver", "max_request_bytes"]] },
  { name: "UPDRAFT_MAX_JSON_DEPTH", kind: "count", default: "64", group: "server", description: "The deepest nesting of a JSON request body; deeper is answered 400.", airflow: [["webserver", "max_json_depth"]] },
  { name: "UPDRAFT_MAX_VARIABLE_BYTES", kind: "bytes", default: "524288", group: "server", description: "The largest variable value.", airflow: [["core", "max_variable_bytes"]] },
  { name: "UPDRAFT_EVENT_BACKLOG_BYTES", kind: "bytes", default: "2097152", group: "server", description: "How far one event-stream client may fall behind before it is closed and told to resynchronise.", airflow: [["webserver", "event_backlog_bytes"]] },
  // The scheduler (standalone, scheduler, dags test).
  { name: "UPDRAFT_PARSE_INTERVAL_MS", kind: "milliseconds", default: "5000", group: "scheduler", description: "How often the DAGs folder is listed for new and changed files.", airflow: [["scheduler", "dag_dir_list_interval"]] },
  { name: "UPDRAFT_PARSE_TIMEOUT", kind: "duration", default: "30s", group: "scheduler", description: "How long one DAG file may take to load.", airflow: [["core", "dagbag_import_timeout"]] },
  { name: "UPDRAFT_PARSE_MEMORY_MB", kind: "count", default: "512", group: "scheduler", description: "The memory one DAG file's load may use, heap and off-heap, in MB.", airflow: [["scheduler", "parse_memory_mb"]] },
  { name: "UPDRAFT_PARSE_PARALLELISM", kind: "count", default: "2", group: "scheduler", description: "How many DAG files load at once.", airflow: [["scheduler", "parsing_processes"]] },
  { name: "UPDRAFT_SCHEDULER_LEASE_MS", kind: "milliseconds", default: "30000", group: "scheduler", description: "The scheduler's lease; another scheduler may take over once it has expired.", airflow: [["scheduler", "lease_ms"]] },
  { name: "UPDRAFT_MAX_MAP_LENGTH", kind: "count", default: "100000", group: "scheduler", description: "The most mapped task instances one `expand` may create.", airflow: [["core", "max_map_length"]] },
  { name: "UPDRAFT_MAX_XCOM_BYTES", kind: "bytes", default: "1048576", group: "scheduler", description: "The largest XCom (a return value or pushed value), in bytes of JSON; a try over it fails.", airflow: [["core", "max_xcom_bytes"]] },
  { name: "UPDRAFT_MIN_THREADS", kind: "count", default: "1", group: "scheduler", description: "The fewest threads of the adaptive pool (also on workers).", airflow: [["threads_executor", "min_threads"]] },
  { name: "UPDRAFT_MAX_THREADS", kind: "count", default: "two per core, at least 2", group: "scheduler", description: "The most threads of the adaptive pool (also on workers).", airflow: [["threads_executor", "max_threads"]] },
  { name: "UPDRAFT_THREAD_MEMORY_LIMIT_MB", kind: "count", default: "1024", group: "scheduler", description: "A thread whose heap passes this after a try is recycled.", airflow: [["threads_executor", "thread_memory_limit_mb"]] },
  { name: "UPDRAFT_LOCAL_QUEUES", kind: "list", default: "default", flag: "--local-queues", group: "scheduler", description: "The queues the server's own threads serve; empty: every task runs on a remote worker.", airflow: [["threads_executor", "local_queues"]] },
  { name: "UPDRAFT_WORKER_TIMEOUT", kind: "duration", default: "30s", flag: "--worker-timeout", group: "scheduler", description: "A remote worker silent this long is lost, and its started tries are retried.", airflow: [["remote_workers", "worker_timeout"]] },
  { name: "UPDRAFT_WORKER_HEARTBEAT", kind: "duration", default: "a fifth of the time-out, at most 5s", flag: "--worker-heartbeat", group: "scheduler", description: "How often remote workers heartbeat.", airflow: [["remote_workers", "worker_heartbeat"]] },
  // Remote workers (`updraft worker`) and commands sent to a server.
  { name: "UPDRAFT_SERVER", kind: "url", default: "", flag: "--server", group: "worker", description: "A running server: `updraft worker` connects to it, and other commands go through its REST API." },
  { name: "UPDRAFT_TOKEN", kind: "text", default: "", flag: "--token", group: "worker", secret: true, description: "The bearer token for `UPDRAFT_SERVER` (scope `worker` for a worker)." },
  { name: "UPDRAFT_WORKER_CONCURRENCY", kind: "count", default: "the machine's cores", group: "worker", description: "How many tries a worker runs at once." },
  { name: "UPDRAFT_WORKER_QUEUES", kind: "list", default: "default", group: "worker", description: "The queues a worker serves (comma-separated)." },
  { name: "UPDRAFT_WORKER_NAME", kind: "text", default: "host-pid", group: "worker", description: "The name a worker is listed under." },
  // The CLI's own.
  { name: "UPDRAFT_PASSWORD", kind: "text", default: "", group: "cli", secret: true, description: "The password for `users create` and `users reset-password`, instead of a flag that shows in `ps`." },
  // The portal example (apps/portal).
  { name: "UPDRAFT_URL", kind: "url", default: "http://127.0.0.1:8080", group: "portal", description: "The Updraft server the portal example embeds." },
  { name: "UPDRAFT_DAG", kind: "text", default: "daily_sales", group: "portal", description: "The DAG the portal example shows." },
  { name: "PORTAL_PORT", kind: "port", default: "8090", group: "portal", description: "The portal example's port." },
  { name: "PORTAL_HOST", kind: "text", default: "127.0.0.1", group: "portal", description: "The address the portal example listens on." },
];

const BY_NAME = new Map(SETTINGS.map((s) => [s.name, s]));

/**
 * The spec of a setting by its variable's name; `UPDRAFT_CONN_MY_PG` finds `UPDRAFT_CONN_<ID>`.
 * @example settingSpec("UPDRAFT_PORT")?.default // "8080"
 */
export function settingSpec(name: string): SettingSpec | undefined {
  if (name.startsWith(CONNECTION_PREFIX) && name.length > CONNECTION_PREFIX.length) return BY_NAME.get("UPDRAFT_CONN_<ID>");
  return BY_NAME.get(name);
}

/** Whether a setting's value must be hidden: a secret, or a connection. */
export function isSecretSetting(name: string): boolean {
  return settingSpec(name)?.secret === true;
}

const TRUE = new Set(["true", "1", "yes"]);
const FALSE = new Set(["false", "0", "no"]);

/**
 * A boolean setting: `true`/`1`/`yes` or `false`/`0`/`no` (any case); unset or empty gives
 * `fallback`; anything else throws, naming the setting.
 * @example booleanSetting("UPDRAFT_METRICS_PUBLIC", false, { UPDRAFT_METRICS_PUBLIC: "yes" }) // true
 */
export function booleanSetting(name: string, fallback: boolean, env: Record<string, string | undefined> = process.env): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new Error(`${name}: expected true or false (or 1/0, yes/no), got "${raw}"`);
}

const DURATION = /^(\d+(\.\d+)?\s*(ms|s|m|h|d|w)\s*)+$/;

/**
 * What is wrong with a setting's value, in one line naming it, or undefined when it is fine (or
 * the setting is not one of Updraft's). Empty values are unset, except where that is meaningful.
 * A duration without a unit is refused: "30" could be seconds or milliseconds.
 * @example settingProblem("UPDRAFT_PARSE_TIMEOUT", "30") // 'UPDRAFT_PARSE_TIMEOUT: "30" has no unit; write e.g. "30s" or "500ms"'
 */
export function settingProblem(name: string, value: string): string | undefined {
  const spec = settingSpec(name);
  if (!spec) return undefined;
  const v = value.trim();
  if (v === "") return undefined;
  // A secret's value is never echoed in a message.
  const bad = (expected: string) => `${name}: expected ${expected}, got ${spec.secret ? "something else (the value is hidden)" : `"${value}"`}`;
  switch (spec.kind) {
    case "port": {
      const n = Number(v);
      return Number.isInteger(n) && n >= 0 && n <= 65535 ? undefined : bad("a port number (0 to 65535)");
    }
    case "count":
    case "bytes":
    case "milliseconds": {
      const n = Number(v);
      const unit = spec.kind === "count" ? "a whole number" : spec.kind === "bytes" ? "a whole number of bytes" : "a whole number of milliseconds";
      return Number.isSafeInteger(n) && n >= 1 ? undefined : bad(`${unit} of at least 1`);
    }
    case "duration":
      if (/^\d+(\.\d+)?$/.test(v)) return `${name}: "${value}" has no unit; write e.g. "${v}s" or "${v}ms"`;
      return DURATION.test(v) ? undefined : bad('a duration such as "500ms", "30s", "5m" or "1h"');
    case "boolean":
      return TRUE.has(v.toLowerCase()) || FALSE.has(v.toLowerCase()) ? undefined : bad("true or false (or 1/0, yes/no)");
    case "choice":
      return spec.choices!.includes(v.toLowerCase()) ? undefined : bad(`one of ${spec.choices!.join(", ")}`);
    case "url":
      return URL.canParse(v) ? undefined : bad("a URL");
    default:
      return undefined;
  }
}

/** Edit distance, for suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * The settings whose names are close to an unknown one, closest first, for "did you mean".
 * @example similarSettings("UPDRAFT_PROT") // ["UPDRAFT_PORT"]
 */
export function similarSettings(name: string): string[] {
  const upper = name.toUpperCase();
  return SETTINGS.map((s) => ({ name: s.name, d: distance(upper, s.name) }))
    .filter((s) => s.d <= Math.max(2, Math.floor(s.name.length / 5)))
    .sort((a, b) => a.d - b.d)
    .map((s) => s.name);
}
