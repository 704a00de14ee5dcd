// The admin resources of /api/v1 (variables, connections, pools, importErrors, eventLogs) over
// real HTTP requests to the Hono app, on a real libSQL file with encryption at rest.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  connection, createToken, createUser, dagRun, getConnection, migrateStore, openStore, recordEvent, replaceImportError,
  taskInstance, variable, type Store, type TokenScope,
} from "@updraft/store";
import { createApiApp } from "../app.ts";
import type { ApiApp } from "../types.ts";

interface Env {
  dir: string;
  store: Store;
  app: ApiApp;
  tokens: Record<TokenScope, string>;
  tokenIds: Record<TokenScope, number>;
  /** Every response body seen, to check that no secret ever leaks. */
  seen: string[];
}

interface Reply {
  status: number;
  body: any;
  text: string;
  type: string | null;
}

let env: Env;

beforeEach(async () => {
  const dir = await mkdtemp(join(tmpdir(), "updraft-admin-api-"));
  const store = await openStore({ url: `file:${join(dir, "updraft.db")}`, secretKey: "test-secret-key-for-admin-routes" });
  await migrateStore(store);
  const tokens = {} as Record<TokenScope, string>;
  const tokenIds = {} as Record<TokenScope, number>;
  for (const scope of ["read", "trigger", "edit", "admin", "worker"] as const) {
    const t = await createToken(store, { name: `${scope}-token`, scope });
    tokens[scope] = t.token;
    tokenIds[scope] = t.id;
  }
  const app = createApiApp({ store, home: dir, version: "test", trigger: async () => ({ runId: "x" }) });
  env = { dir, store, app, tokens, tokenIds, seen: [] };
});

afterEach(async () => {
  await env.store.close();
  await rm(env.dir, { recursive: true, force: true });
});

async function call(method: string, path: string, opts: { scope?: TokenScope | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  // Variables' values and connections are for credentials that may edit them; the rest reads with `read`.
  const scope = opts.scope === undefined ? (method === "GET" && !/^\/(variables|connections)\b/.test(path) ? "read" : "edit") : opts.scope;
  if (scope) headers.authorization = `Bearer ${env.tokens[scope]}`;
  let body: string | undefined;
  if (opts.raw !== undefined || opts.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = opts.raw ?? JSON.stringify(opts.body);
  }
  const res = await env.app.request(`/api/v1${path}`, { method, headers, body });
  const text = await res.text();
  env.seen.push(text);
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, text, type: res.headers.get("content-type") };
}

