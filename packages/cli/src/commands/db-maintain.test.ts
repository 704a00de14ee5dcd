// `updraft db check | reset | clean`, `users list | delete | reset-password` and
// `rotate-secret-key`, run as the real command against a temp home (rows made through the store).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getVariable, migrateStore, openStore, verifyUser, type Store } from "@updraft/store";
import { cliHome, type CliHome } from "../testing/run-updraft.ts";

let home: CliHome;
beforeEach(async () => {
  home = await cliHome("db");
});
afterEach(async () => {
  await home.remove();
});

async function withStore<T>(key: string | undefined, fn: (store: Store) => Promise<T>, previous: string[] = []): Promise<T> {
  const store = await openStore({ url: `file:${join(home.dir, "updraft.db")}`, ...(key ? { secretKey: key, previousSecretKeys: previous } : {}) });
  try {
    await migrateStore(store);
    return await fn(store);
  } finally {
    await store.close();
  }
}

const T0 = Date.parse("2026-01-01T00:00:00Z");
const DAY = 86_400_000;

describe("updraft db", { timeout: 600_000 }, () => {
  it("checks, cleans old finished runs (asking first) and resets", async () => {
    const check = await home.run(["db", "check", "-o", "json"]);
    expect(check.code, check.stderr).toBe(0);
    // A fresh home: check does not create the schema.
    expect(JSON.parse(check.stdout)).toMatchObject({ reachable: true, migrations_applied: 0 });
    await withStore(undefined, async (store) => {
      for (let day = 0; day < 4; day++) {
        const at = T0 + day * DAY;
        await store.batch([
          { sql: "INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, start_date, updated_at) VALUES ('etl', ?, 'scheduled', ?, ?, ?, ?)", args: [`r${day}`, day === 3 ? "running" : "success", at, at, at] },
          { sql: "INSERT INTO task_instance (dag_id, run_id, task_id, state, start_date, updated_at) VALUES ('etl', ?, 't', 'success', ?, ?)", args: [`r${day}`, at, at] },
        ]);
      }
    });
    const dry = await home.run(["db", "clean", "--clean-before-timestamp", "2026-02-01", "--tables", "dag_run", "--dry-run", "-o", "json"]);
    expect(dry.code, dry.stderr).toBe(0);
    // r0..r2 are finished; r2 is the DAG's latest scheduled run but r3 (running) is newer, so r2 goes.
    expect(JSON.parse(dry.stdout).tables).toEqual([{ table: "dag_run", rows: 3, age_column: expect.any(String) }]);
    const unconfirmed = await home.run(["db", "clean", "--clean-before-timestamp", "2026-02-01", "--tables", "dag_run"]);
    expect([unconfirmed.code, unconfirmed.stderr]).toEqual([2, "updraft: db clean: not confirmed; pass -y to run it without a question (stdin is not a terminal)\n"]);
    const clean = await home.run(["db", "clean", "--clean-before-timestamp", "2026-02-01", "--tables", "dag_run", "-y", "-o", "json"]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ tables: [{ table: "dag_run", deleted: 3 }], run_log_folders_removed: 3 });
    expect(await withStore(undefined, async (s) => (await s.client.execute("SELECT run_id FROM dag_run")).rows.map((r) => r.run_id))).toEqual(["r3"]);

    const reset = await home.run(["db", "reset", "-y"]);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/reset: \d+ table\(s\) dropped, \d+ migration\(s\) applied/);
    expect(await withStore(undefined, async (s) => (await s.client.execute("SELECT COUNT(*) AS n FROM dag_run")).rows[0]!.n)).toBe(0);
    const bad = await home.run(["db", "clean", "--clean-before-timestamp", "2026-02-01", "--tables", "dags"]);
    expect([bad.code, bad.stderr]).toEqual([2, 'updraft: --tables: unknown table "dags"; expected some of dag_run, task_instance, task_instance_history, xcom, log, job\n']);
  });
});

describe("updraft users", { timeout: 600_000 }, () => {
  it("lists, resets a password from UPDRAFT_PASSWORD, deletes, and exits 1 for an unknown user", async () => {
    expect((await home.run(["users", "create", "ann", "--role", "edit", "--password", "first-pass"])).code).toBe(0);
    const list = await home.run(["users", "list", "-o", "json"]);
    expect(JSON.parse(list.stdout)).toEqual([{ id: 1, username: "ann", role: "edit", created_at: expect.any(String) }]);
    expect((await home.run(["users", "reset-password", "ann"], { UPDRAFT_PASSWORD: "second-pass" })).code).toBe(0);
    await withStore(undefined, async (store) => {
      expect(await verifyUser(store, "ann", "first-pass")).toBeNull();
      expect(await verifyUser(store, "ann", "second-pass")).toMatchObject({ username: "ann" });
    });
    expect((await home.run(["users", "delete", "ann"])).code).toBe(0);
    const gone = await home.run(["users", "delete", "ann"]);
    expect([gone.code, gone.stderr]).toEqual([1, 'updraft: user "ann" does not exist\n']);
  });
});

describe("updraft rotate-secret-key", { timeout: 600_000 }, () => {
  it("with the home's key file: a new key, every secret under it, the old key no longer opens them", async () => {
    expect((await home.run(["variables", "set", "api_key", "v-secret"])).code).toBe(0);
    expect((await home.run(["connections", "add", "pg", "--conn-uri", "postgres://u:pw-1@h/db"])).code).toBe(0);
    const oldKey = (await readFile(join(home.dir, "secret_key"), "utf8")).trim();
    const r = await home.run(["rotate-secret-key"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1 variable\(s\) and 1 connection\(s\) re-encrypted, 0 already under the new key/);
    const newKey = (await readFile(join(home.dir, "secret_key"), "utf8")).trim();
    expect(newKey).not.toBe(oldKey);
    await expect(readFile(join(home.dir, "secret_key.previous"), "utf8")).rejects.toThrow(/ENOENT/);
    await withStore(newKey, async (store) => expect(await getVariable(store, "api_key")).toBe("v-secret"));
    await withStore(oldKey, async (store) => expect(getVariable(store, "api_key")).rejects.toThrow(/cannot be decrypted/));
    expect((await home.run(["variables", "get", "api_key"])).stdout).toBe("v-secret\n");
  });

  it("with UPDRAFT_SECRET_KEY: needs UPDRAFT_SECRET_KEY_PREVIOUS, then moves every secret to the new key", async () => {
    const old = { UPDRAFT_SECRET_KEY: "old-key-1" };
    expect((await home.run(["variables", "set", "token", "t-1"], old)).code).toBe(0);
    const alone = await home.run(["rotate-secret-key"], { UPDRAFT_SECRET_KEY: "new-key-2" });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("UPDRAFT_SECRET_KEY_PREVIOUS=<old key>");
    const r = await home.run(["rotate-secret-key"], { UPDRAFT_SECRET_KEY: "new-key-2", UPDRAFT_SECRET_KEY_PREVIOUS: "old-key-1" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("now remove UPDRAFT_SECRET_KEY_PREVIOUS");
    expect((await home.run(["variables", "get", "token"], { UPDRAFT_SECRET_KEY: "new-key-2" })).stdout).toBe("t-1\n");
    const stale = await home.run(["variables", "get", "token"], old);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('variable "token" cannot be decrypted');
  });
});
