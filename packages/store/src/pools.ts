// Pools: named slot counts that cap how many task instances run at once. `default_pool` always
// exists, because every task without a pool of its own draws from it.
import { asc, eq } from "drizzle-orm";
import { DefaultPoolDeletionError, InvalidValueError } from "./errors.ts";
import type { Store } from "./open-store.ts";
import { slotPool, type SlotPool } from "./schema/admin.ts";

/** The pool every task uses unless it names another (Airflow's name). */
export const DEFAULT_POOL = "default_pool";
/** Slots of `default_pool` in a new database (Airflow's default). */
export const DEFAULT_POOL_SLOTS = 128;

/** Fields of `setPool`; `slots: -1` means unlimited. */
export interface PoolInput {
  pool: string;
  slots: number;
  description?: string | null;
  includeDeferred?: boolean;
}

/**
 * Creates `default_pool` with 128 slots unless it exists; an existing one keeps its size.
 * `migrateStore` calls it.
 */
export async function ensureDefaults(store: Store): Promise<void> {
  await store.write(async (tx) => {
    await tx
      .insert(slotPool)
      .values({ pool: DEFAULT_POOL, slots: DEFAULT_POOL_SLOTS, description: "Default pool", includeDeferred: false })
      .onConflictDoNothing();
  });
}

/**
 * Creates or updates a pool. Fields left out keep their stored value on update.
 * @example await setPool(store, { pool: "spark", slots: 4, description: "cluster seats" });
 */
export async function setPool(store: Store, input: PoolInput): Promise<SlotPool> {
  if (!/^[A-Za-z0-9_.-]+$/.test(input.pool)) {
    throw new InvalidValueError(`pool "${input.pool}": name may contain only letters, digits, "_", "." and "-"`);
  }
  if (!Number.isInteger(input.slots) || input.slots < -1) {
    throw new InvalidValueError(`pool "${input.pool}": slots must be an integer >= 0, or -1 for unlimited (got ${input.slots})`);
  }
  const update: Partial<SlotPool> = { slots: input.slots };
  if (input.description !== undefined) update.description = input.description;
  if (input.includeDeferred !== undefined) update.includeDeferred = input.includeDeferred;
  const [row] = await store.write((tx) =>
    tx
      .insert(slotPool)
      .values({
        pool: input.pool,
        slots: input.slots,
        description: input.description ?? null,
        includeDeferred: input.includeDeferred ?? false,
      })
      .onConflictDoUpdate({ target: slotPool.pool, set: update })
      .returning(),
  );
  return row!;
}

/** The pool named `name`, or null. */
export async function getPool(store: Store, name: string): Promise<SlotPool | null> {
  const rows = await store.db.select().from(slotPool).where(eq(slotPool.pool, name));
  return rows[0] ?? null;
}

/** Every pool, by name. */
export async function listPools(store: Store): Promise<SlotPool[]> {
  return store.db.select().from(slotPool).orderBy(asc(slotPool.pool));
}

/**
 * Deletes a pool; returns false when there was none. Throws `DefaultPoolDeletionError` for
 * `default_pool`. A task instance whose pool does not exist when it is ready to run fails with an error naming the pool.
 */
export async function deletePool(store: Store, name: string): Promise<boolean> {
  if (name === DEFAULT_POOL) throw new DefaultPoolDeletionError(name);
  const deleted = await store.write((tx) => tx.delete(slotPool).where(eq(slotPool.pool, name)).returning());
  return deleted.length > 0;
}
