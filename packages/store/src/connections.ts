// Connections: how tasks reach external systems. `password` and `extra` are encrypted at rest
// with AES-256-GCM when the store has a secret key; `getConnection` returns them decrypted.
import { asc, eq } from "drizzle-orm";
import { AlreadyExistsError, InvalidValueError } from "./errors.ts";
import type { Store } from "./open-store.ts";
import { connection, type Connection } from "./schema/admin.ts";
import { openValue, sealValue } from "./secret-box.ts";

/** A connection as callers give it; omitted fields are stored as null. */
export interface ConnectionInput {
  connId: string;
  connType: string;
  description?: string | null;
  host?: string | null;
  schema?: string | null;
  login?: string | null;
  password?: string | null;
  port?: number | null;
  /** JSON text, as in Airflow, e.g. `'{"sslmode":"require"}'`. */
  extra?: string | null;
}

/** A connection as callers see it: every field in plaintext. */
export type ConnectionEntry = Omit<Connection, "isEncrypted" | "isExtraEncrypted">;

const passwordContext = (id: string): string => `connection "${id}" password`;
const extraContext = (id: string): string => `connection "${id}" extra`;

/**
 * Adds a connection; throws `AlreadyExistsError` when `connId` exists, unless `replace` is set.
 * With a secret key, password and extra are stored only as ciphertext.
 * @example await addConnection(store, { connId: "pg", connType: "postgres", host: "db", password: "s3cret" });
 */
export async function addConnection(
  store: Store,
  input: ConnectionInput,
  opts: { replace?: boolean } = {},
): Promise<void> {
  if (!/^[A-Za-z0-9_.-]+$/.test(input.connId)) {
    throw new InvalidValueError(`connection "${input.connId}": id may contain only letters, digits, "_", "." and "-"`);
  }
  if (input.port != null && (!Number.isInteger(input.port) || input.port < 0 || input.port > 65_535)) {
    throw new InvalidValueError(`connection "${input.connId}": port must be an integer 0..65535 (got ${input.port})`);
  }
  const password = input.password == null ? null : sealValue(store.secrets, input.password, passwordContext(input.connId));
  const extra = input.extra == null ? null : sealValue(store.secrets, input.extra, extraContext(input.connId));
  const row = {
    connId: input.connId,
    connType: input.connType,
    description: input.description ?? null,
    host: input.host ?? null,
    schema: input.schema ?? null,
    login: input.login ?? null,
    port: input.port ?? null,
    password: password?.stored ?? null,
    isEncrypted: password?.encrypted ?? false,
    extra: extra?.stored ?? null,
    isExtraEncrypted: extra?.encrypted ?? false,
  };
  await store.write(async (tx) => {
    if (opts.replace) {
      await tx.insert(connection).values(row).onConflictDoUpdate({ target: connection.connId, set: row });
      return;
    }
    const inserted = await tx.insert(connection).values(row).onConflictDoNothing().returning({ id: connection.connId });
    if (inserted.length === 0) throw new AlreadyExistsError(`connection "${input.connId}"`);
  });
}

/** The connection `connId` with password and extra decrypted, or null when there is none. */
export async function getConnection(store: Store, connId: string): Promise<ConnectionEntry | null> {
  const rows = await store.db.select().from(connection).where(eq(connection.connId, connId));
  return rows[0] ? reveal(store, rows[0]) : null;
}

/** Every connection by id, decrypted. */
export async function listConnections(store: Store): Promise<ConnectionEntry[]> {
  const rows = await store.db.select().from(connection).orderBy(asc(connection.connId));
  return rows.map((row) => reveal(store, row));
}

/** Deletes connection `connId`; returns false when there was none. */
export async function deleteConnection(store: Store, connId: string): Promise<boolean> {
  const deleted = await store.write((tx) =>
    tx.delete(connection).where(eq(connection.connId, connId)).returning({ id: connection.connId }),
  );
  return deleted.length > 0;
}

function reveal(store: Store, row: Connection): ConnectionEntry {
  const { isEncrypted, isExtraEncrypted, ...rest } = row;
  return {
    ...rest,
    password: row.password === null ? null : openValue(store.secrets, row.password, isEncrypted, passwordContext(row.connId)),
    extra: row.extra === null ? null : openValue(store.secrets, row.extra, isExtraEncrypted, extraContext(row.connId)),
  };
}
