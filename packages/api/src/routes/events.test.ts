// The event stream's bounded backlog, on the real app served by @hono/node-server on a real port,
// with the store's own event source: a client that never reads is dropped once its backlog passes
// the cap (and finds a final `overflow` event when it reads at last), while a client that reads
// gets every event.
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createToken, dag, dagRun, migrateStore, openStore, taskInstance, type Store } from "@updraft/store";
import { createApiApp } from "../app.ts";
import type { LiveEventSource } from "../types.ts";
import { storeEventSource } from "../store-events.ts";

const CAP = 256 * 1024;
let store: Store;
let cleanups: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  process.env.UPDRAFT_EVENT_BACKLOG_BYTES = String(CAP);
  store = await openStore({ url: ":memory:" });
  await migrateStore(store);
});

afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
  delete process.env.UPDRAFT_EVENT_BACKLOG_BYTES;
  await store.close();
});

/** Reads an SSE body, keeping every event's name and data. */
function follow(body: ReadableStream<Uint8Array>) {
  const events: Array<{ event: string; data: Record<string, unknown> }> = [];
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const done = (async () => {
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
      }
    }
  })();
  return { events, done, cancel: () => reader.cancel().catch(() => undefined) };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3_000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`never: ${what}`);
}

describe("the event stream's backlog", () => {
  it("drops a client that does not read with a final overflow event once its backlog passes the cap, and a client that reads gets every event", async () => {
    const { token } = await createToken(store, { name: "r", scope: "read" });
    await store.write(async (tx) => {
      await tx.insert(dag).values({ dagId: "flood", fileloc: "/d/flood.ts", versionHash: "h" });
      await tx.insert(dagRun).values({ dagId: "flood", runId: "r1", runType: "manual", state: "running", logicalDate: new Date("2026-01-01T00:00:00Z") });
    });
    // The store's real event source, counting who listens.
    const inner = storeEventSource(store, 5);
    let listening = 0;
    const events: LiveEventSource = {
      subscribe(listener) {
        listening++;
        const off = inner.subscribe(listener);
        return () => {
          listening--;
          off();
        };
      },
    };
    const app = createApiApp({ store, home: "/nonexistent", version: "test", trigger: () => Promise.reject(new Error("no triggers here")), events });
    // The app's own listeners (the /metrics outcome counter) are there before any client.
    const others = listening;
    const http = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => (http.listening ? resolve() : http.once("listening", () => resolve())));
    const port = (http.address() as AddressInfo).port;
    cleanups.push(() => new Promise<void>((resolve) => {
      (http as Server).closeAllConnections();
      http.close(() => resolve());
    }));

    // A client that sends its request and never reads a byte.
    const stalled: Socket = connect(port, "127.0.0.1");
    cleanups.push(() => void stalled.destroy());
    stalled.pause();
    await new Promise<void>((resolve) => stalled.once("connect", () => resolve()));
    stalled.write(`GET /api/updraft/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`);
    await until(() => listening === others + 1, "the stalled client subscribed");

    const res = await fetch(`http://127.0.0.1:${port}/api/updraft/events`, { headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" } });
    expect(res.status).toBe(200);
    const reader = follow(res.body!);
    cleanups.push(reader.cancel);
    await until(() => listening === others + 2, "the reading client subscribed");

    // Batches of task instances, each announced as one task event of about 2 KB; each batch waits
    // until the reading client has them, so it keeps up. At most 40 MB in all.
    const pad = "x".repeat(2_000);
    const base = Date.now() + 1_000;
    let produced = 0;
    for (let batch = 0; batch < 200 && listening === others + 2; batch++) {
      const rows = Array.from({ length: 100 }, (_, i) => ({
        dagId: "flood", runId: "r1", taskId: `t${produced + i}_${pad}`, state: "queued" as const, updatedAt: new Date(base + produced + i),
      }));
      await store.db.insert(taskInstance).values(rows);
      produced += rows.length;
      await until(() => reader.events.length === produced || listening < others + 2, `the reading client has ${produced} events`);
    }
    // The stalled client was dropped (its queue no longer grows); the reader was not, and has all.
    expect(listening).toBe(others + 1);
    expect(reader.events.length).toBe(produced);
    expect(new Set(reader.events.map((e) => e.data.task_id)).size).toBe(produced);
    expect(reader.events.some((e) => e.event === "overflow")).toBe(false);

    // When the stalled client reads at last, its stream ends with an overflow event.
    const raw = await new Promise<string>((resolve) => {
      let text = "";
      stalled.setEncoding("utf8");
      stalled.on("data", (chunk: string) => {
        text += chunk;
        if (text.includes("event: overflow") && text.endsWith("0\r\n\r\n")) resolve(text);
      });
      stalled.on("close", () => resolve(text));
      stalled.resume();
    });
    const blocks = raw.split("\n\n").filter((b) => b.includes("event: "));
    const last = blocks.at(-1)!;
    expect(last).toContain("event: overflow");
    const data = JSON.parse(/data: (.*)/.exec(last)![1]!) as { type: string; detail: string };
    expect(data.type).toBe("overflow");
    expect(data.detail).toContain("reconnect");
    // It got far fewer events than were produced: its backlog stopped at the cap.
    expect(blocks.length - 1).toBeLessThan(produced);
  }, 60_000);
});
