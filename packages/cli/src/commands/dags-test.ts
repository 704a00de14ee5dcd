// `updraft dags test ID`: one whole run in this process, executed exactly as a scheduled run
// (worker threads, timeouts, retries with their delays, sensors), then a summary. Exit code 0
// when the run succeeded, 1 when it failed, 2 for bad usage or a DAG that does not load.
import { readFile } from "node:fs/promises";
import { and, asc, eq } from "drizzle-orm";
import { dagRun, taskInstance, xcom } from "@updraft/store";
import { taskLogPath, type SchedulerEvent } from "@updraft/scheduler";
import type { Json } from "@updraft/sdk";
import type { Config } from "../config.ts";
import { openEngine } from "../runtime.ts";
import { RunProgress } from "../progress.ts";
import { parseAndFind } from "./dag-lookup.ts";
import { parseConf, parseLogicalDate } from "./parse-flags.ts";
import { DomainError } from "../errors.ts";
import { printData } from "./output.ts";

export interface DagsTestOptions {
  logicalDate?: string;
  /** How the logical date was given, for messages: `logical_date` (positional) or `--logical-date`. */
  logicalDateLabel?: string;
  conf?: string;
  output?: string;
}

export interface TestReport {
  dag_id: string;
  run_id: string;
  state: string;
  /** Children started with ctx.submit also carry `parent_task_id` and `parent_map_index`. */
  task_instances: Array<{
    task_id: string; map_index: number; state: string | null; try_number: number; return_value: Json | null;
    parent_task_id?: string; parent_map_index?: number;
  }>;
}

export async function dagsTest(config: Config, dagId: string, opts: DagsTestOptions): Promise<number> {
  const conf = parseConf(opts.conf);
  const logicalDate = parseLogicalDate(opts.logicalDate, opts.logicalDateLabel);
  // Airflow's dags test runs the DAG whatever its pause flag (new DAGs start paused).
  const engine = await openEngine(config, { scheduleRuns: false, exclusive: false, runPausedDags: true });
  const progress = new RunProgress(process.stderr);
  try {
    await parseAndFind(engine.processor, dagId, config.dagsFolder);
    if (logicalDate) await replaceEarlierTest(engine.store, dagId, logicalDate);
    await engine.executor.start();
    engine.scheduler.onEvent((e: SchedulerEvent) => {
      if (e.type === "task" && e.dagId === dagId) progress.update(e);
    });
    await engine.scheduler.start();
    const { runId } = await engine.scheduler.triggerRun(dagId, { logicalDate, conf });
    const state = await engine.scheduler.waitForRun(dagId, runId);
    await engine.scheduler.flushed();
    progress.end();
    const report = await collectReport(engine.store, dagId, runId, state);
    printData(report, opts.output, () => printReport(report));
    if (state !== "success") await printFailedLogs(config.home, report);
    return state === "success" ? 0 : 1;
  } finally {
    progress.end();
    await engine.close();
  }
}

/** Like Airflow's `dags test`, a second test at the same logical date replaces the first one's run. */
async function replaceEarlierTest(store: Awaited<ReturnType<typeof openEngine>>["store"], dagId: string, logicalDate: Date): Promise<void> {
  const [earlier] = await store.db.select().from(dagRun).where(and(eq(dagRun.dagId, dagId), eq(dagRun.logicalDate, logicalDate)));
  if (!earlier) return;
  if (earlier.state === "queued" || earlier.state === "running") {
    throw new DomainError(`dag "${dagId}" has a ${earlier.state} run "${earlier.runId}" at ${logicalDate.toISOString()}; wait for it or pick another --logical-date`);
  }
  await store.write((tx) => tx.delete(dagRun).where(eq(dagRun.id, earlier.id)));
}

async function collectReport(store: Awaited<ReturnType<typeof openEngine>>["store"], dagId: string, runId: string, state: string): Promise<TestReport> {
  const tis = await store.db.select({
    taskId: taskInstance.taskId, mapIndex: taskInstance.mapIndex, state: taskInstance.state, tryNumber: taskInstance.tryNumber,
    parentTaskId: taskInstance.parentTaskId, parentMapIndex: taskInstance.parentMapIndex,
  }).from(taskInstance)
    .where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId)))
    .orderBy(asc(taskInstance.taskId), asc(taskInstance.mapIndex));
  const values = await store.db.select({ taskId: xcom.taskId, mapIndex: xcom.mapIndex, value: xcom.value }).from(xcom)
    .where(and(eq(xcom.dagId, dagId), eq(xcom.runId, runId), eq(xcom.key, "return_value")));
  const byTi = new Map(values.map((v) => [`${v.taskId}\u0000${v.mapIndex}`, v.value ?? null]));
  return {
    dag_id: dagId,
    run_id: runId,
    state,
    task_instances: tis.map((t) => ({
      task_id: t.taskId, map_index: t.mapIndex, state: t.state ?? null, try_number: t.tryNumber,
      return_value: byTi.get(`${t.taskId}\u0000${t.mapIndex}`) ?? null,
      ...(t.parentTaskId == null ? {} : { parent_task_id: t.parentTaskId, parent_map_index: t.parentMapIndex ?? -1 }),
    })),
  };
}

function printReport(r: TestReport): void {
  const name = (taskId: string, mapIndex: number) => (mapIndex >= 0 ? `${taskId}[${mapIndex}]` : taskId);
  // A column for the parent of children started with ctx.submit, when there are any.
  const submitted = r.task_instances.some((t) => t.parent_task_id !== undefined);
  const rows = r.task_instances.map((t) => [
    name(t.task_id, t.map_index), t.state ?? "none", String(t.try_number),
    ...(submitted ? [t.parent_task_id === undefined ? "" : name(t.parent_task_id, t.parent_map_index ?? -1)] : []),
    t.return_value === null ? "" : JSON.stringify(t.return_value).slice(0, 60),
  ]);
  const head = ["task", "state", "try", ...(submitted ? ["submitted_by"] : []), "return_value"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  console.log(fmt(head));
  for (const row of rows) console.log(fmt(row));
  console.log(`\ndag ${r.dag_id} run ${r.run_id}: ${r.state}`);
}

async function printFailedLogs(home: string, r: TestReport): Promise<void> {
  for (const t of r.task_instances.filter((x) => x.state === "failed")) {
    const path = taskLogPath(home, { dagId: r.dag_id, runId: r.run_id, taskId: t.task_id, mapIndex: t.map_index, tryNumber: t.try_number });
    const text = await readFile(path, "utf8").catch(() => "");
    if (!text) continue;
    const tail = text.trimEnd().split("\n").slice(-20).join("\n");
    process.stderr.write(`\n--- log of ${t.task_id}${t.map_index >= 0 ? `[${t.map_index}]` : ""} (try ${t.try_number}): ${path}\n${tail}\n`);
  }
}
