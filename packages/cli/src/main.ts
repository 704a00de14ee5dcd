// The `updraft` command: parses the command line and runs one command (DESIGN.md, Contract 3).
// Exit codes: 0 success, 1 a run or task failed, 2 bad usage or a DAG that does not load.
import { parseArgs } from "node:util";
import { loadConfig, CONFIG_FLAGS, type Config, type ConfigFlags } from "./config.ts";
import { UsageError } from "./errors.ts";
import { VERSION } from "./version.ts";
import { openConfiguredStore } from "./runtime.ts";
import { runApiProcess, runServerProcess } from "./commands/standalone.ts";
import { remoteDags, remoteTrigger, remoteVariables } from "./commands/remote.ts";
import { dagsTest } from "./commands/dags-test.ts";
import { dagsBackfill, dagsTrigger } from "./commands/dags-trigger.ts";
import { dagsList, dagsListImportErrors, dagsSetPaused, dagsShow } from "./commands/dags-admin.ts";
import { tasksTest } from "./commands/tasks-test.ts";
import { connectionsCommand, poolsCommand, variablesCommand } from "./commands/variables.ts";
import { tokensCommand, usersCommand } from "./commands/tokens.ts";
import { runWorkerProcess } from "./commands/worker.ts";

const HELP = `updraft ${VERSION}: a workflow orchestrator (Airflow's model, in TypeScript)

  updraft standalone                     migrate, parse dags/, schedule, run tasks in threads, serve :8080
  updraft scheduler                      the scheduler and its thread executor, without HTTP
  updraft api                            the HTTP API alone (runs it triggers are queued for the scheduler)
  updraft worker --server URL --token T [--concurrency N] [--queues a,b] [--name X]
                                         a remote worker: runs tries of its queues in threads of its own
  updraft db migrate
  updraft dags list | show ID | pause ID | unpause ID | list-import-errors      [--output json]
  updraft dags test ID [--logical-date ISO] [--conf JSON] [--output json]
  updraft dags trigger ID [--conf JSON] [--logical-date ISO] [--run-id ID] [--wait] [--server URL --token T]
  updraft dags backfill ID --from ISO --to ISO [--conf JSON]
  updraft tasks test DAG_ID TASK_ID [--logical-date ISO] [--map-index N]
  updraft variables get KEY | set KEY VALUE | list | delete KEY
  updraft connections add ID --conn-type T [--conn-host H ...] | list | delete ID
  updraft pools set NAME SLOTS [DESCRIPTION] | list | delete NAME
  updraft tokens create --scope read|trigger|edit|admin|worker [--name N] [--dags 'sales_*,b'] [--expires 30d|ISO] | list | revoke ID
  updraft users create USERNAME --role read|trigger|edit|admin --password P (or UPDRAFT_PASSWORD)

Settings (flag or environment): --home UPDRAFT_HOME (.updraft), --db-url UPDRAFT_DB_URL,
--dags-folder UPDRAFT_DAGS_FOLDER (dags), --port UPDRAFT_PORT (8080), --executor UPDRAFT_EXECUTOR
(threads | sequential), UPDRAFT_PARSE_TIMEOUT (30s), UPDRAFT_PARSE_MEMORY_MB
(512: a DAG file whose parse uses more is an import error), UPDRAFT_PARSE_PARALLELISM (2), UPDRAFT_SECRET_KEY; the thread pool UPDRAFT_MIN_THREADS (1),
UPDRAFT_MAX_THREADS (2 per core), UPDRAFT_THREAD_MEMORY_LIMIT_MB (1024: a thread past it is recycled); for the server's remote workers
--local-queues UPDRAFT_LOCAL_QUEUES (default; the queues its own threads serve, "" for none),
--worker-timeout UPDRAFT_WORKER_TIMEOUT (30s; a silent worker is lost), --worker-heartbeat
UPDRAFT_WORKER_HEARTBEAT (timeout/5, at most 5s); for workers --server UPDRAFT_SERVER,
--token UPDRAFT_TOKEN, --concurrency UPDRAFT_WORKER_CONCURRENCY (cores), --queues UPDRAFT_WORKER_QUEUES
(default), --name UPDRAFT_WORKER_NAME (host-pid).`;

const FLAGS = {
  ...CONFIG_FLAGS,
  output: { type: "string" },
  conf: { type: "string" },
  "logical-date": { type: "string" },
  "run-id": { type: "string" },
  "map-index": { type: "string" },
  wait: { type: "boolean" },
  from: { type: "string" },
  to: { type: "string" },
  "conn-type": { type: "string" },
  "conn-host": { type: "string" },
  "conn-login": { type: "string" },
  "conn-password": { type: "string" },
  "conn-port": { type: "string" },
  "conn-schema": { type: "string" },
  "conn-extra": { type: "string" },
  scope: { type: "string" },
  name: { type: "string" },
  concurrency: { type: "string" },
  queues: { type: "string" },
  expires: { type: "string" },
  dags: { type: "string" },
  role: { type: "string" },
  password: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true }>>["values"];

