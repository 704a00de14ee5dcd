// The remote worker's client against a test peer over real sockets on 127.0.0.1, running tries
// with the real runtime (runTask) in this process: handshake, assignments, host calls, logs,
// steal, cancel, secede and drain. Reconnection has its own file (remote-worker-reconnect.test.ts).
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../protocol.ts";
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
  peer = await TestServerPeer.start({ token: TOKEN });
  hash = peer.addBundle(DAG_SOURCE);
});

afterEach(async () => {
  for (const w of workers.splice(0)) await w.worker.stop("test over");
  await peer.close();
});

function start(options: Partial<RemoteWorkerOptions> = {}): StartedWorker {
  const w = startWorker(peer, home.dir, options);
  workers.push(w);
  return w;
}

describe("RemoteWorker: the handshake", () => {
  it("says hello with its id, name, host, pid, version, queues and capacity", async () => {
    const { worker, lines } = start({ concurrency: 3 });
    const hello = await peer.waitFor("hello");
    expect(hello).toEqual({
      v: PROTOCOL_VERSION, type: "hello", workerId: worker.workerId, name: "w1", hostname: hostname(), pid: process.pid,
      version: "9.9.9", queues: ["default", "gpu"], capacity: 3, running: [], draining: false,
    });
    expect(worker.workerId).toMatch(/^[0-9a-f-]{36}$/);
    await peer.until(() => lines.find((l) => l.includes("connected to")), "the connected line");
    expect(lines.join("\n")).toContain(`worker w1: connected to ${peer.url} as w1 (capacity 3, queues default,gpu)`);
  });

  it.each([401, 403])("exits with code 2 and says why when the server refuses the token (%i), without retrying", async (status) => {
    if (status === 403) peer.refuseWith = 403;
    const { exit, lines } = start(status === 401 ? { token: "updr_wrong" } : {});
    expect(await exit).toBe(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(peer.upgrades).toEqual([status]);
    expect(lines).toContain(`worker w1: the server refused the token (${status}): check --token / UPDRAFT_TOKEN; a worker needs a token of scope worker`);
  });

  it("ignores frames that fail validation and logs them, and logs the server's protocol errors", async () => {
    const { lines } = start();
    await peer.waitFor("hello");
    await peer.until(() => peer.current, "the connection");
    peer.sendRaw("not json");
    peer.sendRaw(JSON.stringify({ v: 1, type: "ack", key: "k" }));
    peer.send({ v: PROTOCOL_VERSION, type: "protocol_error", message: "you said something odd" });
    await peer.until(() => lines.find((l) => l.includes("you said something odd")), "the protocol error line");
    expect(lines.filter((l) => l.includes("ignored a bad frame"))).toEqual([
      expect.stringContaining("not JSON"),
      expect.stringContaining("protocol version 1 is not supported (this side speaks 3)"),
    ]);
    expect(peer.badFrames).toEqual([]);
    expect(peer.frames.map((f) => f.message.type)).toEqual(["hello"]);
  });
});

describe("RemoteWorker: running tries", () => {
  it("downloads the bundle once, runs the try and reports started, its log lines, then the result until acked", async () => {
    const { worker, lines } = start();
    await peer.waitFor("hello");
    const a = assignment(hash, "chatty", [3]);
    const b = assignment(hash, "add", [20, 22]);
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: a });
    await peer.waitFor("result", (m) => m.key === a.key);
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: b });
    const result = await peer.waitFor("result", (m) => m.key === b.key);
    expect(result.outcome).toEqual({ status: "success", value: 42, pushed: {} });

    const order = peer.frames.filter((f) => "key" in f.message && f.message.key === a.key).map((f) => f.message.type);
    expect(order[0]).toBe("started");
    expect(order.at(-1)).toBe("result");
    const logged = peer.of("log").filter((m) => m.key === a.key).flatMap((m) => m.lines.map((l) => l.message));
    expect(logged).toEqual(expect.arrayContaining(["line 0", "line 1", "line 2"]));
    expect(peer.bundleRequests).toEqual([hash]);
    expect(existsSync(join(home.dir, "bundles", `${hash}.mjs`))).toBe(true);
    await peer.until(() => worker.status().unacked === 0, "the acks");
    expect(lines.some((l) => l.startsWith(`worker w1: finished ${b.key}: success [running 0/2, pending 0, done 2, failed 0]`))).toBe(true);
  });

  it("turns the try's host calls into requests and their responses into values", async () => {
    start();
    peer.onRequest = (r) => (r.call === "variableGet" && r.args.key === "greeting" ? { ok: true, value: "hello" } : null);
    await peer.waitFor("hello");
    const a = assignment(hash, "ask");
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: a });
    const req = await peer.waitFor("request");
    expect(req.request).toEqual({ call: "variableGet", args: { key: "greeting" } });
    expect((await peer.waitFor("result", (m) => m.key === a.key)).outcome).toMatchObject({ status: "success", value: "got hello" });
  });

  it("fails the try, retryably and with the reason, when its bundle cannot be downloaded", async () => {
    start();
    await peer.waitFor("hello");
    const missing = "0".repeat(64);
    const a = assignment(missing, "add", [1, 2]);
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: a });
    const result = await peer.waitFor("result", (m) => m.key === a.key);
    expect(result.outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "BundleDownloadError", message: expect.stringContaining("HTTP 404") } });
  });

  it("sends heartbeats with every key it holds", async () => {
    await peer.close();
    peer = await TestServerPeer.start({ token: TOKEN, heartbeatMs: 30 });
    hash = peer.addBundle(DAG_SOURCE);
    start();
    await peer.waitFor("hello");
    const a = assignment(hash, "hold", ["hb"]);
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: a });
    const beat = await peer.waitFor("heartbeat", (m) => m.running.some((r) => r.key === a.key));
    expect(beat.at).toBeGreaterThan(0);
    release("hb");
    await peer.waitFor("result", (m) => m.key === a.key);
  });
});

