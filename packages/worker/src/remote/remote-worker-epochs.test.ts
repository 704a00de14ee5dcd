// The remote worker and scheduler epochs, and the server's frame limit, against a test peer over
// real sockets on 127.0.0.1: it echoes each try's epoch in every message about it, stops and
// forgets a try the server refuses, replaces a try it holds when the same key comes under a new
// epoch, and never sends a frame larger than the welcome allows.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../protocol.ts";
import type { RemoteWorkerOptions } from "./remote-worker.ts";
import { TestServerPeer, type TestServerPeerOptions } from "./testing/test-server-peer.ts";
import { DAG_SOURCE, TOKEN, assignment, release, startWorker, tempHome, type StartedWorker } from "./testing/fixtures.ts";

let home: Awaited<ReturnType<typeof tempHome>>;
let peer: TestServerPeer;
let hash: string;
const workers: StartedWorker[] = [];

beforeAll(async () => {
  home = await tempHome();
});
afterAll(() => home.remove());

afterEach(async () => {
  for (const w of workers.splice(0)) await w.worker.stop("test over");
  await peer.close();
});

async function start(peerOptions: Partial<TestServerPeerOptions> = {}, options: Partial<RemoteWorkerOptions> = {}): Promise<StartedWorker> {
  peer = await TestServerPeer.start({ token: TOKEN, heartbeatMs: 30, timeoutMs: 5_000, ...peerOptions });
  hash = peer.addBundle(DAG_SOURCE);
  const w = startWorker(peer, home.dir, { concurrency: 4, ...options });
  workers.push(w);
  await peer.waitFor("hello");
  return w;
}

describe("RemoteWorker: scheduler epochs", () => {
  it("echoes the epoch its assignment carried in started, log, result and heartbeat entries", async () => {
    await start();
    const a = assignment(hash, "hold", ["epoch-echo"], { epoch: 5 });
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: a });
    expect(await peer.waitFor("started", (m) => m.key === a.key)).toMatchObject({ epoch: 5 });
    const beat = await peer.waitFor("heartbeat", (m) => m.running.some((r) => r.key === a.key));
    expect(beat.running).toEqual([{ key: a.key, epoch: 5 }]);
    release("epoch-echo");
    expect(await peer.waitFor("result", (m) => m.key === a.key)).toMatchObject({ epoch: 5, outcome: { status: "success", value: "epoch-echo" } });
    const logs = peer.of("log").filter((m) => m.key === a.key);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((m) => m.epoch === 5)).toBe(true);
  });

  it("stops a running try the server refuses and forgets it: no result, no heartbeat entry, not in its next hello", async () => {
    const { worker, lines, runner } = await start();
    const a = assignment(hash, "hold", ["refused-running"], { epoch: 1 });
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: a });
    await peer.waitFor("started", (m) => m.key === a.key);
    peer.send({ v: PROTOCOL_VERSION, type: "refused", key: a.key, epoch: 1, reason: "the current epoch is 2" });
    await peer.until(() => runner().stats().running === 0, "the refused try to be cancelled");
    await peer.until(() => lines.find((l) => l.includes(`the server refused ${a.key} (scheduler epoch 1): the current epoch is 2; it is dropped`)), "the refusal line");
    const after = peer.frames.length;
    await peer.until(() => peer.frames.slice(after).filter((f) => f.message.type === "heartbeat").length >= 2, "two more heartbeats");
    expect(peer.of("result").filter((m) => m.key === a.key)).toEqual([]);
    expect(peer.frames.slice(after).every((f) => f.message.type !== "heartbeat" || f.message.running.length === 0)).toBe(true);
    expect(worker.status()).toMatchObject({ running: 0, unacked: 0 });
  });

  it("drops an unacknowledged result the server refuses, so that it is never sent again, and ignores a refusal of an epoch it does not hold", async () => {
    const { worker, lines } = await start();
    peer.autoAck = false;
    const a = assignment(hash, "add", [1, 2], { epoch: 1 });
    const b = assignment(hash, "hold", ["refused-other-epoch"], { epoch: 3 });
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: a });
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: b });
    await peer.waitFor("result", (m) => m.key === a.key);
    await peer.waitFor("started", (m) => m.key === b.key);
    expect(worker.status().unacked).toBe(1);
    peer.send({ v: PROTOCOL_VERSION, type: "refused", key: a.key, epoch: 1, reason: "epoch 1 is over" });
    peer.send({ v: PROTOCOL_VERSION, type: "refused", key: b.key, epoch: 2, reason: "not this one" });
    await peer.until(() => worker.status().unacked === 0, "the refused result to be dropped");
    release("refused-other-epoch");
    expect(await peer.waitFor("result", (m) => m.key === b.key)).toMatchObject({ epoch: 3, outcome: { status: "success" } });
    expect(peer.of("result").filter((m) => m.key === a.key)).toHaveLength(1);
    expect(lines.filter((l) => l.includes("the server refused"))).toHaveLength(1);
  });

  it("replaces a try it runs when the same key is assigned under a new epoch: the old one is cancelled and its result dropped", async () => {
    const { runner } = await start();
    const old = assignment(hash, "hold", ["same-key"], { epoch: 1 });
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: old });
    await peer.waitFor("started", (m) => m.key === old.key && m.epoch === 1);
    // Its code runs once the server's `go` has come back.
    await peer.until(() => runner().submitted.length === 1, "the first try to run");
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: { ...old, epoch: 2 } });
    await peer.waitFor("started", (m) => m.key === old.key && m.epoch === 2);
    await peer.until(() => runner().submitted.length === 2, "the second try to run");
    expect(runner().submitted).toEqual([old.key, old.key]);
    release("same-key");
    expect(await peer.waitFor("result", (m) => m.key === old.key)).toMatchObject({ epoch: 2, outcome: { status: "success", value: "same-key" } });
    expect(peer.of("result").filter((m) => m.key === old.key).map((m) => m.epoch)).toEqual([2]);
  });
});