function need(value: string | undefined, usage: string): string {
  if (!value) throw new UsageError(`usage: updraft ${usage}`);
  return value;
}

async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    console.log(VERSION);
    return 0;
  }
  const [group, sub, ...rest] = positionals;
  if (values.help || !group) {
    console.log(HELP);
    return group || values.help ? 0 : 2;
  }
  let config: Config;
  try {
    config = loadConfig(values as ConfigFlags);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return dispatch(config, values, group, sub, rest);
}

async function dispatch(config: Config, values: Values, group: string, sub: string | undefined, rest: string[]): Promise<number> {
  switch (group) {
    case "standalone":
      return runServerProcess(config, true);
    case "scheduler":
      return runServerProcess(config, false);
    case "api":
      return runApiProcess(config);
    case "worker":
      return runWorkerProcess(config, { concurrency: values.concurrency, queues: values.queues, name: values.name });
    case "db":
      if (sub !== "migrate") throw new UsageError("usage: updraft db migrate");
      await (await openConfiguredStore(config)).close();
      console.log(`database ${config.dbUrl} is up to date`);
      return 0;
    case "dags":
      return dags(config, values, sub, rest);
    case "tasks":
      if (sub !== "test") throw new UsageError("usage: updraft tasks test DAG_ID TASK_ID");
      return tasksTest(config, need(rest[0], "tasks test DAG_ID TASK_ID"), need(rest[1], "tasks test DAG_ID TASK_ID"), {
        logicalDate: values["logical-date"], mapIndex: values["map-index"], conf: values.conf,
      });
    case "variables":
      if (config.server) return remoteVariables(config, sub, rest, values.output);
      return variablesCommand(config, sub, rest, values.output);
    case "connections":
      return connectionsCommand(config, sub, rest, values as Record<string, string | undefined>, values.output);
    case "pools":
      return poolsCommand(config, sub, rest, values.output);
    case "tokens":
      return tokensCommand(config, sub, rest, { scope: values.scope, name: values.name, expires: values.expires, dags: values.dags }, values.output);
    case "users":
      return usersCommand(config, sub, rest, { role: values.role, password: values.password });
    default:
      throw new UsageError(`unknown command "${group}"\n\n${HELP}`);
  }
}

async function dags(config: Config, values: Values, sub: string | undefined, rest: string[]): Promise<number> {
  const id = (usage: string) => need(rest[0], usage);
  if (config.server) {
    // Against a running server, through its REST API.
    if (sub === "trigger") return remoteTrigger(config, id("dags trigger ID"), { conf: values.conf, logicalDate: values["logical-date"], runId: values["run-id"], wait: values.wait ?? false });
    return remoteDags(config, sub ?? "", rest[0], values.output);
  }
  switch (sub) {
    case "list":
      return dagsList(config, values.output);
    case "show":
      return dagsShow(config, id("dags show ID"), values.output);
    case "pause":
      return dagsSetPaused(config, id("dags pause ID"), true);
    case "unpause":
      return dagsSetPaused(config, id("dags unpause ID"), false);
    case "list-import-errors":
      return dagsListImportErrors(config, values.output);
    case "test":
      if (values.output !== undefined && values.output !== "json" && values.output !== "table") throw new UsageError(`--output: expected json or table, got "${values.output}"`);
      return dagsTest(config, id("dags test ID"), { logicalDate: values["logical-date"], conf: values.conf, output: values.output });
    case "trigger":
      return dagsTrigger(config, id("dags trigger ID"), { conf: values.conf, logicalDate: values["logical-date"], runId: values["run-id"], wait: values.wait ?? false });
    case "backfill":
      return dagsBackfill(config, id("dags backfill ID --from ISO --to ISO"), { from: values.from, to: values.to, conf: values.conf });
    default:
      throw new UsageError(`usage: updraft dags list|show|pause|unpause|list-import-errors|test|trigger|backfill`);
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (err) {
  const usage = err instanceof UsageError
    || (err instanceof Error && ["DagImportError", "SchedulerRequestError", "DagDefinitionError", "SchedulerConflictError"].includes(err.name))
    || (err instanceof Error && err.name === "RemoteError" && (err as Error & { status: number }).status >= 400 && (err as Error & { status: number }).status < 500);
  console.error(`updraft: ${err instanceof Error ? (usage ? err.message : err.stack) : String(err)}`);
  // Exit now: a command that failed half-way may still hold threads or timers that would keep
  // the process alive (stderr is written synchronously to files, pipes and terminals).
  process.exit(usage ? 2 : 1);
}
