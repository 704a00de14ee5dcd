// `updraft tasks list | state | render | states-for-dag-run | failed-deps`, with Airflow 2.10's
// semantics and output: against the database here (parsing the DAGs folder first when the DAG is
// not known yet), or with --server through the REST API. failed-deps asks the scheduler's own
// readiness check (taskInstanceDependencies), here or through the API's …/dependencies.
import { and, asc, eq } from "drizzle-orm";
import { dag, dagVersion, findDagRun, findDagRunByLogicalDate, taskInstance, type DagRun, type Store } from "@updraft/store";
import type { Json, SerializedDag, SerializedTask } from "@updraft/sdk";
import { DagProcessor, SchedulerTaskHost, TaskLogWriter, manualDataInterval, taskInstanceDependencies, type FailedDependency } from "@updraft/scheduler";
import { renderTemplate, type TaskAssignment } from "@updraft/worker";
import { processorOptions, type Config } from "../config.ts";
import { NotFoundError, UsageError } from "../errors.ts";
import { openConfiguredStore } from "../runtime.ts";
import { parseAndFind } from "./dag-lookup.ts";
import { printTable } from "./output.ts";
import { ApiClient, RemoteError } from "./remote.ts";
import { airflowIsoformat, apiPages } from "./row-stream.ts";
import { parseLogicalDate } from "./parse-flags.ts";

const enc = encodeURIComponent;

async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openConfiguredStore(config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The DAG's current structure; the DAGs folder is parsed first when the store does not know it yet. */
async function loadDag(config: Config, store: Store, dagId: string): Promise<SerializedDag> {
  const read = async () => (await store.db.select({ s: dagVersion.serialized }).from(dag)
    .innerJoin(dagVersion, and(eq(dagVersion.dagId, dag.dagId), eq(dagVersion.versionHash, dag.versionHash)))
    .where(eq(dag.dagId, dagId)))[0]?.s;
  const known = await read();
  if (known) return known;
  await parseAndFind(new DagProcessor({ store, ...processorOptions(config) }), dagId, config.dagsFolder);
  const parsed = await read();
  if (!parsed) throw new NotFoundError(`dag "${dagId}"`);
  return parsed;
}

function requireTask(s: SerializedDag, taskId: string): SerializedTask {
  const spec = s.tasks.find((t) => t.id === taskId);
  if (!spec) throw new NotFoundError(`task "${taskId}" in dag "${s.id}"`, `its tasks: ${s.tasks.map((t) => t.id).join(", ")}`);
  return spec;
}

function mapIndexOf(raw: string | undefined): number {
  if (raw === undefined) return -1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < -1) throw new UsageError(`--map-index: expected a whole number of at least -1, got "${raw}"`);
  return n;
}

const runNotFound = (dagId: string, what: string) => new NotFoundError(`DagRun for ${dagId} with run_id or execution_date of '${what}'`);

/** Airflow's _get_dag_run: the run with this id, else the run at this logical date. */
async function findRun(store: Store, dagId: string, runIdOrDate: string): Promise<DagRun> {
  const byId = await findDagRun(store, dagId, runIdOrDate);
  if (byId) return byId;
  let at: Date | undefined;
  try {
    at = parseLogicalDate(runIdOrDate);
  } catch {
    at = undefined;
  }
  const byDate = at ? await findDagRunByLogicalDate(store, dagId, at) : null;
  if (!byDate) throw runNotFound(dagId, runIdOrDate);
  return byDate;
}

type ApiRun = { dag_run_id: string; execution_date: string; state: string; conf: Record<string, Json> | null };

