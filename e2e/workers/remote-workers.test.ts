// Remote workers as users run them: `updraft standalone` whose own threads serve no queue, and
// `updraft worker` processes that connect to it over WebSocket on 127.0.0.1, download the DAG
// bundles by hash (they have no DAG folder) and run every task.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "@updraft/store";
import { startServer, type TestServer } from "../api/server.ts";
import { TcpProxy, unsuccessfulTries, openServerDb, sleep, startWorker, taskRows, type WorkerProcess } from "./processes.ts";

const CHAINS = 40;
const CHAIN_LENGTH = 50;

/** 2,000 tasks: 40 chains of 50, each step adding one to its upstream's result. */
const BIG_DAG = `import { appendFileSync } from "node:fs";
import { dag, task, type TaskDef } from "@updraft/sdk";
export default dag({ id: "workers_big", schedule: null, startDate: "2026-01-01", maxActiveTasks: 64, defaultArgs: { retries: 2, retryDelay: "200ms" } }, () => {
  for (let c = 0; c < ${CHAINS}; c++) {
    let out = task("c" + c + "_s0", (ctx) => { appendFileSync(String(ctx.params.out), ctx.taskId + " " + ctx.tryNumber + " " + process.pid + "\\n"); return 0; })();
    for (let s = 1; s < ${CHAIN_LENGTH}; s++) {
      const step: TaskDef<[number], number> = task("c" + c + "_s" + s, async (ctx, n: number) => {
        appendFileSync(String(ctx.params.out), ctx.taskId + " " + ctx.tryNumber + " " + process.pid + "\\n");
        await new Promise((r) => setTimeout(r, 15));
        return n + 1;
      });
      out = step(out);
    }
  }
});
`;

/** Slow tasks, so that a link cut lands while they run. */
const SLOW_DAG = `import { appendFileSync } from "node:fs";
import { dag, task } from "@updraft/sdk";
export default dag({ id: "workers_slow", schedule: null, startDate: "2026-01-01", defaultArgs: { retries: 2, retryDelay: "200ms" } }, () => {
  const work = task("work", async (ctx, i: number) => {
    appendFileSync(String(ctx.params.out), ctx.taskId + "[" + ctx.mapIndex + "] " + ctx.tryNumber + " " + process.pid + "\\n");
    ctx.log.info("working on " + i);
    await new Promise((r) => setTimeout(r, 3000));
    ctx.log.info("done with " + i);
    return i * 10;
  });
  const total = task("total", (_ctx, xs: number[]) => xs.reduce((a, b) => a + b, 0));
  total(work.expand([0, 1, 2, 3, 4, 5]));
});
`;

/** A task that submits 100 children with ctx.submit and sums their results. */
const SUBMIT_DAG = `import { dag, task } from "@updraft/sdk";
const square = task("square", (_ctx, n: number) => n * n);
export default dag({ id: "workers_submit", schedule: null, startDate: "2026-01-01" }, () => {
  task("parent", async (ctx) => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => ctx.submit(square, i)));
    return results.reduce((a, b) => a + b, 0);
  })();
});
`;

/** Long enough that a 3 s cut plus the worker's capped back-off stays well inside it on a busy CI machine. */
const WORKER_TIMEOUT_MS = 10_000;
const CUT_MS = 3_000;

let server: TestServer;
let db: Store;
const workers: WorkerProcess[] = [];

async function worker(name: string, opts: { server?: string; token?: string; concurrency?: number } = {}): Promise<WorkerProcess> {
  const w = await startWorker({ server: opts.server ?? server.baseUrl, token: opts.token ?? server.tokens.worker, name, concurrency: opts.concurrency ?? 4 });
  workers.push(w);
  return w;
}

async function waitForWorkers(names: string[], timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await server.request("GET", "/api/updraft/workers");
    const online = r.status === 200 ? (r.json as { workers: Array<{ name: string; state: string }> }).workers.filter((w) => w.state === "online").map((w) => w.name) : [];
    if (names.every((n) => online.includes(n))) return;
    if (Date.now() > end) throw new Error(`workers ${names.join(", ")} did not come online (online: ${online.join(", ") || "none"}; last answer ${r.status} ${r.text.slice(0, 200)})\n${workers.map((w) => `--- ${w.name}\n${w.output().slice(-2000)}`).join("\n")}`);
    await sleep(200);
  }
}

