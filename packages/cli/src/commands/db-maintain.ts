// `updraft db check | reset | clean`: is the metadata database reachable and current; drop
// everything and migrate again; delete rows older than a timestamp (Airflow's retention command),
// in batches of short transactions, keeping what unfinished runs need. Destructive commands ask
// first unless `-y`.
import { rm } from "node:fs/promises";
import { dirname } from "node:path";
import {
  CLEANABLE_TABLES, cleanStore, migrateStore, migrationStatus, openStore, redactUrl, resetStore, type CleanableTable, type Store,
} from "@updraft/store";
import { taskLogPath } from "@updraft/scheduler";
import { secretKeyFor, type Config } from "../config.ts";
import { DomainError, UsageError } from "../errors.ts";
import { openConfiguredStore } from "../runtime.ts";
import { confirm } from "./confirm.ts";
import { printData, printTable } from "./output.ts";
import { parseLogicalDate } from "./parse-flags.ts";

/** Opens the database as it is: no migration (check and reset must see it untouched). */
async function openAsIs(config: Config): Promise<Store> {
  return openStore({ url: config.dbUrl, secretKey: await secretKeyFor(config), authToken: process.env.UPDRAFT_DB_AUTH_TOKEN });
}

/**
 * `db check`: connects, runs a query, and reports the schema's migrations. Exit 0 when the
 * database answers (pending migrations are reported, not a failure: `db migrate` applies them), 1
 * when it cannot be reached.
 */
export async function dbCheck(config: Config, output?: string): Promise<number> {
  const url = redactUrl(config.dbUrl);
  const started = performance.now();
  let store: Store;
  try {
    store = await openAsIs(config);
    await store.client.execute("SELECT 1");
  } catch (err) {
    throw new DomainError(`database ${url} cannot be reached: ${(err as Error).message}`, { cause: err });
  }
  try {
    const ms = Math.round(performance.now() - started);
    const status = await migrationStatus(store);
    const report = { url, reachable: true, answered_in_ms: ms, migrations_applied: status.applied.length, migrations_pending: status.pending };
    printData(report, output, () => {
      console.log(`database ${url}: reachable (answered in ${ms} ms)`);
      if (status.applied.length === 0) console.log(`schema: empty; \`updraft db migrate\` creates it (${status.pending.length} migrations)`);
      else if (status.pending.length === 0) console.log(`schema: up to date (${status.applied.length} migrations, last ${status.applied.at(-1)})`);
      else console.log(`schema: ${status.pending.length} migration(s) pending (${status.pending.join(", ")}); run \`updraft db migrate\``);
    });
    return 0;
  } finally {
    await store.close();
  }
}

/** `db reset [-y]`: drops every table, view and trigger, then migrates again. */
export async function dbReset(config: Config, yes: boolean): Promise<number> {
  const url = redactUrl(config.dbUrl);
  await confirm(`This drops every table of ${url} (DAGs, runs, task instances, XComs, variables, connections, pools, users, tokens) and creates them empty. Proceed?`, yes, "db reset");
  const store = await openAsIs(config);
  try {
    const dropped = await resetStore(store);
    const { applied } = await migrateStore(store);
    console.log(`database ${url} reset: ${dropped.length} table(s) dropped, ${applied.length} migration(s) applied`);
    return 0;
  } finally {
    await store.close();
  }
}

/** Options of `db clean`. */
export interface CleanFlags {
  cleanBeforeTimestamp?: string;
  tables?: string;
  dryRun?: boolean;
  yes?: boolean;
  batchSize?: string;
}

/**
 * `db clean --clean-before-timestamp TS [--tables a,b] [--dry-run] [-y] [--batch-size N]`:
 * deletes finished runs (with their task instances, tries, XComs and log files), and event log
 * rows and ended jobs, older than TS. Rows of unfinished runs, and each DAG's latest scheduled run,
 * are kept. Unlike Airflow, deleted rows are not archived.
 */
export async function dbClean(config: Config, flags: CleanFlags, output?: string): Promise<number> {
  if (!flags.cleanBeforeTimestamp) throw new UsageError("db clean: --clean-before-timestamp TS is required, e.g. --clean-before-timestamp 2026-01-01T00:00:00Z");
  const before = parseLogicalDate(flags.cleanBeforeTimestamp, "--clean-before-timestamp")!;
  const known = Object.keys(CLEANABLE_TABLES);
  const tables = flags.tables === undefined ? (known as CleanableTable[]) : flags.tables.split(",").map((t) => t.trim()).filter(Boolean);
  for (const t of tables) if (!known.includes(t)) throw new UsageError(`--tables: unknown table "${t}"; expected some of ${known.join(", ")}`);
  let batchSize = 100;
  if (flags.batchSize !== undefined) {
    batchSize = /^\d+$/.test(flags.batchSize) ? Number(flags.batchSize) : NaN;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch-size: expected a whole number of at least 1, got "${flags.batchSize}"`);
  }
  const store = await openConfiguredStore(config);
  try {
    const what = { before, tables: tables as CleanableTable[], batchSize };
    const counts = await cleanStore(store, { ...what, dryRun: true });
    const rows = Object.entries(counts).filter(([t]) => tables.includes(t)).map(([table, n]) => ({ table, rows: n, age_column: CLEANABLE_TABLES[table as CleanableTable] }));
    if (flags.dryRun) {
      printData({ dry_run: true, before: before.toISOString(), tables: rows }, output, () => {
        console.log(`rows older than ${before.toISOString()} that \`db clean\` would delete (nothing was deleted):`);
        printTable(rows, output);
      });
      return 0;
    }
    const total = rows.reduce((n, r) => n + r.rows, 0);
    if (total === 0) {
      console.log(`nothing older than ${before.toISOString()} to delete`);
      return 0;
    }
    await confirm(`Delete ${rows.filter((r) => r.rows > 0).map((r) => `${r.rows} ${r.table}`).join(", ")} row(s) older than ${before.toISOString()} (not archived)?`, flags.yes ?? false, "db clean");
    let logDirs = 0;
    const deleted = await cleanStore(store, {
      ...what,
      // The runs' log files go with them.
      onRunsDeleted: async (runs) => {
        for (const r of runs) {
          const dir = dirname(dirname(taskLogPath(config.home, { dagId: r.dagId, runId: r.runId, taskId: "t", mapIndex: -1, tryNumber: 1 })));
          await rm(dir, { recursive: true, force: true });
          logDirs++;
        }
      },
    });
    const done = Object.entries(deleted).filter(([t]) => tables.includes(t)).map(([table, n]) => ({ table, deleted: n }));
    printData({ before: before.toISOString(), tables: done, run_log_folders_removed: logDirs }, output, () => {
      console.log(`deleted rows older than ${before.toISOString()}:`);
      printTable(done, output);
    });
    return 0;
  } finally {
    await store.close();
  }
}
