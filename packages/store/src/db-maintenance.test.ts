// Tests of `cleanStore` (retention: finished runs with their task instances, tries and XComs, event
// log rows and ended jobs older than a timestamp, in batches, keeping what unfinished runs need and
// each DAG's latest scheduled run) and `resetStore` (drop everything, migrate again).
import { afterEach, describe, expect, it } from "vitest";
import { cleanStore, resetStore } from "./db-maintenance.ts";
import { migrateStore, migrationStatus } from "./migrate.ts";
import type { Store } from "./open-store.ts";
import { setVariable, getVariable } from "./variables.ts";
import { testStores } from "./test-support.ts";

const t = testStores();
afterEach(() => t.cleanup());

const DAY = 86_400_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");

/** A run with two task instances (one with a try in history), an XCom each, and an event log row. */
async function run(store: Store, dagId: string, day: number, state: string, runType = "scheduled"): Promise<string> {
  const at = T0 + day * DAY;
  const runId = `${runType}__${new Date(at).toISOString()}`;
  await store.batch([
    { sql: "INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, start_date, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", args: [dagId, runId, runType, state, at, at, at] },
    ...["a", "b"].flatMap((task) => [
      { sql: "INSERT INTO task_instance (dag_id, run_id, task_id, state, start_date, updated_at) VALUES (?, ?, ?, 'success', ?, ?)", args: [dagId, runId, task, at, at] },
      { sql: "INSERT INTO task_instance_history (dag_id, run_id, task_id, try_number, start_date) VALUES (?, ?, ?, 1, ?)", args: [dagId, runId, task, at] },
      { sql: "INSERT INTO xcom (dag_id, run_id, task_id, key, value, timestamp) VALUES (?, ?, ?, 'return_value', '1', ?)", args: [dagId, runId, task, at] },
    ]),
    { sql: "INSERT INTO log (dttm, dag_id, run_id, event) VALUES (?, ?, ?, 'trigger')", args: [at, dagId, runId] },
  ]);
  return runId;
}

async function count(store: Store, table: string): Promise<number> {
  return Number((await store.client.execute(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]!.n);
}

describe("cleanStore", () => {
  it("deletes finished runs before the timestamp with their rows, in batches, and keeps what is still needed", async () => {
    const dir = await t.tempDir();
    const store = await t.open(`file:${dir}/c.db`);
    for (let day = 0; day < 7; day++) await run(store, "etl", day, "success");
    const running = await run(store, "etl", 7, "running", "manual");
    await run(store, "etl", 8, "failed", "manual");
    await run(store, "old_dag", 1, "success"); // the only scheduled run of its DAG: kept (keep_last)
    const queuedOld = await run(store, "other", 2, "queued");
    const cutoff = new Date(T0 + 10 * DAY);

    const dry = await cleanStore(store, { before: cutoff, dryRun: true, tables: ["dag_run", "log"] });
    // etl: days 0..5 (day 6 is its latest scheduled run) and the failed manual run.
    expect(dry).toMatchObject({ dag_run: 7, log: 11 });
    expect(await count(store, "dag_run")).toBe(11);

    const deleted: string[] = [];
    const result = await cleanStore(store, { before: cutoff, batchSize: 2, tables: ["dag_run"], onRunsDeleted: (runs) => void deleted.push(...runs.map((r) => r.runId)) });
    expect(result.dag_run).toBe(7);
    expect(deleted).toHaveLength(7);
    const left = (await store.client.execute("SELECT dag_id, run_id FROM dag_run ORDER BY dag_id, run_id")).rows.map((r) => `${r.dag_id}/${r.run_id}`);
    expect(left).toEqual([`etl/${running}`, "etl/scheduled__2026-01-07T00:00:00.000Z", "old_dag/scheduled__2026-01-02T00:00:00.000Z", `other/${queuedOld}`]);
    // The runs' task instances, tries and XComs went with them; the kept runs' rows stayed.
    expect(await count(store, "task_instance")).toBe(8);
    expect(await count(store, "task_instance_history")).toBe(8);
    expect(await count(store, "xcom")).toBe(8);
  });

  it("deletes XComs and event log rows of finished runs only, and ended jobs but not the lease holder", async () => {
    const store = await t.memory();
    await run(store, "etl", 0, "success");
    await run(store, "etl", 1, "running");
    await store.batch([
      { sql: "INSERT INTO job (id, job_type, state, latest_heartbeat) VALUES (1, 'SchedulerJob', 'success', ?), (2, 'SchedulerJob', 'running', ?), (3, 'SchedulerJob', 'failed', ?)", args: [T0, T0, T0] },
      { sql: "INSERT INTO scheduler_lease (name, epoch, holder, renewed_at, expires_at) VALUES ('scheduler', 1, 3, ?, ?)", args: [T0, T0] },
    ]);
    const result = await cleanStore(store, { before: new Date(T0 + 10 * DAY), tables: ["xcom", "log", "job"], batchSize: 1 });
    expect(result).toEqual({ dag_run: 0, task_instance: 0, task_instance_history: 0, xcom: 2, log: 2, job: 1 });
    expect(await count(store, "xcom")).toBe(2);
    expect((await store.client.execute("SELECT id FROM job ORDER BY id")).rows.map((r) => Number(r.id))).toEqual([2, 3]);
  });

  it("deletes task instances of finished runs with their tries and XComs", async () => {
    const store = await t.memory();
    await run(store, "etl", 0, "success");
    await run(store, "etl", 1, "running");
    const result = await cleanStore(store, { before: new Date(T0 + 10 * DAY), tables: ["task_instance"], batchSize: 1 });
    expect(result.task_instance).toBe(2);
    expect(await count(store, "task_instance")).toBe(2);
    expect(await count(store, "xcom")).toBe(2);
    expect(await count(store, "task_instance_history")).toBe(2);
  });

  it("names an unknown table", async () => {
    const store = await t.memory();
    await expect(cleanStore(store, { before: new Date(), tables: ["dag" as never] })).rejects.toThrow('unknown table "dag"');
  });
});

describe("resetStore", () => {
  it("drops every table, view and trigger; migrating again gives an empty, current database", async () => {
    const dir = await t.tempDir();
    const store = await t.open(`file:${dir}/r.db`);
    await run(store, "etl", 0, "success");
    await setVariable(store, "k", "v");
    const dropped = await resetStore(store);
    expect(dropped).toEqual(expect.arrayContaining(["dag_run", "task_instance", "xcom", "variable", "__drizzle_migrations"]));
    // Children were dropped before their parents.
    expect(dropped.indexOf("xcom")).toBeLessThan(dropped.indexOf("task_instance"));
    expect(dropped.indexOf("task_instance")).toBeLessThan(dropped.indexOf("dag_run"));
    expect((await store.client.execute("SELECT COUNT(*) AS n FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")).rows[0]!.n).toBe(0);
    expect((await migrationStatus(store)).applied).toEqual([]);
    await migrateStore(store);
    expect((await migrationStatus(store)).pending).toEqual([]);
    expect(await getVariable(store, "k")).toBeNull();
    expect(await count(store, "dag_run")).toBe(0);
    expect(await count(store, "slot_pool")).toBe(1);
  });
});
