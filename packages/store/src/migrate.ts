// Brings a store's schema up to date with the drizzle-kit migrations shipped in this package
// (packages/store/drizzle), then seeds the rows Updraft expects to exist (default_pool).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/libsql/migrator";
import { MigrationError } from "./errors.ts";
import type { Store } from "./open-store.ts";
import { ensureDefaults } from "./pools.ts";

/**
 * The migrations folder, found next to this module's package rather than the working directory,
 * so `updraft db migrate` works from anywhere.
 */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../drizzle/", import.meta.url));

/** drizzle's bookkeeping table: one row per applied migration, `created_at` = its journal time. */
const MIGRATIONS_TABLE = "__drizzle_migrations";

/** Options of `migrateStore`. */
export interface MigrateOptions {
  /** Another migrations folder, e.g. when this package has been bundled and moved. */
  migrationsFolder?: string;
}

/** What `migrateStore` did. */
export interface MigrateResult {
  /**
   * Tags of the migrations this call found missing (e.g. `0000_initial`); empty when the database
   * was up to date. All of them are applied when the call returns. If two processes migrate the
   * same database at the same moment, both may list them, though only one applied them.
   */
  applied: string[];
}

/**
 * Applies pending migrations in one transaction and seeds `default_pool`. Idempotent: a second
 * call applies nothing. When another process migrates at the same moment and wins, this call
 * succeeds too, as long as the schema ends up current.
 * @example
 * const { applied } = await migrateStore(store); // ["0000_initial"] on a new database
 */
export async function migrateStore(store: Store, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const folder = opts.migrationsFolder ?? MIGRATIONS_FOLDER;
  const journal = readJournal(folder);
  const lastApplied = await lastAppliedMillis(store);
  const todo = journal.filter((m) => lastApplied === null || m.when > lastApplied);
  if (todo.length > 0) {
    try {
      await migrate(store.db, { migrationsFolder: folder, migrationsTable: MIGRATIONS_TABLE });
    } catch (err) {
      // Another process may have applied the same migrations between our check and our batch.
      const now = await lastAppliedMillis(store).catch(() => null);
      const latest = Math.max(...journal.map((m) => m.when));
      if (now === null || now < latest) {
        throw new MigrationError(folder, err instanceof Error ? err.message : String(err), { cause: err });
      }
      await ensureDefaults(store);
      return { applied: [] };
    }
  }
  await ensureDefaults(store);
  return { applied: todo.map((m) => m.tag) };
}

interface JournalEntry {
  tag: string;
  when: number;
}

function readJournal(folder: string): JournalEntry[] {
  const path = join(folder, "meta", "_journal.json");
  if (!existsSync(path)) throw new MigrationError(folder, `no drizzle-kit journal at "${path}"`);
  try {
    const journal = JSON.parse(readFileSync(path, "utf8")) as { entries: JournalEntry[] };
    return journal.entries.map((e) => ({ tag: e.tag, when: e.when }));
  } catch (err) {
    throw new MigrationError(folder, `unreadable journal "${path}"`, { cause: err });
  }
}

/** The journal time of the newest applied migration, or null when none has been applied. */
async function lastAppliedMillis(store: Store): Promise<number | null> {
  const table = await store.client.execute({
    sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    args: [MIGRATIONS_TABLE],
  });
  if (table.rows.length === 0) return null;
  const last = await store.client.execute(`SELECT MAX(created_at) AS at FROM "${MIGRATIONS_TABLE}"`);
  const at = last.rows[0]?.["at"];
  return at === null || at === undefined ? null : Number(at);
}

/** Where a database stands against the migrations shipped in this package. */
export interface MigrationStatus {
  /** Tags of the migrations in the journal that the database has. */
  applied: string[];
  /** Tags it lacks; `migrateStore` would apply them. */
  pending: string[];
}

/**
 * The applied and pending migrations of a database, without changing it (`updraft db check`).
 * @example const { pending } = await migrationStatus(store); // [] when up to date
 */
export async function migrationStatus(store: Store, opts: MigrateOptions = {}): Promise<MigrationStatus> {
  const journal = readJournal(opts.migrationsFolder ?? MIGRATIONS_FOLDER);
  const last = await lastAppliedMillis(store);
  return {
    applied: journal.filter((m) => last !== null && m.when <= last).map((m) => m.tag),
    pending: journal.filter((m) => last === null || m.when > last).map((m) => m.tag),
  };
}
