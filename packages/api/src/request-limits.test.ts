// Request limits over a real HTTP server on the real app and store: a body over
// UPDRAFT_MAX_REQUEST_BYTES answers 413 before it is parsed (declared or chunked), JSON nested
// too deep answers 400 instead of overflowing the stack, and a variable over its limit answers
// 400 naming it.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createToken, dag, dagRun, migrateStore, openStore, type Store } from "@updraft/store";
import { createApiApp } from "./app.ts";
import { DEFAULT_MAX_REQUEST_BYTES, nestedDeeperThan, requestLimitsFromEnv } from "./request-limits.ts";
import type { TriggerRequest } from "./types.ts";

let store: Store;
let server: ServerType;
let base = "";
let tokens: Record<"trigger" | "edit", string>;
let triggered: TriggerRequest[];

beforeEach(async () => {
  store = await openStore({ url: ":memory:" });
  await migrateStore(store);
  await store.write((tx) => tx.insert(dag).values({ dagId: "ci", fileloc: "ci.ts", isPaused: false, isActive: true }));
  tokens = { trigger: (await createToken(store, { name: "ci", scope: "trigger" })).token, edit: (await createToken(store, { name: "ops", scope: "edit" })).token };
  triggered = [];
  const app = createApiApp({
    store, home: "/nonexistent", version: "test",
    // As the scheduler does: the run is stored with its conf as JSON text.
    trigger: async (dagId, req) => {
      triggered.push(req);
      const runId = `manual__${triggered.length}`;
      await store.write((tx) => tx.insert(dagRun).values({ dagId, runId, runType: "manual", logicalDate: new Date(Date.UTC(2026, 0, 1) + triggered.length), conf: req.conf ?? {}, externalTrigger: true }));
      return { runId };
    },
  });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  (server as Server).closeAllConnections();
  await closed;
  await store.close();
});

const post = (path: string, token: string, body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers }, body, duplex: "half" } as RequestInit);

async function problem(res: Response): Promise<{ status: number; detail: string }> {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { status: number; detail: string };
}

describe("request limits", () => {
  it("answers 413 to a trigger token's 50 MB conf without triggering, naming UPDRAFT_MAX_REQUEST_BYTES", async () => {
    const conf = JSON.stringify({ conf: { blob: "x".repeat(50 * 1024 * 1024) } });
    const res = await post("/api/v1/dags/ci/dagRuns", tokens.trigger, conf);
    expect(res.status).toBe(413);
    expect((await problem(res)).detail).toBe(`request body: ${Buffer.byteLength(conf)} bytes, more than the limit of ${DEFAULT_MAX_REQUEST_BYTES} bytes (UPDRAFT_MAX_REQUEST_BYTES)`);
    expect(triggered).toEqual([]);
    // The server still answers on a new request.
    expect((await post("/api/v1/dags/ci/dagRuns", tokens.trigger, JSON.stringify({ conf: { a: 1 } }))).status).toBe(200);
  });

  it("caps a chunked body that declares no length while reading it", async () => {
    const chunk = new TextEncoder().encode(`"${"y".repeat(64 * 1024)}",`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"conf": {"list": ['));
      },
      pull(c) {
        // At most 4 MiB: the server answers after the first MiB.
        if (sent++ < 64) c.enqueue(chunk);
        else c.close();
      },
    });
    const res = await post("/api/v1/dags/ci/dagRuns", tokens.trigger, body);
    expect(res.status).toBe(413);
    expect((await problem(res)).detail).toBe(`request body: more than the limit of ${DEFAULT_MAX_REQUEST_BYTES} bytes (UPDRAFT_MAX_REQUEST_BYTES)`);
    expect(triggered).toEqual([]);
  });

  it("accepts a body just under the limit", async () => {
    const pad = DEFAULT_MAX_REQUEST_BYTES - JSON.stringify({ conf: { blob: "" } }).length;
    const res = await post("/api/v1/dags/ci/dagRuns", tokens.trigger, JSON.stringify({ conf: { blob: "z".repeat(pad) } }));
    expect(res.status, await res.clone().text()).toBe(200);
    expect(triggered).toHaveLength(1);
  });

  it("answers 400 to a conf nested 5,000 levels deep instead of overflowing the stack", async () => {
    const deep = `{"conf": ${"{\"a\":".repeat(5000)}1${"}".repeat(5000)}}`;
    const res = await post("/api/v1/dags/ci/dagRuns", tokens.trigger, deep);
    expect(res.status).toBe(400);
    expect((await problem(res)).detail).toBe("request body: JSON nested deeper than 64 levels of arrays and objects (UPDRAFT_MAX_JSON_DEPTH)");
    const arrays = await post("/api/v1/dags/ci/dagRuns", tokens.trigger, `{"conf": {"a": ${"[".repeat(100_000)}${"]".repeat(100_000)}}}`);
    expect(arrays.status).toBe(400);
    expect(triggered).toEqual([]);
  });

  it("counts brackets inside strings as text, and accepts 60 levels", async () => {
    const brackets = JSON.stringify({ conf: { text: "[{".repeat(1000), quoted: 'a \\" [[[' } });
    expect((await post("/api/v1/dags/ci/dagRuns", tokens.trigger, brackets)).status).toBe(200);
    const sixty = `{"conf": ${"{\"a\":".repeat(59)}1${"}".repeat(59)}}`;
    expect((await post("/api/v1/dags/ci/dagRuns", tokens.trigger, sixty)).status).toBe(200);
    expect(triggered).toHaveLength(2);
  });

  it("answers 400 to an edit token's variable over UPDRAFT_MAX_VARIABLE_BYTES, naming it", async () => {
    const res = await post("/api/v1/variables", tokens.edit, JSON.stringify({ key: "big", value: "v".repeat(600 * 1024) }));
    expect(res.status).toBe(400);
    expect((await problem(res)).detail).toBe(`variable "big": the value is ${600 * 1024} bytes, more than the limit of ${512 * 1024} bytes (UPDRAFT_MAX_VARIABLE_BYTES)`);
    expect((await fetch(`${base}/api/v1/variables`, { headers: { authorization: `Bearer ${tokens.edit}` } }).then((r) => r.json()) as { total_entries: number }).total_entries).toBe(0);
  });

  it("reads the limits from the environment and refuses settings that are not whole numbers", () => {
    expect(requestLimitsFromEnv({})).toEqual({ maxRequestBytes: 1024 * 1024, maxJsonDepth: 64 });
    expect(requestLimitsFromEnv({ UPDRAFT_MAX_REQUEST_BYTES: "65536", UPDRAFT_MAX_JSON_DEPTH: "16" })).toEqual({ maxRequestBytes: 65536, maxJsonDepth: 16 });
    expect(() => requestLimitsFromEnv({ UPDRAFT_MAX_REQUEST_BYTES: "1MB" })).toThrow(/UPDRAFT_MAX_REQUEST_BYTES: expected a whole number of bytes/);
  });

  it("measures nesting by arrays and objects outside strings", () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(nestedDeeperThan(enc('{"a":[[1]]}'), 3)).toBe(false);
    expect(nestedDeeperThan(enc('{"a":[[1]]}'), 2)).toBe(true);
    expect(nestedDeeperThan(enc('["[[[[\\"[[["]'), 1)).toBe(false);
  });
});
