// Tests of migrations: they apply on memory and on files, a second run is a no-op, concurrent
// migrators agree, and default_pool is seeded.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MigrationError } from "./errors.ts";
import { MIGRATIONS_FOLDER, migrateStore } from "./migrate.ts";
import { openStore } from "./open-store.ts";
import { slotPool } from "./schema/admin.ts";
import { testStores } from "./test-support.ts";

/** Every migration in the journal, oldest first. */
const ALL_MIGRATIONS = (JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: Array<{ tag: string }> }).entries.map((e) => e.tag);

const t = testStores();
afterEach(() => t.cleanup());

const TABLES = [
  "ab_user", "api_token", "bundle", "connection", "dag", "dag_priority_parsing_request", "dag_run", "dag_version", "import_error", "job", "log",
  "scheduler_lease", "slot_pool", "task_instance", "task_instance_history", "ui_session", "variable", "xcom",
];

/** Runs `openStore` + `migrateStore` in a child Node process and returns what it printed. */
function migrateInChild(url: string): Promise<string> {
  const script = `
    const { openStore } = await import(${JSON.stringify(new URL("./open-store.ts", import.meta.url).href)});
    const { migrateStore } = await import(${JSON.stringify(new URL("./migrate.ts", import.meta.url).href)});
    const store = await openStore({ url: ${JSON.stringify(url)} });
    console.log(JSON.stringify(await migrateStore(store)));
    await store.close();`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--input-type=module", "-e", script], (err, stdout, stderr) =>
      err ? reject(new Error(`child failed: ${stderr}`, { cause: err })) : resolve(stdout.trim()),
    );
  });
}

async function tableNames(store: Awaited<ReturnType<typeof openStore>>): Promise<string[]> {
  const rows = await store.client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name",
  );
  return rows.rows.map((r) => String(r[0]));
}

describe("migrateStore", () => {
  it("finds the migrations folder next to the package, whatever the working directory", () => {
    expect(isAbsolute(MIGRATIONS_FOLDER)).toBe(true);
    expect(existsSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"))).toBe(true);
  });

  it("creates every table in memory", async () => {
    const store = await t.open(":memory:", { migrate: false });
    const result = await migrateStore(store);
    expect(result.applied).toEqual(ALL_MIGRATIONS);
    expect(await tableNames(store)).toEqual(TABLES);
  });

  it("applies nothing the second time", async () => {
    const store = await t.open(":memory:", { migrate: false });
    await migrateStore(store);
    expect(await migrateStore(store)).toEqual({ applied: [] });
    expect(await tableNames(store)).toEqual(TABLES);
  });

  it("migrates a file database in WAL mode, and a reopened file needs nothing", async () => {
    const dir = await t.tempDir();
    const url = `file:${join(dir, "updraft.db")}`;
    const first = await openStore({ url });
    expect((await migrateStore(first)).applied).toEqual(ALL_MIGRATIONS);
    expect((await first.client.execute("PRAGMA journal_mode")).rows[0]?.[0]).toBe("wal");
    await first.close();
    const second = await t.open(url, { migrate: false });
    expect(await migrateStore(second)).toEqual({ applied: [] });
    expect(await tableNames(second)).toEqual(TABLES);
  });

  it("lets two processes migrate the same new file at once", { timeout: 30_000 }, async () => {
    const dir = await t.tempDir();
    const url = `file:${join(dir, "updraft.db")}`;
    // Real processes: within one process a second Store on the same file would contend for
    // SQLite's lock synchronously (see Store.write), which is not what this test is about.
    const outputs = await Promise.all([migrateInChild(url), migrateInChild(url)]);
    const applied = outputs.map((o) => (JSON.parse(o) as { applied: string[] }).applied);
    expect(applied.flat()).toContain("0000_initial");
    const store = await t.open(url, { migrate: false });
    expect(await tableNames(store)).toEqual(TABLES);
    expect(await store.db.$count(slotPool)).toBe(1);
  });

  it("seeds default_pool with 128 slots, once", async () => {
    const store = await t.memory();
    await migrateStore(store);
    expect(await store.db.select().from(slotPool)).toEqual([
      { pool: "default_pool", slots: 128, description: "Default pool", includeDeferred: false },
    ]);
  });

  it("names the folder when it holds no migrations", async () => {
    const store = await t.open(":memory:", { migrate: false });
    const dir = await t.tempDir();
    await expect(migrateStore(store, { migrationsFolder: dir })).rejects.toThrow(MigrationError);
    await expect(migrateStore(store, { migrationsFolder: dir })).rejects.toThrow(dir);
  });
});