function expectProblem(r: Reply, status: number, detail?: RegExp | string): void {
  expect(r.status, r.text).toBe(status);
  expect(r.type).toContain("application/problem+json");
  expect(r.body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  if (detail !== undefined) expect(r.body.detail).toMatch(detail);
}

describe("auth on the admin resources", () => {
  it("answers 401 without credentials and with an unknown token", async () => {
    for (const path of ["/variables", "/connections", "/pools", "/importErrors", "/eventLogs", "/pools/default_pool"]) {
      expectProblem(await call("GET", path, { scope: null }), 401);
    }
    expectProblem(await call("GET", "/variables", { scope: null, headers: { authorization: "Bearer updr_not-a-real-token" } }), 401);
  });

  it("shows a read token the variables' keys but no value and no connection, as Airflow's Viewer", async () => {
    await call("POST", "/variables", { body: { key: "api_password", value: "hunter2", description: "the vendor's API" } });
    await call("POST", "/connections", { body: { connection_id: "pg", conn_type: "postgres", password: "pw-secret", extra: '{"token": "tk-secret"}' } });
    const before = env.seen.length;
    for (const scope of ["read", "trigger"] as const) {
      const list = await call("GET", "/variables", { scope });
      expect(list.body).toEqual({ variables: [{ key: "api_password", description: "the vendor's API" }], total_entries: 1 });
      expectProblem(await call("GET", "/variables?order_by=value", { scope }), 400, /order_by: "value" needs the edit scope/);
      expectProblem(await call("GET", "/variables/api_password", { scope }), 403, /"edit" scope/);
      expect((await call("HEAD", "/variables/api_password", { scope })).status).toBe(403);
      expectProblem(await call("GET", "/connections", { scope }), 403, /"edit" scope/);
      expectProblem(await call("GET", "/connections/pg", { scope }), 403, /"edit" scope/);
    }
    expect(env.seen.slice(before).filter((t) => /hunter2|secret/.test(t))).toEqual([]);
    expect((await call("GET", "/variables", { scope: "edit" })).body.variables[0].value).toBe("hunter2");
    expect((await call("GET", "/variables/api_password", { scope: "edit" })).body.value).toBe("hunter2");
    expect((await call("GET", "/connections/pg", { scope: "edit" })).body).toMatchObject({ connection_id: "pg", extra: '{"token":"***"}' });
  });

  it("lets a read token read but answers 403 to it (and to a trigger token) on every write", async () => {
    expect((await call("GET", "/variables", { scope: "read" })).status).toBe(200);
    expect((await call("GET", "/pools/default_pool", { scope: "read" })).status).toBe(200);
    for (const scope of ["read", "trigger", "worker"] as const) {
      expectProblem(await call("POST", "/variables", { scope, body: { key: "k", value: "v" } }), 403, /"edit" scope/);
      expectProblem(await call("PATCH", "/pools/default_pool", { scope, body: { slots: 3 }, headers: {} }), 403);
      expectProblem(await call("DELETE", "/connections/pg", { scope }), 403);
      expectProblem(await call("POST", "/pools", { scope, body: { name: "p", slots: 1 } }), 403);
    }
    expect((await call("GET", "/variables/k")).status).toBe(404);
  });

  it("accepts HTTP Basic with a user whose role may edit", async () => {
    await createUser(env.store, { username: "alice", password: "wonderland", role: "edit" });
    const basic = `Basic ${Buffer.from("alice:wonderland").toString("base64")}`;
    const r = await call("POST", "/variables", { scope: null, headers: { authorization: basic }, body: { key: "from_basic", value: "1" } });
    expect(r.status, r.text).toBe(200);
    const wrong = `Basic ${Buffer.from("alice:nope").toString("base64")}`;
    expectProblem(await call("GET", "/variables", { scope: null, headers: { authorization: wrong } }), 401);
  });
});

describe("/variables", () => {
  it("creates, reads, lists, updates and deletes a variable", async () => {
    const created = await call("POST", "/variables", { body: { key: "s3_bucket", value: "sales-eu", description: "where exports go" } });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toEqual({ key: "s3_bucket", value: "sales-eu", description: "where exports go" });

    expect((await call("GET", "/variables/s3_bucket")).body).toEqual({ key: "s3_bucket", value: "sales-eu", description: "where exports go" });
    const list = await call("GET", "/variables");
    expect(list.body).toEqual({ variables: [{ key: "s3_bucket", value: "sales-eu", description: "where exports go" }], total_entries: 1 });

    const patched = await call("PATCH", "/variables/s3_bucket", { body: { key: "s3_bucket", value: "sales-us" } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toEqual({ key: "s3_bucket", value: "sales-us", description: "where exports go" });

    expect((await call("DELETE", "/variables/s3_bucket")).status).toBe(204);
    expectProblem(await call("GET", "/variables/s3_bucket"), 404, /s3_bucket/);
    expectProblem(await call("DELETE", "/variables/s3_bucket"), 404);
    expectProblem(await call("PATCH", "/variables/s3_bucket", { body: { key: "s3_bucket", value: "x" } }), 404);
  });

  it("replaces the value when POST names an existing key, as Airflow's Variable.set", async () => {
    await call("POST", "/variables", { body: { key: "k", value: "one" } });
    const again = await call("POST", "/variables", { body: { key: "k", value: "two" } });
    expect(again.status).toBe(200);
    expect((await call("GET", "/variables/k")).body.value).toBe("two");
  });

  it("stores values encrypted and returns them in plaintext", async () => {
    await call("POST", "/variables", { body: { key: "api_secret", value: "hunter2" } });
    const [row] = await env.store.db.select().from(variable);
    expect(row!.isEncrypted).toBe(true);
    expect(row!.val).not.toContain("hunter2");
    expect((await call("GET", "/variables/api_secret")).body.value).toBe("hunter2");
  });

  it("updates only the fields update_mask names", async () => {
    await call("POST", "/variables", { body: { key: "k", value: "v1", description: "d1" } });
    const r = await call("PATCH", "/variables/k?update_mask=description", { body: { key: "k", value: "ignored", description: "d2" } });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ key: "k", value: "v1", description: "d2" });
    const both = await call("PATCH", "/variables/k?update_mask=value,description", { body: { key: "k", value: "v3", description: null } });
    expect(both.body).toEqual({ key: "k", value: "v3", description: null });
    expectProblem(await call("PATCH", "/variables/k?update_mask=key", { body: { key: "k", value: "v" } }), 400, /update_mask: "key"/);
    expectProblem(await call("PATCH", "/variables/k?update_mask=colour", { body: { key: "k", value: "v" } }), 400, /update_mask: "colour" is unknown/);
    expectProblem(await call("PATCH", "/variables/k?update_mask=description", { body: { key: "k" } }), 400, /"description"/);
  });

  it("pages and orders the list", async () => {
    for (const key of ["b", "a", "d", "c"]) await call("POST", "/variables", { body: { key, value: `value of ${key}` } });
    const page = await call("GET", "/variables?limit=2&offset=1&order_by=-key");
    expect(page.body.total_entries).toBe(4);
    expect(page.body.variables.map((v: { key: string }) => v.key)).toEqual(["c", "b"]);
    expectProblem(await call("GET", "/variables?order_by=colour"), 400, /order_by/);
    expectProblem(await call("GET", "/variables?limit=abc"), 400, /limit/);
    expectProblem(await call("GET", "/variables?limit=0"), 400, /limit/);
    expectProblem(await call("GET", "/variables?offset=-1"), 400, /offset/);
  });

  it("answers 400 naming the field for bad JSON, wrong types, missing and unknown fields", async () => {
    expectProblem(await call("POST", "/variables", { raw: "{not json" }), 400, /JSON/);
    expectProblem(await call("POST", "/variables", { body: { key: "k", value: 5 } }), 400, /json\.value/);
    expectProblem(await call("POST", "/variables", { body: { value: "v" } }), 400, /json\.key/);
    expectProblem(await call("POST", "/variables", { body: { key: "k", value: "v", colour: "red" } }), 400, /colour/);
    expectProblem(await call("POST", "/variables", { body: ["k", "v"] }), 400, /json/);
    await call("POST", "/variables", { body: { key: "k", value: "v" } });
    expectProblem(await call("PATCH", "/variables/k", { body: { key: "other", value: "v" } }), 400, /^key:/);
    expectProblem(await call("PATCH", "/variables/k", { body: { key: "k" } }), 400, /^value:/);
  });
});

describe("/connections", () => {
  const pg = { connection_id: "pg", conn_type: "postgres", host: "db.internal", login: "etl", password: "s3cr3t-Pa55", port: 5432, schema: "sales", extra: '{"sslmode":"require","api_token":"tok-123"}' };

  it("creates, reads, lists, updates and deletes a connection without ever returning the password", async () => {
    const created = await call("POST", "/connections", { body: pg });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toEqual({
      connection_id: "pg", conn_type: "postgres", description: null, host: "db.internal", login: "etl", schema: "sales", port: 5432,
      extra: '{"sslmode":"require","api_token":"***"}',
    });

    const one = await call("GET", "/connections/pg");
    expect(one.body).not.toHaveProperty("password");
    expect(JSON.parse(one.body.extra)).toEqual({ sslmode: "require", api_token: "***" });

    const list = await call("GET", "/connections");
    expect(list.body).toEqual({
      connections: [{ connection_id: "pg", conn_type: "postgres", description: null, host: "db.internal", login: "etl", schema: "sales", port: 5432 }],
      total_entries: 1,
    });

    const patched = await call("PATCH", "/connections/pg", { body: { host: "db2.internal", description: "primary" } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ host: "db2.internal", description: "primary", login: "etl", port: 5432 });
    // The password the client never sent back is kept.
    expect((await getConnection(env.store, "pg"))!.password).toBe("s3cr3t-Pa55");

    expect((await call("DELETE", "/connections/pg")).status).toBe(204);
    expectProblem(await call("GET", "/connections/pg"), 404, /pg/);
    expectProblem(await call("DELETE", "/connections/pg"), 404);
    expectProblem(await call("PATCH", "/connections/pg", { body: { host: "x" } }), 404);

    for (const text of env.seen) expect(text).not.toContain("s3cr3t-Pa55");
    for (const text of env.seen) expect(text).not.toContain("tok-123");
  });

  it("keeps the password encrypted at rest and changes it only when asked", async () => {
    await call("POST", "/connections", { body: pg });
    const [row] = await env.store.db.select().from(connection);
    expect(row!.password).not.toContain("s3cr3t-Pa55");
    const r = await call("PATCH", "/connections/pg?update_mask=password", { body: { password: "n3w-pa55", host: "ignored" } });
    expect(r.status, r.text).toBe(200);
    expect(r.text).not.toContain("n3w-pa55");
    const stored = (await getConnection(env.store, "pg"))!;
    expect(stored.password).toBe("n3w-pa55");
    expect(stored.host).toBe("db.internal");
  });

  it("answers 409 when the connection id exists", async () => {
    await call("POST", "/connections", { body: pg });
    expectProblem(await call("POST", "/connections", { body: { connection_id: "pg", conn_type: "mysql" } }), 409, /pg/);
    expect((await getConnection(env.store, "pg"))!.connType).toBe("postgres");
  });

  it("updates only the fields update_mask names, and clears a field set to null", async () => {
    await call("POST", "/connections", { body: pg });
    const r = await call("PATCH", "/connections/pg?update_mask=port&update_mask=login", { body: { port: 6432, login: null, host: "ignored" } });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ port: 6432, login: null, host: "db.internal" });
    expectProblem(await call("PATCH", "/connections/pg?update_mask=connection_id", { body: { connection_id: "pg" } }), 400, /update_mask: "connection_id"/);
    expectProblem(await call("PATCH", "/connections/pg?update_mask=hostname", { body: { host: "h" } }), 400, /update_mask: "hostname"/);
    expectProblem(await call("PATCH", "/connections/pg?update_mask=host", { body: { port: 1 } }), 400, /"host"/);
    expectProblem(await call("PATCH", "/connections/pg", { body: { connection_id: "other" } }), 400, /connection_id/);
  });

  it("answers 400 naming the field for bad input", async () => {
    expectProblem(await call("POST", "/connections", { raw: "{" }), 400, /JSON/);
    expectProblem(await call("POST", "/connections", { body: { connection_id: "pg" } }), 400, /json\.conn_type/);
    expectProblem(await call("POST", "/connections", { body: { connection_id: "pg", conn_type: "postgres", port: "5432" } }), 400, /json\.port/);
    expectProblem(await call("POST", "/connections", { body: { connection_id: "pg", conn_type: "postgres", port: 70_000 } }), 400, /json\.port/);
    expectProblem(await call("POST", "/connections", { body: { connection_id: "bad id!", conn_type: "postgres" } }), 400, /json\.connection_id/);
    expectProblem(await call("POST", "/connections", { body: { connection_id: "pg", conn_type: "postgres", colour: 1 } }), 400, /colour/);
    expectProblem(await call("GET", "/connections?order_by=password"), 400, /order_by/);
  });

  it("pages and orders the list", async () => {
    for (const id of ["c", "a", "b"]) await call("POST", "/connections", { body: { connection_id: id, conn_type: id === "a" ? "zz" : "http" } });
    const r = await call("GET", "/connections?limit=2&order_by=-connection_id");
    expect(r.body.total_entries).toBe(3);
    expect(r.body.connections.map((c: { connection_id: string }) => c.connection_id)).toEqual(["c", "b"]);
    const byType = await call("GET", "/connections?order_by=conn_type&limit=1");
    expect(byType.body.connections[0].connection_id).toBe("b");
  });

  it("refuses to test a connection, as Airflow does by default", async () => {
    expectProblem(await call("POST", "/connections/test", { body: pg }), 403, /disabled/);
    expectProblem(await call("POST", "/connections/test", { scope: "read", body: pg }), 403);
  });
});

