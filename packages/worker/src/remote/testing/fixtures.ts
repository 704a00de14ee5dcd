// Shared pieces of the remote worker's tests: a DAG bundle whose tasks the test can hold and
// release, assignments for it, and a worker wired to a test peer with the in-process runner.
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Json } from "@updraft/sdk";
import type { TaskAssignment } from "../../protocol.ts";
import { RemoteWorker, type RemoteWorkerOptions, type WorkerExitCode } from "../remote-worker.ts";
import { InlineRunner } from "./inline-runner.ts";
import type { TestServerPeer } from "./test-server-peer.ts";

export const TOKEN = "updr_test-worker-token";

/** Gates the `hold` task waits on, by name: a test opens one with `release(name)`. */
const gates = ((globalThis as Record<string, unknown>).__updraftTestGates ??= new Map()) as Map<string, { open: () => void; opened: Promise<void> }>;

function gate(name: string) {
  let g = gates.get(name);
  if (!g) {
    let open = () => {};
    const opened = new Promise<void>((resolve) => (open = resolve));
    g = { open, opened };
    gates.set(name, g);
  }
  return g;
}

export function release(name: string): void {
  gate(name).open();
}

/** A DAG file as the processor bundles it (plain JS, `@updraft/sdk` external). */
export const DAG_SOURCE = `
import { dag, task } from "@updraft/sdk";
const gates = globalThis.__updraftTestGates;
function gate(name) {
  let g = gates.get(name);
  if (!g) { let open; const opened = new Promise((r) => (open = r)); g = { open, opened }; gates.set(name, g); }
  return g;
}
export default dag({ id: "rw" }, () => {
  task("add", (ctx, a, b) => a + b)(1, 2);
  task("hold", async (ctx, name) => {
    ctx.log.info("holding " + name);
    await new Promise((resolve, reject) => {
      gate(name).opened.then(resolve);
      ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
    });
    ctx.log.info("released " + name);
    return name;
  })("g");
  task("ask", async (ctx) => "got " + (await ctx.variables.get("greeting")))();
  task("chatty", (ctx, n) => { for (let i = 0; i < n; i++) ctx.log.info("line " + i); return n; })(3);
});
`;

let serial = 0;

/** An assignment of task `taskId` of DAG "rw" with a key of its own. */
export function assignment(hash: string, taskId: string, args: Json[] = [], extra: Partial<TaskAssignment> = {}): TaskAssignment {
  const n = ++serial;
  return {
    v: 1, key: `rw/run${n}/${taskId}/-1/1`, dagId: "rw", runId: `run${n}`, taskId, mapIndex: -1, tryNumber: 1,
    bundle: { hash, path: null }, args, logicalDate: "2026-03-01T00:00:00.000Z",
    dataIntervalStart: "2026-03-01T00:00:00.000Z", dataIntervalEnd: "2026-03-01T00:00:00.000Z",
    params: {}, conf: {}, runType: "manual", queue: "default", executionTimeoutMs: null, sensorStartedAt: null, ...extra,
  };
}

/**
 * A home folder inside the package: vitest's module runner ignores the runtime's resolve hook, so
 * bundles imported in tests must sit where `@updraft/sdk` resolves by itself.
 */
export async function tempHome(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(import.meta.dirname, "..", ".tmp-remote-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface StartedWorker {
  worker: RemoteWorker;
  exit: Promise<WorkerExitCode>;
  lines: string[];
  runner: () => InlineRunner;
}

/** A worker on the in-process runner, talking to `peer`, with short back-off and flush times. */
export function startWorker(peer: TestServerPeer, home: string, options: Partial<RemoteWorkerOptions> = {}, capacity = 64): StartedWorker {
  const lines: string[] = [];
  let runner: InlineRunner | null = null;
  const worker = new RemoteWorker({
    server: peer.url, token: TOKEN, home, concurrency: 2, queues: ["default", "gpu"], name: "w1", version: "9.9.9",
    runner: (host) => (runner = new InlineRunner(host, capacity)),
    print: (line) => lines.push(line),
    backoff: { initialMs: 20, maxMs: 100 },
    logFlushMs: 20,
    ...options,
  });
  return { worker, exit: worker.run(), lines, runner: () => runner! };
}
