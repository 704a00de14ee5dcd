// `updraft worker`: its settings, and the real command in a child process (threads executor and
// all) against the worker package's test peer over 127.0.0.1: refused tokens, a bundle fetched
// by hash, host calls, time-outs, and the drain on SIGTERM.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TestServerPeer } from "@updraft/worker/testing";
import { PROTOCOL_VERSION, type TaskAssignment } from "@updraft/worker";
import { workerSettings } from "./worker.ts";

const BIN = resolve(fileURLToPath(import.meta.url), "../../../../../node_modules/.bin/updraft");
const TOKEN = "updr_worker-cli-test";

describe("workerSettings", () => {
  const config = { server: "http://scheduler:8080/", token: "t", home: "/h" };

  it("takes defaults, then the environment, then flags", () => {
    expect(workerSettings(config, {}, {})).toMatchObject({ server: "http://scheduler:8080", token: "t", home: "/h", queues: ["default"], name: expect.stringMatching(/-\d+$/) });
    expect(workerSettings(config, {}, {}).concurrency).toBeGreaterThanOrEqual(1);
    const env = { UPDRAFT_WORKER_CONCURRENCY: "3", UPDRAFT_WORKER_QUEUES: "gpu, etl,gpu", UPDRAFT_WORKER_NAME: "box" };
    expect(workerSettings(config, {}, env)).toMatchObject({ concurrency: 3, queues: ["gpu", "etl"], name: "box" });
    expect(workerSettings(config, { concurrency: "8", queues: "a", name: "flagged" }, env)).toMatchObject({ concurrency: 8, queues: ["a"], name: "flagged" });
  });

  it.each([
    [{ server: undefined }, {}, "--server URL or UPDRAFT_SERVER"],
    [{ token: undefined }, {}, "--token T or UPDRAFT_TOKEN"],
    [{ server: "ftp://x" }, {}, 'must be an http(s):// URL'],
    [{}, { concurrency: "0" }, '--concurrency / UPDRAFT_WORKER_CONCURRENCY: expected a whole number of at least 1, got "0"'],
    [{}, { concurrency: "two" }, 'got "two"'],
    [{}, { queues: " , " }, "--queues / UPDRAFT_WORKER_QUEUES"],
  ])("refuses %o %o, naming the setting", (over, flags, message) => {
    expect(() => workerSettings({ ...config, ...over }, flags, {})).toThrow(message);
  });
});

const BUNDLE = `
import { dag, task } from "@updraft/sdk";
const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal.addEventListener("abort", () => { clearTimeout(t); reject(signal.reason); });
});
export default dag({ id: "cli_worker" }, () => {
  task("greet", async (ctx, who) => {
    const greeting = await ctx.variables.get("greeting");
    ctx.log.info("greeting " + who);
    return greeting + ", " + who;
  })("x");
  task("nap", async (ctx, ms) => { await sleep(ms, ctx.signal); return ms; })(1);
});
`;

let home: string;
let peer: TestServerPeer;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "updraft-worker-cli-"));
  peer = await TestServerPeer.start({ token: TOKEN, heartbeatMs: 200 });
});
afterEach(async () => {
  await peer.close();
  await rm(home, { recursive: true, force: true });
});

function updraftWorker(args: string[]) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_")));
  const child = spawn(BIN, ["worker", "--server", peer.url, "--home", home, ...args], { env: base, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

function assignment(hash: string, taskId: string, args: TaskAssignment["args"], extra: Partial<TaskAssignment> = {}): TaskAssignment {
  return {
    v: 1, key: `cli_worker/r/${taskId}/-1/1`, dagId: "cli_worker", runId: "r", taskId, mapIndex: -1, tryNumber: 1,
    bundle: { hash, path: "/nowhere/on/this/machine.mjs" }, args, logicalDate: "2026-03-01T00:00:00.000Z",
    dataIntervalStart: "2026-03-01T00:00:00.000Z", dataIntervalEnd: "2026-03-01T00:00:00.000Z",
    params: {}, conf: {}, runType: "manual", queue: "gpu", executionTimeoutMs: null, sensorStartedAt: null, ...extra,
  };
}

describe("updraft worker", () => {
  it("exits 2 with a clear message when the server refuses the token, without retrying", async () => {
    const w = updraftWorker(["--token", "updr_wrong"]);
    expect(await w.exited).toBe(2);
    expect(w.err()).toContain("the server refused the token (401): check --token / UPDRAFT_TOKEN; a worker needs a token of scope worker");
    expect(peer.upgrades).toEqual([401]);
  }, 30_000);

  it("runs tries in its threads with the bundle it downloads, honours time-outs, and drains on SIGTERM", async () => {
    const hash = peer.addBundle(BUNDLE);
    peer.onRequest = (r) => (r.call === "variableGet" && r.args.key === "greeting" ? { ok: true, value: "hello" } : null);
    const w = updraftWorker(["--token", TOKEN, "--concurrency", "2", "--queues", "gpu,default", "--name", "cli-w"]);
    const hello = await peer.waitFor("hello", () => true, 30_000);
    expect(hello).toMatchObject({ name: "cli-w", capacity: 2, queues: ["gpu", "default"], version: expect.any(String), running: [], draining: false });

    const greet = assignment(hash, "greet", ["world"]);
    const late = assignment(hash, "nap", [10_000], { key: "cli_worker/r/nap/-1/1", executionTimeoutMs: 300 });
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: greet });
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: late });
    expect((await peer.waitFor("result", (m) => m.key === greet.key, 30_000)).outcome).toEqual({ status: "success", value: "hello, world", pushed: {} });
    expect(peer.of("log").filter((m) => m.key === greet.key).flatMap((m) => m.lines.map((l) => l.message))).toContain("greeting world");
    expect((await peer.waitFor("result", (m) => m.key === late.key, 30_000)).outcome).toMatchObject({ status: "failed", retryable: true, error: { name: "TaskTimeoutError" } });
    expect(peer.bundleRequests).toEqual([hash]);
    expect(existsSync(join(home, "bundles", `${hash}.mjs`))).toBe(true);

    const nap = assignment(hash, "nap", [500], { key: "cli_worker/r/nap/-1/2", tryNumber: 2 });
    peer.send({ v: PROTOCOL_VERSION, type: "assign", assignment: nap });
    await peer.waitFor("started", (m) => m.key === nap.key, 30_000);
    w.child.kill("SIGTERM");
    await peer.waitFor("draining", () => true, 30_000);
    expect((await peer.waitFor("result", (m) => m.key === nap.key, 30_000)).outcome).toMatchObject({ status: "success", value: 500 });
    expect(await w.exited).toBe(0);
    expect(w.out()).toMatch(/worker cli-w: connected to http:\/\/127\.0\.0\.1:\d+ as cli-w \(capacity 2, queues gpu,default\)/);
    expect(w.out()).toContain("draining (SIGTERM; send it again to stop at once)");
    expect(w.out()).toContain("drained: every try finished and its result was delivered");
  }, 60_000);
});