async function findRemoteRun(client: ApiClient, dagId: string, runIdOrDate: string): Promise<ApiRun> {
  try {
    return await client.request<ApiRun>("GET", `/api/v1/dags/${enc(dagId)}/dagRuns/${enc(runIdOrDate)}`);
  } catch (err) {
    if (!(err instanceof RemoteError && err.status === 404)) throw err;
  }
  let at: Date | undefined;
  try {
    at = parseLogicalDate(runIdOrDate);
  } catch {
    at = undefined;
  }
  if (at) {
    const iso = enc(at.toISOString());
    const { dag_runs } = await client.request<{ dag_runs: ApiRun[] }>("GET", `/api/v1/dags/${enc(dagId)}/dagRuns?execution_date_gte=${iso}&execution_date_lte=${iso}&limit=1`);
    if (dag_runs[0]) return dag_runs[0];
  }
  throw runNotFound(dagId, runIdOrDate);
}

/** Airflow's `str(task)`. */
const KIND_NAMES: Record<SerializedTask["kind"], string> = { task: "task", shell: "shell", sensor: "sensor", branch: "branch", short_circuit: "shortCircuit" };

/** Airflow's tree_view: each root, then its downstream tasks indented four spaces a level, by id. */
export function treeView(tasks: Array<{ id: string; kind: string; downstream: string[]; upstream: string[] }>): string[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const lines: string[] = [];
  const visit = (id: string, level: number) => {
    const t = byId.get(id)!;
    lines.push(`${" ".repeat(level * 4)}<Task(${t.kind}): ${t.id}>`);
    for (const child of [...t.downstream].sort()) visit(child, level + 1);
  };
  for (const root of tasks.filter((t) => t.upstream.length === 0).map((t) => t.id).sort()) visit(root, 0);
  return lines;
}

/** `tasks list DAG_ID [--tree]`: the task ids, sorted, or the DAG as a tree. */
export async function tasksList(config: Config, dagId: string, opts: { tree?: boolean }): Promise<number> {
  let tasks: Array<{ id: string; kind: string; downstream: string[]; upstream: string[] }>;
  if (config.server) {
    const { tasks: list } = await new ApiClient(config).request<{ tasks: Array<{ task_id: string; downstream_task_ids: string[]; class_ref: { class_name: string } }> }>(
      "GET", `/api/v1/dags/${enc(dagId)}/tasks`);
    tasks = list.map((t) => ({ id: t.task_id, kind: t.class_ref.class_name, downstream: t.downstream_task_ids, upstream: [] }));
    for (const t of tasks) for (const d of t.downstream) tasks.find((x) => x.id === d)?.upstream.push(t.id);
  } else {
    const s = await withStore(config, (store) => loadDag(config, store, dagId));
    tasks = s.tasks.map((t) => ({ id: t.id, kind: KIND_NAMES[t.kind], upstream: t.upstream, downstream: s.tasks.filter((d) => d.upstream.includes(t.id)).map((d) => d.id) }));
  }
  const lines = opts.tree ? treeView(tasks) : tasks.map((t) => t.id).sort();
  if (lines.length) console.log(lines.join("\n"));
  return 0;
}

/** `tasks state DAG_ID TASK_ID LOGICAL_DATE_OR_RUN_ID [--map-index N]`: the instance's state (`None` when it has none). */
export async function tasksState(config: Config, dagId: string, taskId: string, runIdOrDate: string, opts: { mapIndex?: string }): Promise<number> {
  const mapIndex = mapIndexOf(opts.mapIndex);
  let state: string | null;
  if (config.server) {
    const client = new ApiClient(config);
    const run = await findRemoteRun(client, dagId, runIdOrDate);
    const path = `/api/v1/dags/${enc(dagId)}/dagRuns/${enc(run.dag_run_id)}/taskInstances/${enc(taskId)}${mapIndex >= 0 ? `/${mapIndex}` : ""}`;
    state = (await client.request<{ state: string | null }>("GET", path)).state;
  } else {
    state = await withStore(config, async (store) => {
      const spec = requireTask(await loadDag(config, store, dagId), taskId);
      const run = await findRun(store, dagId, runIdOrDate);
      const [ti] = await store.db.select({ state: taskInstance.state }).from(taskInstance)
        .where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, run.runId), eq(taskInstance.taskId, taskId), eq(taskInstance.mapIndex, mapIndex)));
      if (!ti) {
        const hint = spec.expand && mapIndex < 0 ? "the task is mapped: pass --map-index N" : undefined;
        throw new NotFoundError(`TaskInstance for ${dagId}, ${taskId}, map=${mapIndex} with run_id or execution_date of '${runIdOrDate}'`, hint);
      }
      return ti.state;
    });
  }
  console.log(state ?? "None");
  return 0;
}

