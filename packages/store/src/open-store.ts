// Opens the metadata database: an embedded libSQL file (WAL), `:memory:` for tests, or a libSQL
// server / Turso over libsql://, http(s):// or ws(s)://, wrapped in drizzle with the schema.
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { createClient, type Client, type InStatement, type ResultSet } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "./schema/index.ts";
import { StoreOpenError } from "./errors.ts";
import { BUSY_TIMEOUT_MS, LOCAL_CONNECTIONS, configureLocalConnections } from "./local-pragmas.ts";
import { SecretBox } from "./secret-box.ts";
import { createSerialQueue } from "./serial-queue.ts";
import { parseStoreUrl, redactUrl } from "./store-url.ts";

/** The drizzle database over every table of the schema. */
export type StoreDb = LibSQLDatabase<typeof schema>;
/** The transaction handed to `store.write`; it has the same query API as `StoreDb`. */
export type StoreTx = Parameters<Parameters<StoreDb["transaction"]>[0]>[0];

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /** `file:<path>`, `:memory:`, `libsql://…`, `http(s)://…` or `ws(s)://…`. */
  url: string;
  /** Token for a libSQL server or Turso; ignored for local files. */
  authToken?: string;
  /** When given, variable values and connection secrets are encrypted at rest under it. */
  secretKey?: string;
  /**
   * Keys that still decrypt while `secretKey` is being rotated in (Airflow's `fernet_key =
   * new,old`); values are always written under `secretKey`. See `rotateSecrets`.
   */
  previousSecretKeys?: readonly string[];
}

/** An open metadata database. */
export interface Store {
  /** Drizzle over the schema; use it for reads, and `write` for anything that changes rows. */
  readonly db: StoreDb;
  /** The underlying libSQL client, for raw SQL. */
  readonly client: Client;
  /** The URL the store was opened with. */
  readonly url: string;
  /** Encrypts secret columns; null when the store was opened without a secret key. */
  readonly secrets: SecretBox | null;
  /**
   * Runs `fn` in a write transaction and commits when it resolves (rolls back when it throws).
   * For a local database, write transactions of this process run one at a time: the local driver
   * is synchronous, so a writer waiting on SQLite's lock would freeze the event loop, and with it
   * the writer holding the lock, for the whole busy timeout. Plain writes on `db` while a `write`
   * is in flight risk exactly that; route every write through here. Do not call `write` from
   * inside `fn` (it throws): use `tx`.
   * With `:memory:` the client has a single connection, so any query made outside `fn` while
   * `fn` runs fails with TRANSACTION_ACTIVE; use a temp file when a test needs concurrency.
   */
  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Runs raw statements in one write transaction, in the same queue as `write`: the scheduler's
   * group commits go through here, so they never wait on another writer of this process.
   */
  batch(statements: InStatement[]): Promise<ResultSet[]>;
  /** Waits for queued writes, then closes every connection. Idempotent. */
  close(): Promise<void>;
}

/** How long a remote server may take to answer the first query. */
const REMOTE_PROBE_TIMEOUT_MS = 10_000;

/**
 * Opens the database at `url`. For a `file:` URL it creates the parent directory and sets WAL,
 * `synchronous=NORMAL`, `busy_timeout=5000` and `foreign_keys=ON`; remote URLs are passed to
 * libSQL with `authToken`. Throws `StoreOpenError` naming the URL when it is malformed or the
 * database cannot be reached. Call `migrateStore` next.
 * @example
 * const store = await openStore({ url: "file:.updraft/updraft.db", secretKey: process.env.UPDRAFT_SECRET_KEY });
 * await migrateStore(store);
 */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const { url } = opts;
  const shown = redactUrl(url);
  const target = parseStoreUrl(url);
  const secrets = opts.secretKey ? new SecretBox(opts.secretKey, opts.previousSecretKeys) : null;

  if (target.kind === "file") {
    try {
      await mkdir(dirname(target.path), { recursive: true });
    } catch (err) {
      throw new StoreOpenError(shown, `cannot create directory "${dirname(target.path)}"`, { cause: err });
    }
  }

  let client: Client;
  try {
    client = createClient({
      url,
      ...(opts.authToken !== undefined && target.kind === "remote" ? { authToken: opts.authToken } : {}),
      ...(target.kind === "remote" ? {} : { timeout: BUSY_TIMEOUT_MS, concurrency: LOCAL_CONNECTIONS }),
    });
  } catch (err) {
    throw new StoreOpenError(shown, describe(err), { cause: err });
  }

  try {
    if (target.kind === "file") await configureLocalConnections(client, LOCAL_CONNECTIONS);
    else if (target.kind === "remote") await probe(client);
  } catch (err) {
    client.close();
    throw new StoreOpenError(shown, describe(err), { cause: err });
  }

  const db = drizzle(client, { schema });
  const queue = createSerialQueue(`store "${shown}" writes`);
  const serialise = target.kind !== "remote";
  let closed = false;

  return {
    db,
    client,
    url,
    secrets,
    write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      return serialise ? queue.run(() => db.transaction(fn)) : db.transaction(fn);
    },
    batch(statements: InStatement[]): Promise<ResultSet[]> {
      return serialise ? queue.run(() => client.batch(statements, "write")) : client.batch(statements, "write");
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await queue.idle();
      client.close();
    },
  };
}

/** Runs a first query so that an unreachable server or a bad token fails here, not later. */
async function probe(client: Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${REMOTE_PROBE_TIMEOUT_MS} ms`)), REMOTE_PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([client.execute("SELECT 1"), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}`;
}
