// Import errors: DAG files that failed to load, one row per file. The DAG processor replaces a
// file's row on each failed parse and clears it when the file loads again.
import { asc, eq } from "drizzle-orm";
import type { Store } from "./open-store.ts";
import { importError, type ImportError } from "./schema/dag.ts";

/**
 * Records that `filename` failed to load, replacing any earlier error of that file.
 * @example await replaceImportError(store, "dags/sales.ts", err.stack ?? String(err));
 */
export async function replaceImportError(
  store: Store,
  filename: string,
  stackTrace: string,
  timestamp: Date = new Date(),
): Promise<void> {
  await store.write((tx) =>
    tx
      .insert(importError)
      .values({ filename, stackTrace, timestamp })
      .onConflictDoUpdate({ target: importError.filename, set: { stackTrace, timestamp } }),
  );
}

/** Forgets the import error of `filename`; returns false when it had none. */
export async function clearImportError(store: Store, filename: string): Promise<boolean> {
  const deleted = await store.write((tx) =>
    tx.delete(importError).where(eq(importError.filename, filename)).returning({ id: importError.id }),
  );
  return deleted.length > 0;
}

/** Every current import error, by file name. */
export async function listImportErrors(store: Store): Promise<ImportError[]> {
  return store.db.select().from(importError).orderBy(asc(importError.filename));
}
