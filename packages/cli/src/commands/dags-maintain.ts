// `updraft dags details | delete | reserialize | report`, with Airflow 2.10's semantics and output:
// against the database and DAGs folder here, or with --server through the REST API (details,
// delete, and reserialize as parse requests; report reads the DAGs folder, so it runs here only).
import { relative } from "node:path";
import { deleteDag, type Store } from "@updraft/store";
import type { ScheduleSpec } from "@updraft/sdk";
import { DagProcessor, describeSchedule, discoverDagFiles, displayPath } from "@updraft/scheduler";
import { processorOptions, type Config } from "../config.ts";
import { NotFoundError, RefusedError, UsageError } from "../errors.ts";
import { openConfiguredStore } from "../runtime.ts";
import { confirm } from "./confirm.ts";
import { outputFormat, printTable } from "./output.ts";
import { ApiClient } from "./remote.ts";
import { currentVersion, nextScheduledInterval, requireDag } from "./dags-runs.ts";
import { airflowIsoformat, apiPages } from "./row-stream.ts";

const enc = encodeURIComponent;

async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openConfiguredStore(config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Airflow's `schedule_interval` object for a schedule. */
function scheduleInterval(spec: ScheduleSpec | null): Record<string, unknown> | null {
  if (!spec) return null;
  if (spec.kind === "interval") {
    const seconds = Math.floor(spec.everyMs / 1000);
    return { __type: "TimeDelta", days: Math.floor(seconds / 86_400), seconds: seconds % 86_400, microseconds: (spec.everyMs % 1000) * 1000 };
  }
  return { __type: "CronExpression", value: spec.kind === "once" ? "@once" : spec.preset ?? spec.expression };
}

/** The DAG as the API's DAG object describes it, from the store (what `dags details` prints locally). */
async function localDetails(store: Store, dagId: string): Promise<Record<string, unknown>> {
  const d = await requireDag(store, dagId);
  const s = await currentVersion(store, dagId);
  // The next scheduled run, as the API's DAG object gives it (the scheduler keeps no cursor in the row).
  const next = await nextScheduledInterval(store, s);
  const owners = [...new Set(s.tasks.map((t) => (t as { owner?: string }).owner ?? "airflow"))];
  return {
    dag_id: d.dagId, dag_display_name: d.dagId, root_dag_id: null, is_paused: d.isPaused, is_active: d.isActive, is_subdag: false,
    last_parsed_time: airflowIsoformat(d.lastParsedTime) || null, last_pickled: null, last_expired: null, scheduler_lock: null, pickle_id: null,
    default_view: "grid", fileloc: d.fileloc, file_token: null, owners, description: d.description,
    schedule_interval: scheduleInterval(s.schedule), timetable_description: d.timetableDescription ?? describeSchedule(s.schedule),
    tags: d.tags.map((name) => ({ name })), max_active_tasks: d.maxActiveTasks, max_active_runs: d.maxActiveRuns,
    max_consecutive_failed_dag_runs: 0, has_task_concurrency_limits: false, has_import_errors: d.hasImportErrors,
    next_dagrun: airflowIsoformat(next?.start) || null, next_dagrun_data_interval_start: airflowIsoformat(next?.start) || null,
    next_dagrun_data_interval_end: airflowIsoformat(next?.end) || null, next_dagrun_create_after: airflowIsoformat(next?.end) || null,
  };
}

/**
 * `dags details DAG_ID`: the DAG's fields (Airflow's DAG schema). As a table, one row per property
 * (`property_name`, `property_value`); as JSON or YAML, a list of one object.
 */
export async function dagsDetails(config: Config, dagId: string, output?: string): Promise<number> {
  const detail = config.server
    ? await new ApiClient(config).request<Record<string, unknown>>("GET", `/api/v1/dags/${enc(dagId)}`)
    : await withStore(config, (store) => localDetails(store, dagId));
  const format = outputFormat(output);
  if (format === "table" || format === "plain") {
    printTable(Object.entries(detail).map(([k, v]) => ({ property_name: k, property_value: v })), format, ["property_name", "property_value"]);
  } else printTable([detail], format);
  return 0;
}

/**
 * `dags delete DAG_ID [-y]`: removes the DAG's runs, task instances, tries, XComs, versions and
 * its row (the file stays: the next parse adds the DAG back), after a question unless `yes`.
 */
export async function dagsDelete(config: Config, dagId: string, opts: { yes?: boolean }): Promise<number> {
  await confirm("This will drop all existing records related to the specified DAG. Proceed?", opts.yes === true, "dags delete");
  if (config.server) {
    await new ApiClient(config).request("DELETE", `/api/v1/dags/${enc(dagId)}`);
    console.log(`Removed dag ${dagId} and its records on ${config.server}`);
    return 0;
  }
  return withStore(config, async (store) => {
    const result = await deleteDag(store, dagId);
    switch (result.status) {
      case "unknown":
        throw new NotFoundError(`dag "${dagId}"`);
      case "active":
        throw new RefusedError(`dag "${dagId}" has ${result.activeRuns} queued or running run(s); wait for them or mark them failed first`);
      case "deleted":
        console.log(`Removed ${result.removed} record(s)`);
        return 0;
      default:
        return result satisfies never;
    }
  });
}

/**
 * `dags reserialize`: parses every file of the DAGs folder now and writes what it finds (versions,
 * bundles, import errors), whether or not a file changed. With --server, asks the server's DAG
 * processor to parse every DAG's file (PUT /api/v1/parseDagFile/{file_token}).
 */
export async function dagsReserialize(config: Config): Promise<number> {
  if (config.server) {
    const client = new ApiClient(config);
    const tokens = new Set<string>();
    for await (const page of apiPages<{ file_token: string | null }>(client, "/api/v1/dags?only_active=true", "dags")) {
      for (const d of page) if (d.file_token) tokens.add(d.file_token);
    }
    // 201 with no body: read as text.
    for (const t of tokens) await client.request("PUT", `/api/v1/parseDagFile/${enc(t)}`, undefined, "text/plain");
    console.log(`requested a parse of ${tokens.size} DAG file(s) on ${config.server}`);
    return 0;
  }
  return withStore(config, async (store) => {
    const results = await new DagProcessor({ store, ...processorOptions(config) }).processAll();
    for (const r of results) {
      if (r.error) console.error(`updraft: ${r.error.split("\n")[0]}`);
      else console.log(`${displayPath(r.file)}: ${r.dagIds.length ? r.dagIds.join(", ") : "(no DAGs)"}`);
    }
    const dags = results.reduce((n, r) => n + r.dagIds.length, 0);
    const failed = results.filter((r) => r.error).length;
    console.log(`reserialized ${dags} DAG(s) from ${results.length} file(s)${failed ? `; ${failed} file(s) failed to load (see \`updraft dags list-import-errors\`)` : ""}`);
    return 0;
  });
}

/** A duration as Python prints a timedelta under a minute: `0:00:01.234000`. */
function timedelta(ms: number): string {
  const total = ms / 1000;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, "0")}:${s.toFixed(6).padStart(9, "0")}`;
}

/**
 * `dags report`: for each DAG file, how long the DAG processor took to parse it (bundle and load,
 * one file at a time so each time is its own), how many DAGs and tasks it defines, and their ids.
 */
export async function dagsReport(config: Config, output?: string): Promise<number> {
  if (config.server) throw new UsageError("dags report parses the DAGs folder, so it runs where the DAG files are (the REST API has no parse times); drop --server");
  return withStore(config, async (store) => {
    const processor = new DagProcessor({ store, ...processorOptions(config) });
    const rows: Array<Record<string, unknown>> = [];
    try {
      for (const file of await discoverDagFiles(config.dagsFolder)) {
        const started = performance.now();
        const r = await processor.processFile(file);
        const ms = performance.now() - started;
        let taskNum = 0;
        for (const id of r.dagIds) taskNum += (await currentVersion(store, id)).tasks.length;
        rows.push({
          file: `/${relative(config.dagsFolder, r.file)}`, duration: timedelta(ms), dag_num: r.dagIds.length,
          task_num: taskNum, dags: [...r.dagIds].sort(),
          ...(r.error ? { error: r.error.split("\n")[0] } : {}),
        });
      }
    } finally {
      await processor.close();
    }
    // Slowest first, as Airflow's dagbag_stats.
    rows.sort((a, b) => String(b.duration).localeCompare(String(a.duration)));
    const format = outputFormat(output);
    printTable(format === "json" || format === "yaml" ? rows : rows.map((r) => ({ ...r, dags: `[${(r.dags as string[]).map((d) => `'${d}'`).join(", ")}]` })), format, ["file", "duration", "dag_num", "task_num", "dags"]);
    return 0;
  });
}
