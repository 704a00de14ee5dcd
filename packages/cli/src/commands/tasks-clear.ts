// `updraft tasks clear DAG_ID [-t REGEX] [-s START] [-e END] [--only-failed] [--only-running]
// [-d] [-u] [-y]`, as Airflow's: the task instances of the DAG's runs in the date range (every run
// without one) are cleared so they run again, after listing them and asking, unless -y. Here the
// scheduler's RunCommands clear runs that have ended (a scheduler in another process holds the
// active ones: those are left, and said so); with --server the API's clearTaskInstances does it,
// scheduler and all. The task selection is the scheduler's (tasksMatching), shared with the API.
import { and, eq } from "drizzle-orm";
import { dagRunPages, taskInstance, type Store } from "@updraft/store";
import type { TaskState } from "@updraft/sdk";
import { RunCommands, storeOnlyHooks, tasksMatching, type AffectedTask, type TaskSelector } from "@updraft/scheduler";
import type { Config } from "../config.ts";
import { UsageError } from "../errors.ts";
import { openConfiguredStore } from "../runtime.ts";
import { confirm } from "./confirm.ts";
import { parseLogicalDate } from "./parse-flags.ts";
import { ApiClient } from "./remote.ts";
import { currentVersion } from "./dags-runs.ts";

const enc = encodeURIComponent;

export interface ClearOptions {
  /** Only tasks whose id this regular expression finds (with -u/-d: and their upstream/downstream). */
  taskRegex?: string;
  startDate?: string;
  endDate?: string;
  onlyFailed?: boolean;
  onlyRunning?: boolean;
  upstream?: boolean;
  downstream?: boolean;
  yes?: boolean;
}

/** Airflow's `str(ti)`. */
function tiText(dagId: string, runId: string, t: { taskId: string; mapIndex: number; state?: TaskState | null }): string {
  const state = t.state === undefined ? "" : ` [${t.state === "none" || t.state === null ? "None" : t.state}]`;
  return `<TaskInstance: ${dagId}.${t.taskId} ${runId}${t.mapIndex >= 0 ? ` map_index=${t.mapIndex}` : ""}${state}>`;
}

function selector(tasks: Set<string> | null, opts: ClearOptions): TaskSelector {
  return (t) => (!tasks || tasks.has(t.taskId))
    && (!opts.onlyFailed || t.state === "failed" || t.state === "upstream_failed")
    && (!opts.onlyRunning || t.state === "running");
}

/** Clears the task instances, here or on the server; exit 1 when some could not be (a run a scheduler holds). */
export async function tasksClear(config: Config, dagId: string, opts: ClearOptions): Promise<number> {
  const from = parseLogicalDate(opts.startDate, "--start-date");
  const to = parseLogicalDate(opts.endDate, "--end-date");
  if (config.server) return remoteClear(config, dagId, opts, from, to);
  const store = await openConfiguredStore(config);
  try {
    return await localClear(store, dagId, opts, from, to);
  } finally {
    await store.close();
  }
}

async function localClear(store: Store, dagId: string, opts: ClearOptions, from: Date | undefined, to: Date | undefined): Promise<number> {
  const s = await currentVersion(store, dagId);
  const tasks = opts.taskRegex === undefined ? null : tasksMatching(s, opts.taskRegex, { upstream: opts.upstream ?? false, downstream: opts.downstream ?? false });
  const select = selector(tasks, opts);
  const commands = new RunCommands(store, storeOnlyHooks);
  const filter = { dagId, ...(from ? { from } : {}), ...(to ? { to } : {}) };
  let held = 0;
  /** One pass over the runs, a page at a time: `each` sees each ended run's selected instances. */
  const pass = async (dryRun: boolean, each: (runId: string, affected: AffectedTask[]) => void) => {
    held = 0;
    for await (const page of dagRunPages(store, filter)) {
      for (const run of page) {
        if (run.state === "queued" || run.state === "running") {
          held += (await matchingInstances(store, dagId, run.runId, select)).length;
          continue;
        }
        each(run.runId, await commands.clear(dagId, run.runId, select, dryRun));
      }
    }
  };
  let count = 0;
  await pass(true, (_runId, affected) => (count += affected.length));
  const note = () => {
    if (held) console.error(`updraft: ${held} matching task instance(s) are in runs a scheduler holds (queued or running) and were not cleared; clear those through the server (--server URL --token T)`);
  };
  if (count === 0) {
    console.log("Nothing to clear.");
    note();
    return held ? 1 : 0;
  }
  if (!opts.yes) {
    console.log(`You are about to delete these ${count} tasks:`);
    await pass(true, (runId, affected) => affected.forEach((t) => console.log(tiText(dagId, runId, t))));
    console.log("");
  }
  await confirm("Are you sure?", opts.yes === true, "tasks clear");
  let cleared = 0;
  await pass(false, (_runId, affected) => (cleared += affected.length));
  console.log(`${cleared} task instance(s) cleared`);
  note();
  return held ? 1 : 0;
}

async function matchingInstances(store: Store, dagId: string, runId: string, select: TaskSelector): Promise<AffectedTask[]> {
  const rows = await store.db.select({ taskId: taskInstance.taskId, mapIndex: taskInstance.mapIndex, state: taskInstance.state })
    .from(taskInstance).where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId)));
  return rows.map((r) => ({ taskId: r.taskId, mapIndex: r.mapIndex, state: (r.state ?? "none") as TaskState })).filter(select);
}

type Ref = { task_id: string; dag_run_id: string };

async function remoteClear(config: Config, dagId: string, opts: ClearOptions, from: Date | undefined, to: Date | undefined): Promise<number> {
  const client = new ApiClient(config);
  let taskIds: string[] | undefined;
  if (opts.taskRegex !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(opts.taskRegex);
    } catch (err) {
      throw new UsageError(`--task-regex: ${JSON.stringify(opts.taskRegex)} is not a valid regular expression: ${(err as Error).message}`);
    }
    const { tasks } = await client.request<{ tasks: Array<{ task_id: string }> }>("GET", `/api/v1/dags/${enc(dagId)}/tasks`);
    taskIds = tasks.map((t) => t.task_id).filter((id) => re.test(id));
    if (taskIds.length === 0) {
      console.log("Nothing to clear.");
      return 0;
    }
  }
  const body = {
    only_failed: opts.onlyFailed ?? false, only_running: opts.onlyRunning ?? false,
    ...(taskIds ? { task_ids: taskIds, include_upstream: opts.upstream ?? false, include_downstream: opts.downstream ?? false } : {}),
    ...(from ? { start_date: from.toISOString() } : {}), ...(to ? { end_date: to.toISOString() } : {}),
  };
  const path = `/api/v1/dags/${enc(dagId)}/clearTaskInstances`;
  const dry = await client.request<{ task_instances: Ref[] }>("POST", path, { ...body, dry_run: true });
  if (dry.task_instances.length === 0) {
    console.log("Nothing to clear.");
    return 0;
  }
  if (!opts.yes) {
    console.log(`You are about to delete these ${dry.task_instances.length} tasks:`);
    for (const t of dry.task_instances) console.log(`<TaskInstance: ${dagId}.${t.task_id} ${t.dag_run_id}>`);
    console.log("");
  }
  await confirm("Are you sure?", opts.yes === true, "tasks clear");
  const done = await client.request<{ task_instances: Ref[] }>("POST", path, { ...body, dry_run: false });
  console.log(`${done.task_instances.length} task instance(s) cleared`);
  return 0;
}

