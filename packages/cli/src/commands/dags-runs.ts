// `updraft dags list-runs | state | next-execution`, with Airflow 2.10's semantics and output:
// against the database here, or with --server through the REST API. list-runs reads the runs a
// page at a time (the store's keyset pages, the API's limit/offset pages) and prints them as they
// come, so years of history never sit in memory.
import { eq } from "drizzle-orm";
import { currentDagVersion, dag, type DagRun, dagRunPages, findDagRunByLogicalDate, latestDagRun, type Store } from "@updraft/store";
import type { RunState, ScheduleSpec, SerializedDag } from "@updraft/sdk";
import { nextDataInterval, parseSchedule, type DataInterval } from "@updraft/scheduler";
import type { Config } from "../config.ts";
import { NotFoundError, UsageError } from "../errors.ts";
import { openConfiguredStore } from "../runtime.ts";
import { parseLogicalDate } from "./parse-flags.ts";
import { ApiClient } from "./remote.ts";
import { airflowIsoformat, apiPages, printRowStream, type Row } from "./row-stream.ts";

const enc = encodeURIComponent;
const RUN_STATES: readonly RunState[] = ["queued", "running", "success", "failed"];

/** The columns of Airflow's `dags list-runs`. */
export const LIST_RUNS_COLUMNS = ["dag_id", "run_id", "state", "execution_date", "start_date", "end_date"];

export interface ListRunsOptions {
  /** Only runs in this state (Airflow lowercases it). */
  state?: string;
  /** Leave backfill runs out. */
  noBackfill?: boolean;
  /** Logical date at or after (ISO 8601). */
  startDate?: string;
  /** Logical date at or before (ISO 8601). */
  endDate?: string;
  output?: string;
}

