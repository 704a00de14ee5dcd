// Maintenance of the metadata database: `resetStore` drops every table, view and trigger (then the
// caller migrates again), and `cleanStore` deletes rows older than a timestamp (Airflow's
// `db clean`) in small batches, each its own short transaction, so a big database is never locked
// for long. What unfinished runs need is kept: their task instances, tries and XComs, and the latest
// scheduled run of every DAG (Airflow's keep_last).
import type { InStatement, Row } from "@libsql/client";
import { InvalidValueError } from "./errors.ts";
import type { Store } from "./open-store.ts";

/** The tables `cleanStore` knows, with the column that says how old a row is (Airflow's recency column). */
export const CLEANABLE_TABLES = {
  dag_run: "start_date, else logical_date (finished runs; with their task instances, tries and XComs)",
  task_instance: "start_date (of finished runs; with their tries and XComs)",
  task_instance_history: "start_date (of finished runs)",
  xcom: "timestamp (of finished runs)",
  log: "dttm (the event log)",
  job: "latest_heartbeat (ended jobs; never the scheduler that holds the lease)",
} as const;
export type CleanableTable = keyof typeof CLEANABLE_TABLES;

/** Options of `cleanStore`. */
export interface CleanOptions {
  /** Rows older than this go. */
  before: Date;
  /** Which tables (default: all of CLEANABLE_TABLES). */
  tables?: readonly CleanableTable[];
  /** Count what would go and delete nothing. */
  dryRun?: boolean;
  /** Rows (runs, for dag_run) per transaction; default 100 (about 0.3 s of lock per batch of runs, measured under load). */
  batchSize?: number;
  /** Called after each batch of deleted runs, e.g. to remove their log files. */
  onRunsDeleted?: (runs: Array<{ dagId: string; runId: string }>) => Promise<void> | void;
}

/** Rows deleted (or, with dryRun, that would be) per table. */
export type CleanResult = Record<CleanableTable, number>;

const FINISHED = "('success', 'failed')";
/** A finished run, and not the latest non-manual run of its DAG (which scheduling reads). */
const OLD_RUN = (before: number) => `
  r.state IN ${FINISHED}
  AND COALESCE(r.start_date, r.logical_date) < ${before}
  AND NOT (r.run_type != 'manual' AND r.logical_date = (
    SELECT MAX(k.logical_date) FROM dag_run k WHERE k.dag_id = r.dag_id AND k.run_type != 'manual'))`;
/** Rows of a task-level table whose run is finished (or gone). */
const RUN_FINISHED = (alias: string) => `NOT EXISTS (SELECT 1 FROM dag_run r WHERE r.dag_id = ${alias}.dag_id AND r.run_id = ${alias}.run_id AND r.state NOT IN ${FINISHED})`;

/**
 * Deletes old rows, a batch per transaction. With `dryRun`, only counts them.
 * @example
 * const counts = await cleanStore(store, { before: new Date("2026-01-01T00:00:00Z"), tables: ["log"] });
 * // { dag_run: 0, task_instance: 0, task_instance_history: 0, xcom: 0, log: 1234, job: 0 }
 */
