// The remote worker across connection losses, against a test peer over real sockets: back-off,
// what it re-sends after a reconnect, what the server tells it to drop, silent connections, and
// the close codes that end it for good.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../protocol.ts";
import { CloseCode } from "./messages.ts";
import type { RemoteWorkerOptions } from "./remote-worker.ts";
import { TestServerPeer } from "./testing/test-server-peer.ts";
import { DAG_SOURCE, TOKEN, assignment, release, startWorker, tempHome, type StartedWorker } from "./testing/fixtures.ts";

let home: Awaited<ReturnType<typeof tempHome>>;
let peer: TestServerPeer;
let hash: string;
const workers: StartedWorker[] = [];

beforeAll(async () => {
  home = await tempHome();
});
afterAll(() => home.remove());

beforeEach(async () => {
  peer = await TestServerPeer.start({ token: TOKEN, heartbeatMs: 30, timeoutMs: 2_000 });
  hash = peer.addBundle(DAG_SOURCE);
});

afterEach(async () => {
  for (const w of workers.splice(0)) await w.worker.stop("test over");
  await peer.close();
});

function start(options: Partial<RemoteWorkerOptions> = {}): StartedWorker {
  const w = startWorker(peer, home.dir, { concurrency: 4, ...options });
  workers.push(w);
  return w;
}

describe("RemoteWorker: reconnecting", () => {
  it("reconnects with back-off, reports what it holds, and re-sends unacked results, unanswered requests and what ended meanwhile", async () => {
    const { worker, lines } = start();
    peer.autoAck = false;
    peer.onRequest = (r, conn) => (conn === 1 ? null : r.call === "variableGet" ? { ok: true, value: "after the cut" } : null);
    await peer.waitFor("hello");
    const [a, b, c] = [assignment(hash, "add", [1, 2]), assignment(hash, "ask"), assignment(hash, "hold", ["cut"])];
    for (const x of [a, b, c]) peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: x });
    await peer.waitFor("result", (m) => m.key === a.key);
    const request = await peer.waitFor("request");
    await peer.waitFor("started", (m) => m.key === c.key);

    // The cut: the socket dies and the server refuses upgrades for a while; meanwhile c ends.
    peer.refuseWith = 503;
    peer.kill();
    await peer.until(() => !worker.status().connected, "the worker to notice");
    release("cut");
    await peer.until(() => worker.status().unacked === 2, "c to finish while disconnected");
    await peer.until(() => peer.upgrades.filter((s) => s === 503).length >= 2, "two refused attempts");
    peer.autoAck = true;
    peer.refuseWith = null;

    const hello = await peer.until(() => peer.of("hello", 2)[0], "the second hello");
    expect(hello.running.map((r) => r.key).sort()).toEqual([a.key, b.key, c.key].sort());
    expect(hello.workerId).toBe(worker.workerId);
    await peer.until(() => peer.of("result", 2).length === 3, "three results on the new connection");
    expect(peer.of("request", 2)).toEqual([{ v: PROTOCOL_VERSION, type: "request", id: request.id, request: request.request }]);
    expect(peer.of("result", 2).find((m) => m.key === b.key)?.outcome).toMatchObject({ value: "got after the cut" });
    expect(peer.of("result", 2).find((m) => m.key === c.key)?.outcome).toMatchObject({ status: "success", value: "cut" });
    // c's lines written while disconnected arrive before its result.
    const second = peer.frames.filter((f) => f.conn === 2 && "key" in f.message && f.message.key === c.key).map((f) => f.message.type);
    expect(second.indexOf("log")).toBeLessThan(second.indexOf("result"));
    expect(peer.of("log", 2).flatMap((m) => m.lines.map((l) => l.message))).toContain("released cut");
    await peer.until(() => worker.status().unacked === 0, "every ack");

    const text = lines.join("\n");
    expect(text).toMatch(/disconnected \(1006\); reconnecting in \d+\.\ds \(attempt 1\)/);
    expect(text).toMatch(/cannot connect to ws:\/\/127\.0\.0\.1:\d+\/api\/updraft\/workers\/connect: HTTP 503 Refused; reconnecting in \d+\.\ds \(attempt 2\)/);
    expect(text).toContain("resuming 3 tries");
  });

  it("cancels the tries the welcome drops and never sends their results", async () => {
    const { worker, runner, lines } = start();
    await peer.waitFor("hello");
    const [kept, dropped] = [assignment(hash, "hold", ["keep"]), assignment(hash, "hold", ["drop"])];
    for (const x of [kept, dropped]) peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: x });
    await peer.waitFor("started", (m) => m.key === dropped.key);
    await peer.waitFor("started", (m) => m.key === kept.key);
    peer.welcomeDrop = [dropped.key];
    peer.kill();
    await peer.until(() => peer.of("hello", 2)[0], "the second hello");
    await peer.until(() => runner().stats().running === 1, "the dropped try to be cancelled");
    release("keep");
    await peer.waitFor("result", (m) => m.key === kept.key);
    await peer.until(() => worker.status().unacked === 0, "the ack");
    expect(peer.of("result").map((m) => m.key)).toEqual([kept.key]);
    expect(peer.of("heartbeat", 2).every((m) => !m.running.some((r) => r.key === dropped.key))).toBe(true);
    expect(lines.join("\n")).toContain("1 dropped by the server");
  });

  it("keeps retrying, one line per attempt, while nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { worker, exit, lines } = start({ server: `http://127.0.0.1:${port}` });
    await peer.until(() => lines.filter((l) => l.includes("ECONNREFUSED")).length >= 3, "three attempts");
    const attempts = lines.filter((l) => l.includes("ECONNREFUSED")).map((l) => Number(/attempt (\d+)/.exec(l)?.[1]));
    expect(attempts.slice(0, 3)).toEqual([1, 2, 3]);
    await worker.stop("test over");
    expect(await exit).toBe(1);
  });

  it("drops a connection on which the server has gone silent, and connects again", async () => {
    const { lines } = start({ handshakeTimeoutMs: 2_000 });
    await peer.waitFor("hello");
    await peer.waitFor("heartbeat");
    peer.silent = true;
    await peer.until(() => lines.find((l) => l.includes("no word from the server")), "the silence to be noticed", 5_000);
    peer.silent = false;
    await peer.until(() => peer.of("hello", 2)[0], "the second hello");
  });

  it("exits with code 2 when the server closes with the protocol code", async () => {
    const { exit, lines } = start();
    await peer.waitFor("hello");
    peer.current?.close(CloseCode.protocol, "protocol version 1 is not supported");
    expect(await exit).toBe(2);
    expect(lines.join("\n")).toContain("the server refused this worker (4400: protocol version 1 is not supported); upgrade the worker");
    expect(peer.connections).toBe(1);
  });

  it("exits with code 2 when the server closes because its token was revoked", async () => {
    const { exit, lines } = start();
    await peer.waitFor("hello");
    peer.current?.close(CloseCode.unauthorized, "the worker's token was revoked or has expired");
    expect(await exit).toBe(2);
    expect(lines.join("\n")).toContain("the token was revoked or has expired");
    expect(peer.connections).toBe(1);
  });
});