describe("RemoteWorker: no task code before the server's go", () => {
  it("announces a try as started and runs it only once the server answers go", async () => {
    const { runner } = await start();
    peer.autoGo = false;
    const a = assignment(hash, "add", [1, 2]);
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: a });
    await peer.waitFor("started", (m) => m.key === a.key);
    const after = peer.frames.length;
    await peer.until(() => peer.frames.slice(after).filter((f) => f.message.type === "heartbeat").length >= 3, "three heartbeats");
    expect(runner().submitted).toEqual([]);
    expect(peer.of("result")).toEqual([]);
    peer.send({ v: PROTOCOL_VERSION, type: "go", key: a.key });
    expect((await peer.waitFor("result", (m) => m.key === a.key)).outcome).toMatchObject({ status: "success", value: 3 });
    expect(runner().submitted).toEqual([a.key]);
  });

  it("ends a try still waiting for its go, retryable, when it stops; its code never ran", async () => {
    const { worker, runner } = await start();
    peer.autoGo = false;
    const a = assignment(hash, "add", [1, 2]);
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: a });
    await peer.waitFor("started", (m) => m.key === a.key);
    await worker.stop("test: stop before go");
    expect((await peer.waitFor("result", (m) => m.key === a.key)).outcome).toMatchObject({
      status: "failed", retryable: true, error: { message: `the worker stopped before try "${a.key}" ran` },
    });
    expect(runner().submitted).toEqual([]);
  });
});

describe("RemoteWorker: the server's frame limit", () => {
  const LIMIT = 64 * 1024;

  it("sends a result too large for one frame as a failure naming the limit, and cuts a log line that alone would not fit", async () => {
    await start({ maxFrameBytes: LIMIT });
    const name = `big-${"x".repeat(100_000)}`;
    const a = assignment(hash, "hold", [name]);
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: a });
    await peer.waitFor("started", (m) => m.key === a.key);
    release(name);
    const result = await peer.waitFor("result", (m) => m.key === a.key);
    expect(result.outcome).toEqual({
      status: "failed", retryable: true,
      error: { name: "RangeError", message: expect.stringMatching(new RegExp(`^try "${a.key}": its result is \\d+ bytes with its XComs, more than the ${LIMIT} bytes a remote worker may send in one frame \\(derived from UPDRAFT_MAX_XCOM_BYTES on the server\\)`)) },
    });
    const logs = peer.of("log").filter((m) => m.key === a.key).flatMap((m) => m.lines.map((l) => l.message));
    const holding = logs.find((l) => l.includes("holding big-"))!;
    expect(holding).toMatch(new RegExp(`\\[updraft worker: \\d+ more characters cut; a frame to the server holds at most ${LIMIT} bytes\\]$`));
    for (const f of peer.frames) expect(Buffer.byteLength(JSON.stringify(f.message))).toBeLessThanOrEqual(LIMIT);
  });

  it("splits a try's many log lines into frames under the limit, all of them in order", async () => {
    await start({ maxFrameBytes: LIMIT });
    const a = assignment(hash, "chatty", [5_000]);
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: a });
    await peer.waitFor("result", (m) => m.key === a.key);
    const frames = peer.of("log").filter((m) => m.key === a.key);
    const lines = frames.flatMap((m) => m.lines.map((l) => l.message)).filter((l) => l.startsWith("line "));
    expect(lines).toEqual(Array.from({ length: 5_000 }, (_, i) => `line ${i}`));
    expect(frames.length).toBeGreaterThan(1);
    for (const f of frames) expect(Buffer.byteLength(JSON.stringify(f))).toBeLessThanOrEqual(LIMIT);
  });

  it("fails a host call that would not fit in one frame without sending it", async () => {
    const { worker } = await start({ maxFrameBytes: LIMIT });
    await peer.until(() => worker.status().connected, "the welcome");
    await expect(worker.host.variableSet("big", "v".repeat(LIMIT))).rejects.toThrow(new RegExp(`^host call "variableSet" is \\d+ bytes, more than the ${LIMIT} bytes a remote worker may send in one frame`));
    expect(peer.of("request")).toEqual([]);
  });
});