describe("RemoteWorker: placement", () => {
  it("keeps tries beyond its capacity pending and gives back, on steal, only those not started", async () => {
    const { runner } = start({ concurrency: 1 });
    await peer.waitFor("hello");
    const [a, b, c] = [assignment(hash, "hold", ["s1"]), assignment(hash, "hold", ["s2"]), assignment(hash, "add", [1, 1])];
    for (const x of [a, b, c]) peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: x });
    await peer.waitFor("started", (m) => m.key === a.key);
    peer.send({ v: PROTOCOL_VERSION, type: "steal", keys: [b.key, "rw/unknown/x/-1/1", a.key] });
    expect((await peer.waitFor("released")).keys).toEqual([b.key]);
    release("s1");
    await peer.waitFor("result", (m) => m.key === c.key);
    expect(runner().submitted).toEqual([a.key, c.key]);
  });

  it("starts another try while one waits on a submitted child (secede)", async () => {
    const { runner, worker } = start({ concurrency: 1 });
    peer.onRequest = () => null;
    await peer.waitFor("hello");
    const parent = assignment(hash, "hold", ["parent"]);
    const other = assignment(hash, "add", [2, 3]);
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: parent });
    await peer.waitFor("started", (m) => m.key === parent.key);
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: other });
    await peer.until(() => worker.status().pending === 1, "the second try to wait");

    // The parent's code calls the host's submit, as ctx.submit does.
    const child = worker.host.submit({ key: parent.key, seq: 0, taskId: "add", args: [1, 2] });
    const req = await peer.waitFor("request", (m) => m.request.call === "submit");
    expect(req.request).toEqual({ call: "submit", args: { key: parent.key, seq: 0, taskId: "add", args: [1, 2] } });
    expect((await peer.waitFor("result", (m) => m.key === other.key)).outcome).toMatchObject({ value: 5 });

    peer.send({ v: PROTOCOL_VERSION, type: "response", id: req.id, result: { ok: true, value: { ok: true, value: 3 } } });
    expect(await child).toEqual({ ok: true, value: 3 });
    release("parent");
    await peer.waitFor("result", (m) => m.key === parent.key);
    expect(runner().submitted).toEqual([parent.key, other.key]);
  });
});

describe("RemoteWorker: cancel and drain", () => {
  it("cancels a running try through the runner and a pending one before it starts, neither retryable", async () => {
    const { runner } = start({ concurrency: 1 });
    await peer.waitFor("hello");
    const [a, b] = [assignment(hash, "hold", ["never1"]), assignment(hash, "hold", ["never2"])];
    for (const x of [a, b]) peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: x });
    await peer.waitFor("started", (m) => m.key === a.key);
    peer.send({ v: PROTOCOL_VERSION, type: "cancel", key: b.key, reason: "marked failed" });
    expect((await peer.waitFor("result", (m) => m.key === b.key)).outcome).toMatchObject({
      status: "failed", retryable: false, error: { name: "TaskCancelledError", message: 'task "rw.hold" (try 1) was cancelled: marked failed' },
    });
    peer.send({ v: PROTOCOL_VERSION, type: "cancel", key: a.key, reason: "run failed" });
    expect((await peer.waitFor("result", (m) => m.key === a.key)).outcome).toMatchObject({ status: "failed", retryable: false });
    expect(runner().submitted).toEqual([a.key]);
  });

  it("drains: says so, gives back tries not started, refuses new ones, finishes the running one, then exits 0", async () => {
    const { worker, exit, lines } = start({ concurrency: 1 });
    await peer.waitFor("hello");
    const [a, b, c] = [assignment(hash, "hold", ["d1"]), assignment(hash, "add", [1, 2]), assignment(hash, "add", [3, 4])];
    for (const x of [a, b]) peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: x });
    await peer.waitFor("started", (m) => m.key === a.key);
    peer.autoAck = false;
    worker.drain("SIGTERM");
    await peer.waitFor("draining");
    expect((await peer.waitFor("released")).keys).toEqual([b.key]);
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: c });
    await peer.waitFor("released", (m) => m.keys.includes(c.key));
    release("d1");
    await peer.waitFor("result", (m) => m.key === a.key);
    // It waits for the ack before it exits.
    await new Promise((r) => setTimeout(r, 100));
    expect(worker.status().unacked).toBe(1);
    peer.send({ v: PROTOCOL_VERSION, type: "ack", key: a.key });
    expect(await exit).toBe(0);
    expect(lines.join("\n")).toContain("draining (SIGTERM): finishing 1 running, giving back 1 not started");
    expect(peer.of("result").map((m) => m.key)).toEqual([a.key]);
  });

  it("drains when the server sends drain", async () => {
    const { exit } = start();
    await peer.waitFor("hello");
    await peer.until(() => peer.current, "the connection");
    peer.send({ v: PROTOCOL_VERSION, type: "drain" });
    await peer.waitFor("draining");
    expect(await exit).toBe(0);
  });

  it("stops at once on a second request: aborts running tries and reports them retryable", async () => {
    const { worker, exit } = start();
    await peer.waitFor("hello");
    const a = assignment(hash, "hold", ["forever"]);
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: a });
    await peer.waitFor("started", (m) => m.key === a.key);
    worker.drain("SIGTERM");
    await worker.stop("second SIGTERM");
    expect(await exit).toBe(1);
    expect((await peer.waitFor("result", (m) => m.key === a.key)).outcome).toMatchObject({ status: "failed", retryable: true });
  });
});