describe("/pools", () => {
  async function addTaskInstances(rows: Array<{ taskId: string; pool: string; poolSlots: number; state: "running" | "queued" | "scheduled" | "success" | null }>): Promise<void> {
    await env.store.write(async (tx) => {
      await tx.insert(dagRun).values({ dagId: "etl", runId: "manual__1", runType: "manual", state: "running", logicalDate: new Date("2026-01-01T00:00:00Z") });
      await tx.insert(taskInstance).values(rows.map((r) => ({ dagId: "etl", runId: "manual__1", ...r })));
    });
  }

  it("lists default_pool with 128 slots", async () => {
    const r = await call("GET", "/pools");
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({
      pools: [{
        name: "default_pool", slots: 128, occupied_slots: 0, running_slots: 0, queued_slots: 0, scheduled_slots: 0,
        deferred_slots: 0, open_slots: 128, description: "Default pool", include_deferred: false,
      }],
      total_entries: 1,
    });
  });

  it("counts occupied, running, queued, scheduled and open slots from the task instances", async () => {
    await call("POST", "/pools", { body: { name: "spark", slots: 10, description: "cluster seats" } });
    await addTaskInstances([
      { taskId: "a", pool: "spark", poolSlots: 2, state: "running" },
      { taskId: "b", pool: "spark", poolSlots: 1, state: "running" },
      { taskId: "c", pool: "spark", poolSlots: 3, state: "queued" },
      { taskId: "d", pool: "spark", poolSlots: 1, state: "scheduled" },
      { taskId: "e", pool: "spark", poolSlots: 5, state: "success" },
      { taskId: "f", pool: "spark", poolSlots: 4, state: null },
      { taskId: "g", pool: "default_pool", poolSlots: 1, state: "running" },
    ]);
    const spark = await call("GET", "/pools/spark");
    expect(spark.body).toEqual({
      name: "spark", slots: 10, occupied_slots: 6, running_slots: 3, queued_slots: 3, scheduled_slots: 1, deferred_slots: 0,
      open_slots: 4, description: "cluster seats", include_deferred: false,
    });
    const list = await call("GET", "/pools?order_by=-slots");
    expect(list.body.pools.map((p: { name: string; occupied_slots: number }) => [p.name, p.occupied_slots])).toEqual([["default_pool", 1], ["spark", 6]]);
  });

  it("reports open_slots -1 for an unlimited pool", async () => {
    const r = await call("POST", "/pools", { body: { name: "unbounded", slots: -1 } });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ slots: -1, open_slots: -1 });
  });

  it("creates a pool, answers 409 when it exists, updates it with update_mask and deletes it", async () => {
    const created = await call("POST", "/pools", { body: { name: "spark", slots: 4, include_deferred: true } });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toMatchObject({ name: "spark", slots: 4, description: null, include_deferred: true, open_slots: 4 });
    expectProblem(await call("POST", "/pools", { body: { name: "spark", slots: 9 } }), 409, /spark/);

    const slots = await call("PATCH", "/pools/spark?update_mask=slots", { body: { name: "ignored", slots: 8 } });
    expect(slots.status, slots.text).toBe(200);
    expect(slots.body).toMatchObject({ name: "spark", slots: 8, include_deferred: true });

    const full = await call("PATCH", "/pools/spark", { body: { name: "spark", slots: 6, description: "seats", include_deferred: false } });
    expect(full.body).toMatchObject({ name: "spark", slots: 6, description: "seats", include_deferred: false });

    const renamed = await call("PATCH", "/pools/spark?update_mask=name", { body: { name: "spark2" } });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ name: "spark2", slots: 6 });
    expectProblem(await call("GET", "/pools/spark"), 404, /spark/);

    expect((await call("DELETE", "/pools/spark2")).status).toBe(204);
    expectProblem(await call("DELETE", "/pools/spark2"), 404);
    expectProblem(await call("PATCH", "/pools/spark2", { body: { name: "spark2", slots: 1 } }), 404);
  });

  it("answers 409 when a rename takes the name of another pool", async () => {
    await call("POST", "/pools", { body: { name: "a", slots: 1 } });
    await call("POST", "/pools", { body: { name: "b", slots: 1 } });
    expectProblem(await call("PATCH", "/pools/a?update_mask=name", { body: { name: "b" } }), 409, /"?b"? already exists/);
  });

  it("protects default_pool: no delete, no rename, but it may be resized", async () => {
    expectProblem(await call("DELETE", "/pools/default_pool"), 400, "Default Pool can't be deleted");
    expectProblem(await call("PATCH", "/pools/default_pool", { body: { name: "other", slots: 5 } }), 400, /Default Pool's name/);
    const resized = await call("PATCH", "/pools/default_pool?update_mask=slots", { body: { name: "other", slots: 5 } });
    expect(resized.status, resized.text).toBe(200);
    expect(resized.body).toMatchObject({ name: "default_pool", slots: 5 });
  });

  it("answers 400 naming the field for bad input", async () => {
    expectProblem(await call("POST", "/pools", { raw: "nope" }), 400, /JSON/);
    expectProblem(await call("POST", "/pools", { body: { name: "p" } }), 400, /json\.slots/);
    expectProblem(await call("POST", "/pools", { body: { name: "p", slots: "4" } }), 400, /json\.slots/);
    expectProblem(await call("POST", "/pools", { body: { name: "p", slots: 1.5 } }), 400, /json\.slots/);
    expectProblem(await call("POST", "/pools", { body: { name: "p", slots: -2 } }), 400, /json\.slots/);
    expectProblem(await call("POST", "/pools", { body: { name: "p", slots: 1, occupied_slots: 0 } }), 400, /occupied_slots/);
    expectProblem(await call("POST", "/pools", { body: { name: "p", slots: 1, include_deferred: "yes" } }), 400, /json\.include_deferred/);
    expectProblem(await call("PATCH", "/pools/default_pool", { body: { slots: 3 } }), 400, /name/);
    expectProblem(await call("PATCH", "/pools/default_pool?update_mask=occupied_slots", { body: { slots: 3 } }), 400, /update_mask: "occupied_slots"/);
    expectProblem(await call("PATCH", "/pools/default_pool?update_mask=slots", { body: { name: "default_pool" } }), 400, /"slots"/);
    expectProblem(await call("GET", "/pools?order_by=open_slots"), 400, /order_by/);
  });
});