async function trigger(dagId: string, conf: Record<string, unknown> = {}): Promise<string> {
  const r = await server.request("POST", `/api/v1/dags/${dagId}/dagRuns`, { body: { conf } });
  expect(r.status, r.text).toBe(200);
  return (r.json as { dag_run_id: string }).dag_run_id;
}

async function runState(dagId: string, runId: string): Promise<string> {
  const r = await server.request("GET", `/api/v1/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}`);
  return (r.json as { state: string }).state;
}

async function waitForRun(dagId: string, runId: string, timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const state = await runState(dagId, runId);
    if (state === "success" || state === "failed") return state;
    if (Date.now() > end) throw new Error(`run ${dagId}/${runId} still ${state} after ${timeoutMs} ms\n${workers.map((w) => `--- ${w.name}\n${w.output().slice(-2000)}`).join("\n")}\n--- server\n${server.log().slice(-3000)}`);
    await sleep(250);
  }
}

/** Lines "task try pid" the tasks appended to the execution file. */
async function executions(file: string): Promise<Array<{ task: string; tryNumber: number; pid: number }>> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.trim().split("\n").filter(Boolean).map((line) => {
    const [task, tryNumber, pid] = line.split(" ");
    return { task: task!, tryNumber: Number(tryNumber), pid: Number(pid) };
  });
}

async function workerPid(name: string): Promise<number> {
  const r = await server.request("GET", "/api/updraft/workers");
  const w = (r.json as { workers: Array<{ name: string; pid: number }> }).workers.find((x) => x.name === name);
  if (!w) throw new Error(`worker ${name} is not listed`);
  return w.pid;
}

beforeAll(async () => {
  server = await startServer({
    dags: { files: { "workers_big.ts": BIG_DAG, "workers_slow.ts": SLOW_DAG, "workers_submit.ts": SUBMIT_DAG }, dagIds: ["workers_big", "workers_slow", "workers_submit"] },
    // The server's own threads serve no queue: every task must run on a remote worker.
    env: { UPDRAFT_LOCAL_QUEUES: "", UPDRAFT_WORKER_TIMEOUT: `${WORKER_TIMEOUT_MS}ms` },
  });
  db = await openServerDb(server.home);
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.dispose()));
  await db?.close();
  await server?.stop();
}, 60_000);

