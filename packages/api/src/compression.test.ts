// JSON answers of the real app are gzipped for clients that accept it; the event stream is not.
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createToken, migrateStore, openStore, type Store } from "@updraft/store";
import { createApiApp } from "./app.ts";
import type { ApiApp } from "./types.ts";
import { storeEventSource } from "./store-events.ts";

let store: Store;
let app: ApiApp;
let token: string;

beforeEach(async () => {
  store = await openStore({ url: ":memory:" });
  await migrateStore(store);
  token = (await createToken(store, { name: "t", scope: "admin" })).token;
  app = createApiApp({ store, home: "/nonexistent", version: "test", trigger: () => Promise.reject(new Error("no triggers here")), events: storeEventSource(store) });
});

afterEach(async () => {
  await store.close();
});

const get = (path: string, encoding = "gzip, deflate, br") =>
  app.request(`http://localhost${path}`, { headers: { authorization: `Bearer ${token}`, "accept-encoding": encoding } });

describe("compressed JSON", () => {
  it("gzips a large JSON answer for a client that accepts gzip, and sends it plain to one that does not", async () => {
    for (let i = 0; i < 60; i++) {
      const res = await app.request("http://localhost/api/v1/variables", {
        method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ key: `var_${i}`, value: "x".repeat(40) }),
      });
      expect(res.status).toBe(200);
    }
    const zipped = await get("/api/v1/variables?limit=100");
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    const body = JSON.parse(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString("utf8")) as { total_entries: number };
    expect(body.total_entries).toBe(60);
    const plain = await get("/api/v1/variables?limit=100", "identity");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(((await plain.json()) as { total_entries: number }).total_entries).toBe(60);
  });

  it("leaves the event stream uncompressed (each event must reach the page as it is written)", async () => {
    const controller = new AbortController();
    const events = await app.request("http://localhost/api/updraft/events", { headers: { authorization: `Bearer ${token}`, "accept-encoding": "gzip" }, signal: controller.signal });
    expect(events.headers.get("content-type")).toContain("text/event-stream");
    expect(events.headers.get("content-encoding")).toBeNull();
    controller.abort();
    await events.body?.cancel().catch(() => undefined);
  });
});
