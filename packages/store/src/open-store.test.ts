// Tests of opening stores: local files get WAL and per-connection PRAGMAs, bad URLs fail with
// the URL in the message, and write transactions of one process never overlap.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StoreOpenError } from "./errors.ts";
import { openStore, type Store } from "./open-store.ts";
import { variable } from "./schema/admin.ts";
import { testStores } from "./test-support.ts";

const t = testStores();
afterEach(() => t.cleanup());

/** Reads a PRAGMA on `count` distinct pooled connections (transactions each hold their own). */
async function pragmaOnEveryConnection(store: Store, pragma: string, count: number): Promise<unknown[]> {
  const txs = await Promise.all(Array.from({ length: count }, () => store.client.transaction("read")));
  try {
    return await Promise.all(txs.map(async (tx) => (await tx.execute(`PRAGMA ${pragma}`)).rows[0]?.[0]));
  } finally {
    for (const tx of txs) tx.close();
  }
}

describe("openStore", () => {
  it("creates the parent directory of a file database and switches it to WAL", async () => {
    const dir = await t.tempDir();
    const store = await t.open(`file:${join(dir, "nested", "deeper", "updraft.db")}`, { migrate: false });
    expect(existsSync(join(dir, "nested", "deeper", "updraft.db"))).toBe(true);
    const mode = await store.client.execute("PRAGMA journal_mode");
    expect(mode.rows[0]?.[0]).toBe("wal");
  });

  it("sets synchronous, busy_timeout and foreign_keys on every pooled connection", async () => {
    const dir = await t.tempDir();
    const store = await t.open(`file:${join(dir, "updraft.db")}`, { migrate: false });
    expect(await pragmaOnEveryConnection(store, "synchronous", 8)).toEqual(Array(8).fill(1));
    expect(await pragmaOnEveryConnection(store, "busy_timeout", 8)).toEqual(Array(8).fill(5000));
    expect(await pragmaOnEveryConnection(store, "foreign_keys", 8)).toEqual(Array(8).fill(1));
  });

  it("enforces foreign keys in memory too", async () => {
    const store = await t.open(":memory:", { migrate: false });
    expect((await store.client.execute("PRAGMA foreign_keys")).rows[0]?.[0]).toBe(1);
  });

  it("names the URL when the scheme is unsupported", async () => {
    await expect(openStore({ url: "mysql://localhost/updraft" })).rejects.toThrow(
      /cannot open store "mysql:\/\/localhost\/updraft": unsupported scheme/,
    );
  });

  it("names the URL, without its token, when a server is unreachable", async () => {
    const err = await openStore({ url: "http://127.0.0.1:9/?authToken=secret", authToken: "t" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as Error).message).toContain('"http://127.0.0.1:9/?authToken=***"');
    expect((err as Error).message).not.toContain("secret");
  });

  it("names the file when the database file cannot be opened", async () => {
    const dir = await t.tempDir();
    // A directory where the database file should be.
    const err = await openStore({ url: `file:${dir}` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as Error).message).toContain(`"file:${dir}"`);
  });
});

describe("store.write", () => {
  it("runs overlapping write transactions one after another instead of deadlocking", async () => {
    const dir = await t.tempDir();
    const store = await t.open(`file:${join(dir, "updraft.db")}`);
    const order: string[] = [];
    const writer = (name: string) =>
      store.write(async (tx) => {
        order.push(`${name} begin`);
        await tx.insert(variable).values({ key: name, val: "1" });
        await new Promise((r) => setTimeout(r, 20));
        await tx.insert(variable).values({ key: `${name}2`, val: "2" });
        order.push(`${name} end`);
      });
    const started = Date.now();
    await Promise.all([writer("a"), writer("b"), writer("c")]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(order).toEqual(["a begin", "a end", "b begin", "b end", "c begin", "c end"]);
    expect(await store.db.$count(variable)).toBe(6);
  });

  it("reads from another connection while a write transaction is open", async () => {
    const dir = await t.tempDir();
    const store = await t.open(`file:${join(dir, "updraft.db")}`);
    await store.write(async (tx) => {
      await tx.insert(variable).values({ key: "uncommitted", val: "1" });
      // WAL: the reader sees the last committed state, without waiting.
      expect(await store.db.$count(variable)).toBe(0);
    });
    expect(await store.db.$count(variable)).toBe(1);
  });

  it("rolls back when the function throws, and keeps serving later writes", async () => {
    const store = await t.memory();
    await expect(
      store.write(async (tx) => {
        await tx.insert(variable).values({ key: "k", val: "1" });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await store.write((tx) => tx.insert(variable).values({ key: "j", val: "2" }));
    expect((await store.db.select().from(variable)).map((v) => v.key)).toEqual(["j"]);
  });

  it("refuses a nested write instead of waiting for itself", async () => {
    const store = await t.memory();
    await expect(store.write(() => store.write(async () => 1))).rejects.toThrow(/nested call .* would deadlock/);
  });

  it("waits for queued writes before closing", async () => {
    const dir = await t.tempDir();
    const url = `file:${join(dir, "updraft.db")}`;
    const store = await openStore({ url });
    await store.client.execute("CREATE TABLE t (x)");
    const pending = store.write(async (tx) => {
      await new Promise((r) => setTimeout(r, 20));
      await tx.run("INSERT INTO t VALUES (1)");
    });
    await store.close();
    await pending;
    await store.close();
    const again = await t.open(url, { migrate: false });
    expect((await again.client.execute("SELECT count(*) FROM t")).rows[0]?.[0]).toBe(1);
  });
});
