// Tests of pools: default_pool seeded and undeletable, create/update/list/delete, validation.
import { afterEach, describe, expect, it } from "vitest";
import { DefaultPoolDeletionError, InvalidValueError } from "./errors.ts";
import { DEFAULT_POOL, deletePool, ensureDefaults, getPool, listPools, setPool } from "./pools.ts";
import { testStores } from "./test-support.ts";

const t = testStores();
afterEach(() => t.cleanup());

describe("pools", () => {
  it("has default_pool with 128 slots after migrating", async () => {
    const store = await t.memory();
    expect(await getPool(store, DEFAULT_POOL)).toEqual({
      pool: "default_pool", slots: 128, description: "Default pool", includeDeferred: false,
    });
  });

  it("refuses to delete default_pool, but lets it be resized, and seeding keeps the new size", async () => {
    const store = await t.memory();
    await expect(deletePool(store, DEFAULT_POOL)).rejects.toThrow(DefaultPoolDeletionError);
    await expect(deletePool(store, DEFAULT_POOL)).rejects.toThrow('pool "default_pool" is the default pool');
    await setPool(store, { pool: DEFAULT_POOL, slots: 8 });
    await ensureDefaults(store);
    expect((await getPool(store, DEFAULT_POOL))?.slots).toBe(8);
    expect((await getPool(store, DEFAULT_POOL))?.description).toBe("Default pool");
  });

  it("creates, updates, lists and deletes pools", async () => {
    const store = await t.memory();
    expect(await setPool(store, { pool: "spark", slots: 4, description: "cluster seats" })).toEqual({
      pool: "spark", slots: 4, description: "cluster seats", includeDeferred: false,
    });
    await setPool(store, { pool: "spark", slots: -1, includeDeferred: true });
    expect(await getPool(store, "spark")).toEqual({ pool: "spark", slots: -1, description: "cluster seats", includeDeferred: true });
    expect((await listPools(store)).map((p) => p.pool)).toEqual(["default_pool", "spark"]);
    expect(await deletePool(store, "spark")).toBe(true);
    expect(await deletePool(store, "spark")).toBe(false);
    expect(await getPool(store, "spark")).toBeNull();
  });

  it.each([
    [{ pool: "p", slots: -2 }, /slots must be an integer >= 0, or -1/],
    [{ pool: "p", slots: 1.5 }, /slots must be an integer/],
    [{ pool: "no spaces", slots: 1 }, /name may contain only/],
  ])("refuses %j", async (input, message) => {
    const store = await t.memory();
    await expect(setPool(store, input)).rejects.toThrow(InvalidValueError);
    await expect(setPool(store, input)).rejects.toThrow(message);
  });
});
