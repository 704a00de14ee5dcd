// `updraft tokens …` and `updraft users create`, run as the real command in a child process
// against a database in a temp UPDRAFT_HOME.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiToken, hashToken, openStore, verifyToken, verifyUser, type Store } from "@updraft/store";

const BIN = resolve(fileURLToPath(import.meta.url), "../../../../../node_modules/.bin/updraft");

interface Result { code: number; stdout: string; stderr: string }

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "updraft-tokens-cli-"));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

function updraft(args: string[], env: Record<string, string> = {}): Promise<Result> {
  // The command reads its settings from UPDRAFT_* variables: only the test's own reach it.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_")));
  return new Promise((done) => {
    execFile(BIN, [...args, "--home", home], { env: { ...base, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ url: `file:${join(home, "updraft.db")}` });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe("updraft tokens", () => {
  it("prints only the new token on stdout, and the database holds only its hash", async () => {
    const r = await updraft(["tokens", "create", "--scope", "read", "--name", "ci"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^updr_[A-Za-z0-9_-]{43}\n$/);
    const token = r.stdout.trim();

    await withStore(async (store) => {
      expect(await verifyToken(store, token)).toEqual({ id: expect.any(Number), scope: "read", dags: null, expiresAt: null });
      const rows = await store.db.select().from(apiToken);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ name: "ci", scope: "read", tokenHash: hashToken(token), revokedAt: null, expiresAt: null });
      expect(JSON.stringify(rows)).not.toContain(token);
    });
    for (const file of await readdir(home)) {
      if (file.startsWith("updraft.db")) expect((await readFile(join(home, file))).includes(token), file).toBe(false);
    }
  }, 60_000);

  it("creates a token that expires, lists tokens without their secrets, and revokes one", async () => {
    const expires = new Date(Date.now() + 86_400_000).toISOString();
    const created = await updraft(["tokens", "create", "--scope", "edit", "--expires", expires]);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();

    const list = await updraft(["tokens", "list", "--output", "json"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).not.toContain(token);
    const rows = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
    expect(rows).toEqual([expect.objectContaining({ id: 1, scope: "edit", status: "active", expires_at: expires })]);

    const revoked = await updraft(["tokens", "revoke", "1"]);
    expect(revoked.code, revoked.stderr).toBe(0);
    await withStore(async (store) => expect(await verifyToken(store, token)).toBeNull());
    const again = await updraft(["tokens", "revoke", "1"]);
    // A refused request, not bad usage: exit 1 (src/errors.ts).
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/token 1/);
  }, 60_000);

  it("refuses a missing or unknown scope and an expiry in the past with exit code 2", async () => {
    const none = await updraft(["tokens", "create"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--scope/);
    const bad = await updraft(["tokens", "create", "--scope", "root"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/read, trigger, edit, admin, worker/);
    const past = await updraft(["tokens", "create", "--scope", "read", "--expires", "2001-01-01"]);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/--expires/);
    expect(past.stdout).toBe("");
  }, 60_000);
});

describe("updraft tokens create --dags --expires", () => {
  it("creates a portal token restricted to DAG patterns that expires in 30 days, and lists its patterns", async () => {
    const before = Date.now();
    const r = await updraft(["tokens", "create", "--scope", "read", "--dags", "sales_*, finance_daily", "--expires", "30d", "--name", "portal"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/DAGs sales_\*, finance_daily/);
    const token = r.stdout.trim();
    await withStore(async (store) => {
      const t = await verifyToken(store, token);
      expect(t).toMatchObject({ scope: "read", dags: ["sales_*", "finance_daily"] });
      const in30Days = before + 30 * 86_400_000;
      expect(t!.expiresAt!.getTime()).toBeGreaterThanOrEqual(in30Days);
      expect(t!.expiresAt!.getTime()).toBeLessThan(in30Days + 60_000);
    });
    const hours = await updraft(["tokens", "create", "--scope", "trigger", "--expires", "12h"]);
    expect(hours.code, hours.stderr).toBe(0);
    const list = JSON.parse((await updraft(["tokens", "list", "--output", "json"])).stdout) as Array<Record<string, unknown>>;
    expect(list.map((t) => [t.name, t.scope, t.dags])).toEqual([["portal", "read", "sales_*,finance_daily"], ["trigger token", "trigger", "*"]]);
    const inTwelveHours = Date.parse(String(list[1]!.expires_at)) - before;
    expect(inTwelveHours).toBeGreaterThanOrEqual(12 * 3_600_000);
    expect(inTwelveHours).toBeLessThan(12 * 3_600_000 + 60_000);
  }, 60_000);

  it("refuses bad patterns, a DAG-restricted worker token and an expiry that is neither a duration nor a date", async () => {
    const bad = await updraft(["tokens", "create", "--scope", "read", "--dags", "sales_*,a b"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--dags: "a b" is not a DAG id pattern/);
    const empty = await updraft(["tokens", "create", "--scope", "read", "--dags", ","]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--dags: give at least one/);
    const worker = await updraft(["tokens", "create", "--scope", "worker", "--dags", "x"]);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toMatch(/worker token cannot be restricted/);
    const vague = await updraft(["tokens", "create", "--scope", "read", "--expires", "tomorrow"]);
    expect(vague.code).toBe(2);
    expect(vague.stderr).toMatch(/--expires: "tomorrow" is neither a duration/);
    expect(vague.stdout).toBe("");
  }, 60_000);
});

describe("updraft users create", () => {
  it("creates a user whose password comes from UPDRAFT_PASSWORD, and refuses a taken name", async () => {
    const r = await updraft(["users", "create", "alice", "--role", "trigger"], { UPDRAFT_PASSWORD: "wonderland" });
    expect(r.code, r.stderr).toBe(0);
    await withStore(async (store) => {
      expect(await verifyUser(store, "alice", "wonderland")).toMatchObject({ username: "alice", role: "trigger" });
      expect(await verifyUser(store, "alice", "wrong")).toBeNull();
    });
    const taken = await updraft(["users", "create", "alice", "--role", "read", "--password", "x"]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/already exists/);
    const noPassword = await updraft(["users", "create", "bob", "--role", "read"]);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toMatch(/UPDRAFT_PASSWORD/);
  }, 60_000);
});