/** Python's repr of a flat string map, as Airflow prints a dict field. */
const pyRepr = (v: Record<string, string>) => `{${Object.entries(v).map(([k, x]) => `'${k}': '${x.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`).join(", ")}}`;

/**
 * `tasks render DAG_ID TASK_ID LOGICAL_DATE [--map-index N]`: the task's templated fields rendered
 * for that logical date (with the run's id, interval and conf when a run exists there), by the
 * runtime's own renderer. Shell tasks have `command` and `env`; other kinds have none.
 */
export async function tasksRender(config: Config, dagId: string, taskId: string, logicalDate: string, opts: { mapIndex?: string }): Promise<number> {
  if (config.server) throw new UsageError("tasks render needs the DAG's templates, which the REST API does not give; run it where the database is (drop --server)");
  const mapIndex = mapIndexOf(opts.mapIndex);
  return withStore(config, async (store) => {
    const s = await loadDag(config, store, dagId);
    const spec = requireTask(s, taskId);
    let run: DagRun | null;
    try {
      run = await findRun(store, dagId, logicalDate);
    } catch {
      run = null;
    }
    const at = run?.logicalDate ?? parseLogicalDate(logicalDate, "logical_date")!;
    const interval = run?.dataIntervalStart && run.dataIntervalEnd ? { start: run.dataIntervalStart, end: run.dataIntervalEnd } : manualDataInterval(s.schedule, at, s.timezone);
    const conf = (run?.conf ?? {}) as Record<string, Json>;
    const assignment = {
      v: 1, key: `${dagId}/render/${taskId}/${mapIndex}`, dagId, runId: run?.runId ?? logicalDate, taskId, mapIndex, tryNumber: 1, args: [],
      logicalDate: at.toISOString(), dataIntervalStart: interval.start.toISOString(), dataIntervalEnd: interval.end.toISOString(),
      params: { ...s.params, ...conf }, conf, runType: run?.runType ?? "manual",
    } as unknown as TaskAssignment;
    const host = new SchedulerTaskHost(store, new TaskLogWriter());
    // Rendered for the person who asked: nothing is written to a task log, so nothing to mask.
    const log = { mask: () => undefined } as unknown as Parameters<typeof renderTemplate>[3];
    const fields: Array<[string, string]> = [];
    if (spec.shell) {
      fields.push(["command", await renderTemplate(spec.shell.command, assignment, host, log)]);
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(spec.shell.env ?? {})) env[k] = await renderTemplate(v, assignment, host, log);
      fields.push(["env", Object.keys(env).length ? pyRepr(env) : "None"]);
    }
    for (const [name, value] of fields) {
      console.log(`# ----------------------------------------------------------\n# property: ${name}\n# ----------------------------------------------------------\n${value}\n`);
    }
    return 0;
  });
}

const TI_COLUMNS = ["dag_id", "execution_date", "task_id", "state", "start_date", "end_date"];

