// `npm run bench`, remote case: `updraft standalone` whose own threads serve no queue, and two
// `updraft worker` processes connected to it over WebSocket on 127.0.0.1. Every task crosses the
// socket twice (assignment, result) and its result is committed by the server before the next
// one is placed. Measures, over BENCH_REMOTE_RUNS runs (default 3):
//   fan-out: one task returns N numbers (BENCH_REMOTE_FAN_OUT, default 2,000), N mapped no-op
//            instances, one reducer — tasks per second from trigger to the run's success;
//   chain:   BENCH_REMOTE_CHAIN tasks (default 200) in a line — the round trip per task.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const UPDRAFT = new URL("../node_modules/.bin/updraft", import.meta.url).pathname;
const FAN_OUT = Number(process.env.BENCH_REMOTE_FAN_OUT ?? 2_000);
const CHAIN = Number(process.env.BENCH_REMOTE_CHAIN ?? 200);
const RUNS = Number(process.env.BENCH_REMOTE_RUNS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_REMOTE_CONCURRENCY ?? 4);

const DAGS: Record<string, string> = {
  "bench_remote_fanout.ts": `import { dag, task } from "@updraft/sdk";
export default dag({ id: "bench_remote_fanout", schedule: null, startDate: "2026-01-01", maxActiveTasks: 256 }, () => {
  const make = task("make", () => Array.from({ length: ${FAN_OUT} }, (_, i) => i));
  const noop = task("noop", (_ctx, i: number) => i);
  const reduce = task("reduce", (_ctx, xs: number[]) => xs.length);
  reduce(noop.expand(make()));
});
`,
  "bench_remote_chain.ts": `import { dag, task } from "@updraft/sdk";
export default dag({ id: "bench_remote_chain", schedule: null, startDate: "2026-01-01" }, () => {
  const step = task("step", (_ctx, n: number) => n + 1);
  let out = step(0);
  for (let i = 1; i < ${CHAIN}; i++) out = step(out);
});
`,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function start(args: string[], env: NodeJS.ProcessEnv, cwd: string): { child: ChildProcess; output: () => string } {
  const child = spawn(UPDRAFT, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (out = (out + s).slice(-8000)));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (out = (out + s).slice(-8000)));
  return { child, output: () => out };
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // gone
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-bench-remote-"));
  const home = join(dir, "home");
  await mkdir(join(dir, "dags"), { recursive: true });
  for (const [file, text] of Object.entries(DAGS)) await writeFile(join(dir, "dags", file), text);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env, UPDRAFT_HOME: home, UPDRAFT_DAGS_FOLDER: join(dir, "dags"), UPDRAFT_PORT: String(port),
    UPDRAFT_HOST: "127.0.0.1", UPDRAFT_LOCAL_QUEUES: "",
    // The triggered runs below run at once: the bench's DAGs start unpaused.
    UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION: "false",
  };
  for (const k of ["UPDRAFT_SERVER", "UPDRAFT_TOKEN", "UPDRAFT_DB_URL"]) delete env[k];
  const procs: ChildProcess[] = [];
  const server = start(["standalone"], env, dir);
  procs.push(server.child);
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false)) break;
      if (i > 600) throw new Error(`the server did not start:\n${server.output()}`);
      await sleep(100);
    }
    const { stdout } = await promisify(execFile)(UPDRAFT, ["tokens", "create", "--scope", "admin", "--name", "bench"], { env, cwd: dir });
    const admin = /updr_[A-Za-z0-9_-]{43}/.exec(stdout)![0];
    const { stdout: w } = await promisify(execFile)(UPDRAFT, ["tokens", "create", "--scope", "worker", "--name", "bench-workers"], { env, cwd: dir });
    const workerToken = /updr_[A-Za-z0-9_-]{43}/.exec(w)![0];
    const headers = { authorization: `Bearer ${admin}`, "content-type": "application/json" };
    const api = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
      const r = await fetch(base + path, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as Record<string, unknown>;
    };

    for (const name of ["bench-w1", "bench-w2"]) {
      const workerEnv = { ...env, UPDRAFT_HOME: join(dir, name) };
      const wp = start(["worker", "--server", base, "--token", workerToken, "--name", name, "--concurrency", String(CONCURRENCY)], workerEnv, dir);
      procs.push(wp.child);
    }
    for (let i = 0; ; i++) {
      const list = (await api("GET", "/api/updraft/workers")) as { workers: Array<{ state: string }> };
      const dags = (await api("GET", "/api/v1/dags?limit=100")) as { dags: Array<{ dag_id: string }> };
      if (list.workers.filter((x) => x.state === "online").length === 2 && dags.dags.length === 2) break;
      if (i > 600) throw new Error("the workers did not connect, or the DAGs did not load");
      await sleep(100);
    }

    const timeRun = async (dagId: string): Promise<number> => {
      const t0 = performance.now();
      const run = await api("POST", `/api/v1/dags/${dagId}/dagRuns`, { conf: {} });
      const runId = encodeURIComponent(String(run.dag_run_id));
      for (;;) {
        const state = (await api("GET", `/api/v1/dags/${dagId}/dagRuns/${runId}`)).state;
        if (state === "success") return performance.now() - t0;
        if (state === "failed") throw new Error(`${dagId} failed`);
        await sleep(20);
      }
    };
    const fan: number[] = [];
    const chain: number[] = [];
    await timeRun("bench_remote_chain"); // warm-up: bundles downloaded, threads started
    for (let i = 0; i < RUNS; i++) {
      fan.push((FAN_OUT + 2) / ((await timeRun("bench_remote_fanout")) / 1000));
      chain.push((await timeRun("bench_remote_chain")) / CHAIN);
    }
    const result = {
      machine: `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
      remote: {
        workers: 2, concurrencyPerWorker: CONCURRENCY, runs: RUNS,
        fanout: { tasks: FAN_OUT + 2, medianTasksPerSecond: Math.round(median(fan)), minTasksPerSecond: Math.round(Math.min(...fan)), maxTasksPerSecond: Math.round(Math.max(...fan)) },
        chain: { tasks: CHAIN, medianMsPerTask: +median(chain).toFixed(2) },
      },
    };
    console.log(`remote:  2 workers × ${CONCURRENCY} on loopback, ${RUNS} runs`);
    console.log(`         fan-out ${FAN_OUT + 2} tasks: median ${result.remote.fanout.medianTasksPerSecond} tasks/s (${result.remote.fanout.minTasksPerSecond}–${result.remote.fanout.maxTasksPerSecond})`);
    console.log(`         chain ${CHAIN} tasks: median ${result.remote.chain.medianMsPerTask} ms per task, trigger to success`);
    console.log(JSON.stringify(result));
  } finally {
    for (const p of procs) killGroup(p);
    await sleep(200);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
