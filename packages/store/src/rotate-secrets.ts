// Re-encryption of every stored secret (variable values, connection passwords and extras) under
// the store's current secret key, in one transaction: Airflow's `rotate-fernet-key`. Values
// written under a previous key are read with it (the store was opened with
// `previousSecretKeys`); values stored in plaintext (a store once used without a key) are
// encrypted too.
import { eq } from "drizzle-orm";
import { SecretKeyMissingError } from "./errors.ts";
import type { Store } from "./open-store.ts";
import { connection, variable } from "./schema/admin.ts";
import type { SecretBox } from "./secret-box.ts";

/** What `rotateSecrets` changed. */
export interface RotateResult {
  /** Variables whose value was re-encrypted (or encrypted for the first time). */
  variables: number;
  /** Connections whose password and/or extra was re-encrypted. */
  connections: number;
  /** Values that were already under the current key and were left as they are. */
  unchanged: number;
}

/**
 * Rewrites every secret that is not under the current key (a previous key's ciphertext, or
 * plaintext) with the current key, all in one write transaction: either every value moves or
 * none does. A value no key opens fails the whole call with `DecryptionError`, naming it.
 * @example
 * const store = await openStore({ url, secretKey: newKey, previousSecretKeys: [oldKey] });
 * const { variables, connections } = await rotateSecrets(store);
 */
export async function rotateSecrets(store: Store): Promise<RotateResult> {
  const box = store.secrets;
  if (!box) throw new SecretKeyMissingError("rotating secrets needs a secret key; the store");
  const result: RotateResult = { variables: 0, connections: 0, unchanged: 0 };
  await store.write(async (tx) => {
    for (const row of await tx.select().from(variable)) {
      const context = `variable "${row.key}"`;
      const next = reseal(box, row.val, row.isEncrypted, context);
      if (next === null) {
        result.unchanged++;
        continue;
      }
      await tx.update(variable).set({ val: next, isEncrypted: true }).where(eq(variable.key, row.key));
      result.variables++;
    }
    for (const row of await tx.select().from(connection)) {
      const password = row.password === null ? null : reseal(box, row.password, row.isEncrypted, `connection "${row.connId}" password`);
      const extra = row.extra === null ? null : reseal(box, row.extra, row.isExtraEncrypted, `connection "${row.connId}" extra`);
      if (password === null && extra === null) {
        if (row.password !== null || row.extra !== null) result.unchanged++;
        continue;
      }
      await tx.update(connection).set({
        ...(password !== null ? { password, isEncrypted: true } : {}),
        ...(extra !== null ? { extra, isExtraEncrypted: true } : {}),
      }).where(eq(connection.connId, row.connId));
      result.connections++;
    }
  });
  return result;
}

/** The value sealed under the current key, or null when it is already. */
function reseal(box: SecretBox, stored: string, encrypted: boolean, context: string): string | null {
  if (encrypted && box.isCurrent(stored, context)) return null;
  const plain = encrypted ? box.decrypt(stored, context) : stored;
  return box.encrypt(plain, context);
}