async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openConfiguredStore(config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The DAG's row, or NotFoundError as Airflow's "does not exist in 'dag' table". */
export async function requireDag(store: Store, dagId: string) {
  const [row] = await store.db.select().from(dag).where(eq(dag.dagId, dagId));
  if (!row) throw new NotFoundError(`dag "${dagId}"`, "run `updraft dags list` to parse the DAGs folder");
  return row;
}

/** The serialized structure of the DAG's current version. */
export async function currentVersion(store: Store, dagId: string): Promise<SerializedDag> {
  await requireDag(store, dagId);
  const v = await currentDagVersion(store, dagId);
  if (!v) throw new NotFoundError(`a parsed version of dag "${dagId}"`, "run `updraft dags reserialize`");
  return v.serialized;
}

function runState(state: string | undefined): RunState | undefined {
  if (state === undefined) return undefined;
  const s = state.toLowerCase();
  if (!(RUN_STATES as readonly string[]).includes(s)) throw new UsageError(`--state: expected one of ${RUN_STATES.join(", ")}, got "${state}"`);
  return s as RunState;
}

const runRow = (r: DagRun): Row => ({
  dag_id: r.dagId, run_id: r.runId, state: r.state, execution_date: airflowIsoformat(r.logicalDate),
  start_date: airflowIsoformat(r.startDate), end_date: airflowIsoformat(r.endDate),
});

/**
 * `dags list-runs -d DAG_ID [--state S] [--no-backfill] [-s START] [-e END]`: the DAG's runs,
 * newest logical date first.
 * @example await dagsListRuns(config, "daily_sales", { state: "failed", output: "json" });
 */
export async function dagsListRuns(config: Config, dagId: string, opts: ListRunsOptions): Promise<number> {
  const state = runState(opts.state);
  const from = parseLogicalDate(opts.startDate, "--start-date");
  const to = parseLogicalDate(opts.endDate, "--end-date");
  if (config.server) {
    const client = new ApiClient(config);
    await client.request("GET", `/api/v1/dags/${enc(dagId)}`);
    const q = new URLSearchParams({ order_by: "-execution_date" });
    if (state) q.set("state", state);
    if (from) q.set("execution_date_gte", from.toISOString());
    if (to) q.set("execution_date_lte", to.toISOString());
    const path = `/api/v1/dags/${enc(dagId)}/dagRuns?${q}`;
    await printRowStream(async function* () {
      for await (const page of apiPages<Record<string, string | null>>(client, path, "dag_runs")) {
        yield page.filter((r) => !opts.noBackfill || r.run_type !== "backfill").map((r) => ({
          dag_id: r.dag_id, run_id: r.dag_run_id, state: r.state, execution_date: airflowIsoformat(r.execution_date),
          start_date: airflowIsoformat(r.start_date), end_date: airflowIsoformat(r.end_date),
        }));
      }
    }, opts.output, LIST_RUNS_COLUMNS);
    return 0;
  }
  return withStore(config, async (store) => {
    await requireDag(store, dagId);
    const filter = { dagId, ...(state ? { states: [state] } : {}), noBackfill: opts.noBackfill ?? false, ...(from ? { from } : {}), ...(to ? { to } : {}) };
    await printRowStream(async function* () {
      for await (const page of dagRunPages(store, filter)) yield page.map(runRow);
    }, opts.output, LIST_RUNS_COLUMNS);
    return 0;
  });
}

/** Python's `json.dumps` text (`{"a": 1, "b": [1, 2]}`), as Airflow prints a run's conf. */
export function pythonJsonDumps(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pythonJsonDumps).join(", ")}]`;
  if (v !== null && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pythonJsonDumps(x)}`).join(", ")}}`;
  return JSON.stringify(v) ?? "null";
}

/**
 * `dags state DAG_ID LOGICAL_DATE`: the state of the DAG's run at that logical date, and its conf
 * when it has one (`failed, {"name": "bob"}`); `None` when there is no such run.
 */
export async function dagsState(config: Config, dagId: string, logicalDate: string): Promise<number> {
  const at = parseLogicalDate(logicalDate, "logical_date")!;
  let found: { state: string; conf: Record<string, unknown> | null } | null;
  if (config.server) {
    const client = new ApiClient(config);
    await client.request("GET", `/api/v1/dags/${enc(dagId)}`);
    const iso = enc(at.toISOString());
    const { dag_runs } = await client.request<{ dag_runs: Array<{ state: string; conf: Record<string, unknown> | null }> }>(
      "GET", `/api/v1/dags/${enc(dagId)}/dagRuns?execution_date_gte=${iso}&execution_date_lte=${iso}&limit=1`);
    found = dag_runs[0] ?? null;
  } else {
    found = await withStore(config, async (store) => {
      await requireDag(store, dagId);
      return findDagRunByLogicalDate(store, dagId, at);
    });
  }
  const conf = found?.conf && Object.keys(found.conf).length ? `, ${pythonJsonDumps(found.conf)}` : "";
  console.log(`${found ? found.state : "None"}${conf}`);
  return 0;
}

/** What next-execution needs of a DAG: its schedule and the interval of its next scheduled run. */
interface ScheduleInfo {
  paused: boolean;
  schedule: ScheduleSpec | null;
  timezone: string;
  next: DataInterval | null;
}

function followingIntervals(info: ScheduleInfo, count: number): Array<DataInterval | null> {
  const out: Array<DataInterval | null> = [info.next];
  for (let i = 1; i < count; i++) {
    const prev = out[i - 1] ?? null;
    // Airflow's next_dagrun_info(restricted=False): the schedule alone, without start/end date or catchup.
    out.push(prev && info.schedule ? nextDataInterval(info.schedule, { last: prev, startDate: null, endDate: null, catchup: true, now: prev.end, timezone: info.timezone }) : null);
  }
  return out;
}

/** A schedule as the API's `schedule_interval` gives it (CronExpression or TimeDelta), back to a spec. */
function scheduleFromApi(s: { __type?: string; value?: string; days?: number; seconds?: number; microseconds?: number } | null): ScheduleSpec | null {
  if (!s) return null;
  if (s.__type === "CronExpression" && s.value) return parseSchedule(s.value, "schedule_interval");
  if (s.__type === "TimeDelta") return { kind: "interval", everyMs: (s.days ?? 0) * 86_400_000 + (s.seconds ?? 0) * 1000 + Math.round((s.microseconds ?? 0) / 1000) };
  return null;
}

async function scheduleInfo(config: Config, dagId: string): Promise<ScheduleInfo> {
  if (config.server) {
    const client = new ApiClient(config);
    const d = await client.request<{ is_paused: boolean; next_dagrun_data_interval_start: string | null; next_dagrun_data_interval_end: string | null; next_dagrun: string | null }>(
      "GET", `/api/v1/dags/${enc(dagId)}`);
    const details = await client.request<{ schedule_interval: Parameters<typeof scheduleFromApi>[0]; timezone?: string }>("GET", `/api/v1/dags/${enc(dagId)}/details`);
    const start = d.next_dagrun_data_interval_start ?? d.next_dagrun;
    const end = d.next_dagrun_data_interval_end ?? start;
    return {
      paused: d.is_paused, schedule: scheduleFromApi(details.schedule_interval), timezone: details.timezone ?? "UTC",
      next: start && end ? { start: new Date(start), end: new Date(end) } : null,
    };
  }
  return withStore(config, async (store) => {
    const row = await requireDag(store, dagId);
    const s = await currentVersion(store, dagId);
    return { paused: row.isPaused, schedule: s.schedule, timezone: s.timezone, next: await nextScheduledInterval(store, s) };
  });
}

/**
 * The data interval of the DAG's next scheduled run, as the scheduler computes it from its cursor
 * (the latest scheduled or backfill run), or null when the schedule makes no more runs.
 */
export async function nextScheduledInterval(store: Store, s: SerializedDag, now = new Date()): Promise<DataInterval | null> {
  if (!s.schedule) return null;
  const last = await latestDagRun(store, s.id, ["scheduled", "backfill"]);
  const lastInterval = last ? { start: last.dataIntervalStart ?? last.logicalDate, end: last.dataIntervalEnd ?? last.logicalDate } : null;
  return nextDataInterval(s.schedule, {
    last: lastInterval, startDate: s.startDate ? new Date(s.startDate) : null, endDate: s.endDate ? new Date(s.endDate) : null,
    catchup: s.catchup, now, timezone: s.timezone,
  });
}

/**
 * `dags next-execution DAG_ID [-n N]`: the logical date of the DAG's next scheduled run, and of
 * the N-1 after it; `None` (with a warning on stderr) when the schedule makes no more runs.
 */
export async function dagsNextExecution(config: Config, dagId: string, opts: { numExecutions?: string }): Promise<number> {
  const count = opts.numExecutions === undefined ? 1 : Number(opts.numExecutions);
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`--num-executions: expected a whole number of at least 1, got "${opts.numExecutions}"`);
  const info = await scheduleInfo(config, dagId);
  if (info.paused) console.error("[INFO] Please be reminded this DAG is PAUSED now.");
  for (const interval of followingIntervals(info, count)) {
    if (!interval) {
      console.error("[WARN] No following schedule can be found. This DAG may have schedule interval '@once' or `None`.");
      console.log("None");
    } else console.log(airflowIsoformat(interval.start));
  }
  return 0;
}