export async function cleanStore(store: Store, opts: CleanOptions): Promise<CleanResult> {
  const before = opts.before.getTime();
  if (!Number.isFinite(before)) throw new InvalidValueError("clean: the timestamp is not a date");
  const batch = opts.batchSize ?? 100;
  if (!Number.isInteger(batch) || batch < 1) throw new InvalidValueError(`clean: batch size must be a whole number of at least 1 (got ${batch})`);
  const tables = new Set<CleanableTable>(opts.tables ?? (Object.keys(CLEANABLE_TABLES) as CleanableTable[]));
  for (const t of tables) if (!Object.hasOwn(CLEANABLE_TABLES, t)) throw new InvalidValueError(`clean: unknown table "${t}"; expected some of ${Object.keys(CLEANABLE_TABLES).join(", ")}`);
  const result: CleanResult = { dag_run: 0, task_instance: 0, task_instance_history: 0, xcom: 0, log: 0, job: 0 };

  const where: Record<Exclude<CleanableTable, "dag_run">, string> = {
    task_instance: `t.start_date < ${before} AND ${RUN_FINISHED("t")}`,
    task_instance_history: `t.start_date < ${before} AND ${RUN_FINISHED("t")}`,
    xcom: `t.timestamp < ${before} AND ${RUN_FINISHED("t")}`,
    log: `t.dttm < ${before}`,
    job: `COALESCE(t.latest_heartbeat, t.start_date) < ${before} AND (t.state IS NULL OR t.state != 'running') AND t.id NOT IN (SELECT holder FROM scheduler_lease)`,
  };

  if (tables.has("dag_run")) {
    if (opts.dryRun) {
      result.dag_run = await countOf(store, `SELECT COUNT(*) AS n FROM dag_run r WHERE ${OLD_RUN(before)}`);
    } else {
      for (;;) {
        const runs = (await store.client.execute(`SELECT r.dag_id, r.run_id FROM dag_run r WHERE ${OLD_RUN(before)} LIMIT ${batch}`)).rows;
        if (runs.length === 0) break;
        const keys = runs.map((r: Row) => ({ dagId: String(r.dag_id), runId: String(r.run_id) }));
        const stmts: InStatement[] = [];
        for (const k of keys) {
          // Children first: a remote database may run without foreign-key cascades.
          for (const table of ["xcom", "task_instance_history", "task_instance", "dag_run"]) {
            stmts.push({ sql: `DELETE FROM ${table} WHERE dag_id = ? AND run_id = ?`, args: [k.dagId, k.runId] });
          }
        }
        await store.batch(stmts);
        result.dag_run += keys.length;
        await opts.onRunsDeleted?.(keys);
      }
    }
  }
  // Children before parents, so a task instance's XComs and tries are counted as their own rows.
  for (const table of ["xcom", "task_instance_history", "task_instance", "log", "job"] as const) {
    if (!tables.has(table)) continue;
    if (opts.dryRun) {
      result[table] = await countOf(store, `SELECT COUNT(*) AS n FROM ${table} t WHERE ${where[table]}`);
      continue;
    }
    for (;;) {
      const stmts: InStatement[] = [];
      if (table === "task_instance") {
        // Its tries and XComs go with it (without relying on cascades).
        const sel = `SELECT t.dag_id, t.run_id, t.task_id, t.map_index FROM task_instance t WHERE ${where[table]} LIMIT ${batch}`;
        for (const child of ["xcom", "task_instance_history"]) {
          stmts.push(`DELETE FROM ${child} WHERE (dag_id, run_id, task_id, map_index) IN (${sel})`);
        }
        stmts.push(`DELETE FROM task_instance WHERE (dag_id, run_id, task_id, map_index) IN (${sel})`);
      } else {
        stmts.push(`DELETE FROM ${table} WHERE rowid IN (SELECT t.rowid FROM ${table} t WHERE ${where[table]} LIMIT ${batch})`);
      }
      const res = await store.batch(stmts);
      const n = res[res.length - 1]!.rowsAffected;
      result[table] += n;
      if (n < batch) break;
    }
  }
  return result;
}

async function countOf(store: Store, sql: string): Promise<number> {
  const row = (await store.client.execute(sql)).rows[0];
  return Number(row?.n ?? 0);
}

/**
 * Drops every table, view, trigger and index of the database (migrations' bookkeeping included),
 * in one transaction; `migrateStore` then builds it anew. Returns the tables dropped.
 * @example await resetStore(store); await migrateStore(store);
 */
export async function resetStore(store: Store): Promise<string[]> {
  const objects = (await store.client.execute(
    "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND type IN ('table', 'view', 'trigger')",
  )).rows.map((r) => ({ type: String(r.type), name: String(r.name) }));
  const tables = objects.filter((o) => o.type === "table").map((o) => o.name);
  // A table referenced by another's foreign key goes after it (the drop deletes rows, which
  // foreign keys check).
  const parents = new Map<string, string[]>();
  for (const t of tables) {
    const fks = (await store.client.execute(`PRAGMA foreign_key_list(${quoteIdent(t)})`)).rows;
    parents.set(t, fks.map((f) => String(f.table)).filter((p) => p !== t));
  }
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (t: string, path: Set<string>): void => {
    if (seen.has(t) || path.has(t)) return;
    path.add(t);
    for (const [child, ps] of parents) if (ps.includes(t)) visit(child, path);
    path.delete(t);
    seen.add(t);
    order.push(t);
  };
  for (const t of tables) visit(t, new Set());
  const stmts: InStatement[] = [
    ...objects.filter((o) => o.type === "trigger").map((o) => `DROP TRIGGER IF EXISTS ${quoteIdent(o.name)}`),
    ...objects.filter((o) => o.type === "view").map((o) => `DROP VIEW IF EXISTS ${quoteIdent(o.name)}`),
    ...order.map((t) => `DROP TABLE IF EXISTS ${quoteIdent(t)}`),
  ];
  if (stmts.length > 0) await store.batch(stmts);
  return order;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
