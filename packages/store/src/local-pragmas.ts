// Per-connection settings for a local database file. @libsql/client keeps a small pool of
// connections and opens them lazily, and PRAGMAs such as `synchronous` belong to one connection,
// so a plain `client.execute("PRAGMA …")` would reach only whichever connection served it.
import { setTimeout as sleep } from "node:timers/promises";
import type { Client } from "@libsql/client";

/** Milliseconds SQLite waits for another process's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * Connections the client may open to a local file. Every statement outside a transaction is a
 * short synchronous call, so more connections only serve transactions held open at once.
 */
export const LOCAL_CONNECTIONS = 8;

/**
 * Switches the file to WAL (persistent: it stays in the file) and sets `synchronous=NORMAL`
 * and `foreign_keys=ON` on every connection of the pool. `busy_timeout` is set through the
 * client's `timeout` option, which libSQL applies to every connection it opens.
 *
 * Holding `count` transactions at once makes the pool open all its connections; each then leaves
 * its transaction, sets the PRAGMAs (SQLite refuses `synchronous` inside a transaction) and
 * starts a new one, which `close()` rolls back before the connection returns to the pool.
 * The pool never drops an idle connection, so every later borrow finds one already set.
 */
export async function configureLocalConnections(client: Client, count: number): Promise<string> {
  const journalMode = await enableWal(client);
  const held = await Promise.all(Array.from({ length: count }, () => client.transaction("deferred")));
  try {
    for (const tx of held) {
      await tx.executeMultiple("COMMIT; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; BEGIN DEFERRED;");
    }
  } finally {
    for (const tx of held) tx.close();
  }
  return journalMode;
}

/**
 * Switching to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at once, without
 * waiting out busy_timeout, when another process is switching the same new file at that moment
 * (waiting could deadlock both). So retry here, for as long as busy_timeout would have waited.
 */
async function enableWal(client: Client): Promise<string> {
  const current = await client.execute("PRAGMA journal_mode");
  if (current.rows[0]?.[0] === "wal") return "wal";
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      const mode = await client.execute("PRAGMA journal_mode=WAL");
      return String(mode.rows[0]?.[0] ?? "");
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) throw err;
      await sleep(20 + Math.random() * 30);
    }
  }
}

function isBusy(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && String(err.code).startsWith("SQLITE_BUSY");
}