describe("/importErrors", () => {
  it("lists import errors and gets one by id", async () => {
    await replaceImportError(env.store, "dags/b.ts", "SyntaxError: b", new Date("2026-01-02T00:00:00Z"));
    await replaceImportError(env.store, "dags/a.ts", "TypeError: a", new Date("2026-01-03T00:00:00Z"));
    const list = await call("GET", "/importErrors");
    expect(list.status, list.text).toBe(200);
    expect(list.body.total_entries).toBe(2);
    expect(list.body.import_errors[0]).toEqual({ import_error_id: expect.any(Number), timestamp: "2026-01-02T00:00:00.000+00:00", filename: "dags/b.ts", stack_trace: "SyntaxError: b" });
    const byName = await call("GET", "/importErrors?order_by=filename&limit=1");
    expect(byName.body.import_errors.map((e: { filename: string }) => e.filename)).toEqual(["dags/a.ts"]);
    const id = list.body.import_errors[1].import_error_id;
    expect((await call("GET", `/importErrors/${id}`)).body).toMatchObject({ import_error_id: id, filename: "dags/a.ts", stack_trace: "TypeError: a" });
  });

  it("answers 404 for an unknown id and 400 for one that is not a number", async () => {
    expectProblem(await call("GET", "/importErrors/999"), 404, /999/);
    expectProblem(await call("GET", "/importErrors/abc"), 400, /import_error_id/);
    expectProblem(await call("GET", "/importErrors?order_by=stack_trace"), 400, /order_by/);
  });
});

