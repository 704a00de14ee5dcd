// Variables: the key/value settings tasks read. Values are encrypted at rest when the store has
// a secret key, and decrypted here, so callers only ever see plaintext.
import { asc, eq } from "drizzle-orm";
import type { Store } from "./open-store.ts";
import { variable } from "./schema/admin.ts";
import { openValue, sealValue } from "./secret-box.ts";
import { InvalidValueError } from "./errors.ts";
import { maxVariableBytes } from "./limits.ts";

/** A variable as callers see it: the value decrypted. */
export interface VariableEntry {
  key: string;
  value: string;
  description: string | null;
  isEncrypted: boolean;
}

/** Options of `listVariables`: a page of the list. */
export interface ListVariablesOptions {
  limit?: number;
  offset?: number;
}

/** The context a variable's ciphertext is bound to, and the name errors use. */
const context = (key: string): string => `variable "${key}"`;

/**
 * The value of variable `key`, decrypted, or null when there is none.
 * @example const bucket = (await getVariable(store, "s3_bucket")) ?? "default-bucket";
 */
export async function getVariable(store: Store, key: string): Promise<string | null> {
  const rows = await store.db.select().from(variable).where(eq(variable.key, key));
  const row = rows[0];
  return row ? openValue(store.secrets, row.val, row.isEncrypted, context(key)) : null;
}

/**
 * Creates or replaces variable `key`; encrypted when the store has a secret key. Values are text:
 * `JSON.stringify` structured values and read them back with `{{ var.json.key }}`. A value larger
 * than UPDRAFT_MAX_VARIABLE_BYTES (512 KiB by default) throws `InvalidValueError`, naming it.
 * @example await setVariable(store, "s3_bucket", "sales-eu", { description: "where exports go" });
 */
export async function setVariable(
  store: Store,
  key: string,
  value: string,
  opts: { description?: string | null } = {},
): Promise<void> {
  const limit = maxVariableBytes();
  // UTF-8 takes at most three bytes per UTF-16 unit: only a value that may be too large is measured.
  if (value.length * 3 > limit) {
    const bytes = Buffer.byteLength(value, "utf8");
    if (bytes > limit) throw new InvalidValueError(`${context(key)}: the value is ${bytes} bytes, more than the limit of ${limit} bytes (UPDRAFT_MAX_VARIABLE_BYTES)`);
  }
  const { stored, encrypted } = sealValue(store.secrets, value, context(key));
  const set = { val: stored, isEncrypted: encrypted, ...(opts.description !== undefined ? { description: opts.description } : {}) };
  await store.write((tx) =>
    tx
      .insert(variable)
      .values({ key, description: opts.description ?? null, ...set })
      .onConflictDoUpdate({ target: variable.key, set }),
  );
}

/** Every variable by key, values decrypted. */
export async function listVariables(store: Store, opts: ListVariablesOptions = {}): Promise<VariableEntry[]> {
  const rows = await store.db
    .select()
    .from(variable)
    .orderBy(asc(variable.key))
    .limit(opts.limit ?? -1)
    .offset(opts.offset ?? 0);
  return rows.map((row) => ({
    key: row.key,
    value: openValue(store.secrets, row.val, row.isEncrypted, context(row.key)),
    description: row.description,
    isEncrypted: row.isEncrypted,
  }));
}

/** Deletes variable `key`; returns false when there was none. */
export async function deleteVariable(store: Store, key: string): Promise<boolean> {
  const deleted = await store.write((tx) => tx.delete(variable).where(eq(variable.key, key)).returning({ key: variable.key }));
  return deleted.length > 0;
}