/** `tasks states-for-dag-run DAG_ID RUN_ID_OR_LOGICAL_DATE`: every task instance of the run and its state. */
export async function tasksStatesForDagRun(config: Config, dagId: string, runIdOrDate: string, output?: string): Promise<number> {
  let rows: Array<Record<string, unknown> & { map_index: number }>;
  if (config.server) {
    const client = new ApiClient(config);
    const run = await findRemoteRun(client, dagId, runIdOrDate);
    rows = [];
    const path = `/api/v1/dags/${enc(dagId)}/dagRuns/${enc(run.dag_run_id)}/taskInstances`;
    for await (const page of apiPages<Record<string, string | number | null>>(client, path, "task_instances")) {
      for (const t of page) {
        rows.push({ dag_id: dagId, execution_date: airflowIsoformat(run.execution_date), task_id: t.task_id, state: t.state, start_date: airflowIsoformat(t.start_date as string | null), end_date: airflowIsoformat(t.end_date as string | null), map_index: Number(t.map_index) });
      }
    }
  } else {
    rows = await withStore(config, async (store) => {
      const run = await findRun(store, dagId, runIdOrDate);
      const tis = await store.db.select().from(taskInstance).where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, run.runId)))
        .orderBy(asc(taskInstance.taskId), asc(taskInstance.mapIndex));
      return tis.map((t) => ({ dag_id: dagId, execution_date: airflowIsoformat(run.logicalDate), task_id: t.taskId, state: t.state, start_date: airflowIsoformat(t.startDate), end_date: airflowIsoformat(t.endDate), map_index: t.mapIndex }));
    });
  }
  // The map_index column only when the run has mapped instances, as Airflow.
  const mapped = rows.some((r) => r.map_index >= 0);
  const out = rows.map(({ map_index, ...r }) => (mapped ? { ...r, map_index: map_index >= 0 ? String(map_index) : "" } : r));
  printTable(out, output, mapped ? [...TI_COLUMNS, "map_index"] : TI_COLUMNS);
  return 0;
}

/**
 * `tasks failed-deps DAG_ID TASK_ID LOGICAL_DATE_OR_RUN_ID [--map-index N]`: why the instance is
 * not running, by the scheduler's own checks (the run's state, the instance's state, a paused
 * DAG, branch decisions, the trigger rule, the previous run).
 */
export async function tasksFailedDeps(config: Config, dagId: string, taskId: string, runIdOrDate: string, opts: { mapIndex?: string }): Promise<number> {
  const mapIndex = mapIndexOf(opts.mapIndex);
  let deps: FailedDependency[];
  if (config.server) {
    const client = new ApiClient(config);
    const run = await findRemoteRun(client, dagId, runIdOrDate);
    const path = `/api/v1/dags/${enc(dagId)}/dagRuns/${enc(run.dag_run_id)}/taskInstances/${enc(taskId)}${mapIndex >= 0 ? `/${mapIndex}` : ""}/dependencies`;
    deps = (await client.request<{ dependencies: FailedDependency[] }>("GET", path)).dependencies;
  } else {
    deps = await withStore(config, async (store) => {
      const run = await findRun(store, dagId, runIdOrDate);
      // The structure the run was created from (its version), else the DAG's current one.
      const [v] = run.dagVersionId == null ? [] : await store.db.select({ s: dagVersion.serialized }).from(dagVersion).where(eq(dagVersion.id, run.dagVersionId));
      const s = v?.s ?? await loadDag(config, store, dagId);
      requireTask(s, taskId);
      const [ti] = await store.db.select({ taskId: taskInstance.taskId }).from(taskInstance)
        .where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, run.runId), eq(taskInstance.taskId, taskId), eq(taskInstance.mapIndex, mapIndex)));
      if (!ti) throw new NotFoundError(`TaskInstance for ${dagId}, ${taskId}, map=${mapIndex} with run_id or execution_date of '${runIdOrDate}'`);
      return taskInstanceDependencies(store, s, { dagId, runId: run.runId, logicalDate: run.logicalDate, state: run.state }, taskId, mapIndex);
    });
  }
  if (deps.length === 0) console.log("Task instance dependencies are all met.");
  else console.log(["Task instance dependencies not met:", ...deps.map((d) => `${d.name}: ${d.reason}`)].join("\n"));
  return 0;
}