describe("updraft worker", () => {
  it("is refused at the handshake with a wrong token, and exits 2 without retrying", async () => {
    const w = await worker("wrong-token", { token: "updr_" + "x".repeat(43) });
    const end = await Promise.race([w.exited, sleep(30_000).then(() => null)]);
    expect(end, w.output()).toEqual({ code: 2, signal: null });
    expect(w.output()).toMatch(/401/);
  });

  it("is refused with a token of another scope", async () => {
    const w = await worker("read-token", { token: server.tokens.read });
    const end = await Promise.race([w.exited, sleep(30_000).then(() => null)]);
    expect(end, w.output()).toEqual({ code: 2, signal: null });
    expect(w.output()).toMatch(/403/);
  });

  it("two workers run a DAG of 2,000 tasks; one killed with SIGKILL mid-run has its tasks retried on the other", async () => {
    const a = await worker("big-a");
    const b = await worker("big-b");
    await waitForWorkers(["big-a", "big-b"]);
    const pidA = await workerPid("big-a");
    const pidB = await workerPid("big-b");
    const out = join(server.home, "big-executions.txt");
    const runId = await trigger("workers_big", { out });

    // Let a quarter of the tasks finish, with both workers busy, then kill one outright. On a
    // loaded machine one worker may still be loading the DAG when the other has done a quarter,
    // so the kill waits until both have run tasks.
    const killBy = Date.now() + 120_000;
    for (;;) {
      const before = await executions(out);
      const pids = new Set(before.map((e) => e.pid));
      if (before.length >= (CHAINS * CHAIN_LENGTH) / 4 && pids.has(pidA) && pids.has(pidB)) break;
      if (Date.now() > killBy) throw new Error(`after 120 s, ${before.length} tries ran, on pids ${[...pids].join(", ")} (workers ${pidA}, ${pidB})\n${server.log().slice(-3000)}`);
      await sleep(100);
    }
    expect(new Set((await executions(out)).map((e) => e.pid))).toEqual(new Set([pidA, pidB]));
    a.kill("SIGKILL");

    expect(await waitForRun("workers_big", runId, 240_000)).toBe("success");
    const rows = await taskRows(db, "workers_big", runId);
    expect(rows).toHaveLength(CHAINS * CHAIN_LENGTH);
    expect(rows.filter((r) => r.state !== "success")).toEqual([]);

    // What worker A ran when it died was lost with it and ran again, on worker B.
    const history = await unsuccessfulTries(db, "workers_big", runId);
    expect(history.length).toBeGreaterThan(0);
    const runs = await executions(out);
    for (const task of new Set(history.map((h) => h.task_id))) {
      const last = runs.filter((e) => e.task === task).at(-1);
      expect(last?.pid, `${task} lost a try; its last try ran on worker B`).toBe(pidB);
    }
    // No try ran twice, and no task ran again after it succeeded.
    const tries = runs.map((e) => `${e.task}#${e.tryNumber}`);
    expect(tries.filter((t, i) => tries.indexOf(t) !== i), "tries that ran twice").toEqual([]);
    const finalTry = new Map(rows.map((r) => [r.task_id, r.try_number]));
    for (const e of runs) expect(e.tryNumber).toBeLessThanOrEqual(finalTry.get(e.task)!);
    // The worker is listed as lost.
    const list = await server.request("GET", "/api/updraft/workers");
    const states = Object.fromEntries((list.json as { workers: Array<{ name: string; state: string }> }).workers.map((w) => [w.name, w.state]));
    expect(states["big-a"]).toBe("lost");
    expect(states["big-b"], JSON.stringify(states)).toBe("online");
    await b.dispose();
  }, 300_000);

  it("a worker whose link is cut for less than the time-out comes back and finishes its tasks without duplicates", async () => {
    const proxy = await TcpProxy.start(server.port);
    try {
      await worker("flaky", { server: `http://127.0.0.1:${proxy.port}`, concurrency: 6 });
      await waitForWorkers(["flaky"]);
      const out = join(server.home, "slow-executions.txt");
      const runId = await trigger("workers_slow", { out });
      // Wait until all six are running, then cut the link for less than the time-out.
      for (;;) {
        if ((await executions(out)).length >= 6) break;
        await sleep(100);
      }
      proxy.cut();
      await sleep(CUT_MS);
      proxy.restore();

      expect(await waitForRun("workers_slow", runId, 120_000)).toBe("success");
      const rows = await taskRows(db, "workers_slow", runId);
      expect(rows.every((r) => r.state === "success" && r.try_number === 1), JSON.stringify(rows)).toBe(true);
      const runs = await executions(out);
      expect(runs.filter((e) => e.task.startsWith("work["))).toHaveLength(6);
      const total = await server.request("GET", `/api/v1/dags/workers_slow/dagRuns/${encodeURIComponent(runId)}/taskInstances/total/xcomEntries/return_value`);
      expect((total.json as { value: string }).value).toBe("150");
      // The log written while the link was down reached the server.
      const log = await server.request("GET", `/api/v1/dags/workers_slow/dagRuns/${encodeURIComponent(runId)}/taskInstances/work/logs/1?map_index=3`, { headers: { accept: "text/plain" } });
      expect(log.text).toContain("done with 3");
    } finally {
      await proxy.close();
    }
  }, 180_000);

  it("runs a task that submits 100 children with ctx.submit; the children appear in the run", async () => {
    await worker("submit-a", { concurrency: 2 });
    await waitForWorkers(["submit-a"]);
    const runId = await trigger("workers_submit");
    expect(await waitForRun("workers_submit", runId, 120_000)).toBe("success");
    const rows = await taskRows(db, "workers_submit", runId);
    expect(rows.filter((r) => r.task_id === "square" && r.state === "success")).toHaveLength(100);
    const sum = await server.request("GET", `/api/v1/dags/workers_submit/dagRuns/${encodeURIComponent(runId)}/taskInstances/parent/xcomEntries/return_value`);
    expect((sum.json as { value: string }).value).toBe(String(Array.from({ length: 100 }, (_, i) => i * i).reduce((x, y) => x + y, 0)));
  }, 180_000);
});