describe("/eventLogs", () => {
  it("records every successful mutating call with who made it, and no reads or failed calls", async () => {
    await call("POST", "/variables", { body: { key: "k", value: "v" } });
    await call("PATCH", "/variables/k", { body: { key: "k", value: "w" } });
    await call("POST", "/connections", { body: { connection_id: "pg", conn_type: "postgres" } });
    await call("POST", "/pools", { body: { name: "spark", slots: 2 } });
    await call("DELETE", "/pools/spark");
    await call("DELETE", "/variables/k");
    await call("GET", "/variables");
    await call("POST", "/pools", { body: { name: "bad", slots: "x" } }); // 400: not recorded
    await call("POST", "/variables", { scope: "read", body: { key: "k", value: "v" } }); // 403: not recorded

    const r = await call("GET", "/eventLogs");
    expect(r.status, r.text).toBe(200);
    expect(r.body.total_entries).toBe(6);
    const owner = `token:${env.tokenIds.edit}`;
    const calls = r.body.event_logs.map((e: { owner: string; extra: string }) => {
      expect(e.owner).toBe(owner);
      return JSON.parse(e.extra).path;
    });
    expect(calls).toEqual(["/api/v1/variables", "/api/v1/variables/k", "/api/v1/connections", "/api/v1/pools", "/api/v1/pools/spark", "/api/v1/variables/k"]);
    for (const e of r.body.event_logs) {
      expect(Object.keys(e).sort()).toEqual(["dag_id", "event", "event_log_id", "execution_date", "extra", "map_index", "owner", "run_id", "task_id", "try_number", "when"]);
    }
  });

  it("filters by dag, task, run, map index, try, event, owner, time and event lists", async () => {
    await env.store.write((tx) => tx.insert(dagRun).values({ dagId: "etl", runId: "manual__1", runType: "manual", logicalDate: new Date("2026-01-05T00:00:00Z") }));
    const at = (h: number) => new Date(Date.UTC(2026, 0, 10, h));
    await recordEvent(env.store, { event: "trigger", dagId: "etl", runId: "manual__1", owner: "alice", dttm: at(1) });
    await recordEvent(env.store, { event: "clear", dagId: "etl", runId: "manual__1", taskId: "load", mapIndex: 2, tryNumber: 3, owner: "bob", dttm: at(2) });
    await recordEvent(env.store, { event: "paused", dagId: "other", owner: "alice", dttm: at(3), extra: "free text" });

    const ids = async (query: string) => ((await call("GET", `/eventLogs?${query}`)).body.event_logs as Array<{ event: string }>).map((e) => e.event);
    expect(await ids("dag_id=etl")).toEqual(["trigger", "clear"]);
    expect(await ids("task_id=load")).toEqual(["clear"]);
    expect(await ids("run_id=manual__1&owner=alice")).toEqual(["trigger"]);
    expect(await ids("map_index=2&try_number=3")).toEqual(["clear"]);
    expect(await ids("event=paused")).toEqual(["paused"]);
    expect(await ids(`after=${encodeURIComponent("2026-01-10T01:30:00+00:00")}`)).toEqual(["clear", "paused"]);
    expect(await ids("before=2026-01-10T02:00:00Z")).toEqual(["trigger"]);
    expect(await ids("included_events=trigger,paused")).toEqual(["trigger", "paused"]);
    expect(await ids("excluded_events=trigger,paused")).toEqual(["clear"]);
    expect(await ids("order_by=-when&limit=2")).toEqual(["paused", "clear"]);

    const clear = (await call("GET", "/eventLogs?event=clear")).body.event_logs[0];
    expect(clear).toEqual({
      event_log_id: expect.any(Number), when: "2026-01-10T02:00:00.000+00:00", dag_id: "etl", task_id: "load", run_id: "manual__1",
      map_index: 2, try_number: 3, event: "clear", execution_date: "2026-01-05T00:00:00.000+00:00", owner: "bob", extra: null,
    });
    expect((await call("GET", `/eventLogs/${clear.event_log_id}`)).body).toEqual(clear);
  });

  it("answers 404 for an unknown id and 400 naming the parameter for bad filters", async () => {
    expectProblem(await call("GET", "/eventLogs/12345"), 404, /12345/);
    expectProblem(await call("GET", "/eventLogs/twelve"), 400, /event_log_id/);
    expectProblem(await call("GET", "/eventLogs?after=yesterday"), 400, /after/);
    expectProblem(await call("GET", "/eventLogs?before=2026-13-45"), 400, /before/);
    expectProblem(await call("GET", "/eventLogs?map_index=one"), 400, /map_index/);
    expectProblem(await call("GET", "/eventLogs?try_number=1.5"), 400, /try_number/);
    expectProblem(await call("GET", "/eventLogs?order_by=colour"), 400, /order_by/);
  });
});

describe("/openapi.json", () => {
  it("describes the admin routes", async () => {
    const res = await env.app.request("/openapi.json", { headers: { authorization: `Bearer ${env.tokens.read}` } });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, methods] of Object.entries({
      "/api/v1/variables": ["get", "post"], "/api/v1/variables/{variable_key}": ["get", "patch", "delete"],
      "/api/v1/connections": ["get", "post"], "/api/v1/connections/{connection_id}": ["get", "patch", "delete"], "/api/v1/connections/test": ["post"],
      "/api/v1/pools": ["get", "post"], "/api/v1/pools/{pool_name}": ["get", "patch", "delete"],
      "/api/v1/importErrors": ["get"], "/api/v1/importErrors/{import_error_id}": ["get"],
      "/api/v1/eventLogs": ["get"], "/api/v1/eventLogs/{event_log_id}": ["get"],
    })) {
      expect(Object.keys(doc.paths[path] ?? {}).sort(), path).toEqual(expect.arrayContaining(methods));
    }
  });
});
