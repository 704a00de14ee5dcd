// The freeze scenario with a real remote worker: `updraft standalone` A (its threads serve no
// queue) hands a try to an `updraft worker` process over a WebSocket on 127.0.0.1 and is paused
// (SIGSTOP) past its lease. Meanwhile the try ends on the worker, whose result frame waits in A's
// socket; scheduler B takes the lease over (epoch 2) and runs the task again. When A resumes
// (SIGCONT), the first thing it reads is that result, dispatched under epoch 1: it refuses it at
// receipt, tells the worker (which drops it, instead of taking an ack for a result nobody
// records), and exits 3. Only B's try is recorded.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { dagRun, openStore, schedulerLease, taskInstanceHistory, type Store } from "@updraft/store";
import { freePort } from "../api/server.ts";
import { startWorker, type WorkerProcess } from "../workers/processes.ts";
import { UPDRAFT, run, waitFor } from "./processes.ts";

/** The task notes "start <try> <pid>" in the ledger, waits for the marker file, notes "end …" and returns "done". */
const DAG = (ledger: string, marker: string) => `import { appendFileSync, existsSync } from "node:fs";
import { dag, task } from "@updraft/sdk";
export default dag({ id: "remote_freeze" }, () => {
  task("far", async (ctx) => {
    appendFileSync(${JSON.stringify(ledger)}, \`start \${ctx.tryNumber} \${process.pid}\\n\`);
    while (!existsSync(${JSON.stringify(marker)})) await new Promise((r) => setTimeout(r, 50));
    ctx.log.info("the marker is there");
    appendFileSync(${JSON.stringify(ledger)}, \`end \${ctx.tryNumber} \${process.pid}\\n\`);
    return "done";
  })();
});
`;

interface Started {
  child: ChildProcess;
  out: () => string;
  exit: Promise<number | null>;
}

describe("a standalone server frozen past its lease while a remote worker ends its try", () => {
  const children: ChildProcess[] = [];
  const stopped: number[] = [];
  let worker: WorkerProcess | null = null;
  let store: Store | null = null;
  let dir = "";
  afterEach(async () => {
    for (const pid of stopped) {
      try {
        process.kill(pid, "SIGCONT");
      } catch {
        // gone
      }
    }
    for (const c of children) c.kill("SIGKILL");
    await worker?.dispose();
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("refuses the worker's result under the old epoch when it wakes, the worker drops it, and only the new scheduler's try is recorded", { timeout: 300_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "updraft-remote-freeze-"));
    const ledger = join(dir, "ledger.txt");
    const marker = join(dir, "go");
    await mkdir(join(dir, "dags"));
    await writeFile(join(dir, "dags", "remote_freeze.ts"), DAG(ledger, marker));
    await writeFile(ledger, "");
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env, UPDRAFT_HOME: join(dir, "home"), UPDRAFT_DAGS_FOLDER: join(dir, "dags"), UPDRAFT_PARSE_INTERVAL_MS: "500",
      UPDRAFT_PORT: String(port), UPDRAFT_HOST: "127.0.0.1", UPDRAFT_LOCAL_QUEUES: "",
      // The lease runs out during the freeze; the worker, told a long time-out, keeps the socket.
      UPDRAFT_SCHEDULER_LEASE_MS: "3000", UPDRAFT_WORKER_TIMEOUT: "240s",
      // The server's log lines are matched as text below (piped, they would be JSON by default).
      UPDRAFT_LOG_FORMAT: "pretty",
    };
    for (const k of ["UPDRAFT_SERVER", "UPDRAFT_TOKEN", "UPDRAFT_DB_URL"]) delete env[k];
    const start = (command: string): Started => {
      const child = spawn(UPDRAFT, [command], { env, stdio: ["ignore", "pipe", "pipe"] });
      children.push(child);
      let out = "";
      child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
      return { child, out: () => out, exit: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
    };
    const entries = async () => (await readFile(ledger, "utf8")).split("\n").filter(Boolean).map((l) => {
      const [what, tryNumber, pid] = l.split(" ");
      return { what: what!, tryNumber: Number(tryNumber), pid: Number(pid) };
    });

    const a = start("standalone");
    await waitFor("A to answer", async () => {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/health`).catch(() => null);
      return r?.ok ? true : a.child.exitCode !== null ? false : undefined;
    }, 120_000);
    expect(a.child.exitCode, a.out()).toBeNull();
    store = await openStore({ url: `file:${join(dir, "home", "updraft.db")}` });
    const db = store;
    const aPid = await waitFor("A's lease", async () => (await db.db.select().from(schedulerLease))[0]?.pid ?? undefined);

    const made = await run(UPDRAFT, ["tokens", "create", "--scope", "worker", "--name", "freeze-worker"], { env });
    const token = /updr_[A-Za-z0-9_-]{43}/.exec(made.stdout)?.[0];
    expect(token, made.stdout + made.stderr).toBeDefined();
    worker = await startWorker({ server: `http://127.0.0.1:${port}`, token: token!, name: "freezer", concurrency: 1 });
    await waitFor("the DAG to be parsed and triggered", async () => {
      try {
        await run(UPDRAFT, ["dags", "trigger", "remote_freeze", "--run-id", "manual__remote_freeze"], { env });
        return true;
      } catch {
        return undefined;
      }
    }, 120_000);
    await waitFor("the worker to start try 1", async () => ((await entries()).some((e) => e.what === "start" && e.tryNumber === 1) ? true : undefined), 120_000);
    const workerPid = (await entries())[0]!.pid;

    process.kill(aPid, "SIGSTOP");
    stopped.push(aPid);
    await waitFor("A's lease to run out", async () => {
      const [lease] = await db.db.select().from(schedulerLease);
      return lease && lease.expiresAt < Date.now() ? true : undefined;
    });
    // The try ends on the worker; its log lines and result wait in the frozen A's socket.
    await writeFile(marker, "");
    await waitFor("the worker to finish try 1", async () => (/finished \S+\/far\/-1\/1#\S+: success/.test(worker!.output()) ? true : undefined), 60_000);

    // B takes the lease over and runs the task again, under a new try number, in its own threads.
    const b = start("scheduler");
    await waitFor("B to take the lease over", async () => {
      const [lease] = await db.db.select().from(schedulerLease);
      return lease?.epoch === 2 ? true : b.child.exitCode !== null ? false : undefined;
    }, 120_000);
    const state = await waitFor("the run to finish under B", async () => {
      const [r] = await db.db.select({ state: dagRun.state }).from(dagRun).where(eq(dagRun.runId, "manual__remote_freeze"));
      return r && (r.state === "success" || r.state === "failed") ? r.state : undefined;
    }, 120_000);
    expect(state, b.out()).toBe("success");

    process.kill(aPid, "SIGCONT");
    expect(await a.exit, a.out()).toBe(3);
    expect(a.out()).toMatch(/workers: worker "freezer": result of try "\S+\/far\/-1\/1#e1\.\d+" \(epoch 1\) refused: this server's scheduler holds no lease it may act on now/);
    await waitFor("the worker to hear of the refusal", async () => (/the server refused \S+\/far\/-1\/1#e1\.\d+ \(scheduler epoch 1\)/.test(worker!.output()) ? true : undefined), 30_000);
    expect(worker.output()).not.toMatch(/resuming 1 tries/);

    // Recorded: try 1 as lost with its scheduler, try 2 (B's, in B's process) as the success.
    const tries = await db.db.select().from(taskInstanceHistory).where(and(eq(taskInstanceHistory.runId, "manual__remote_freeze"), eq(taskInstanceHistory.taskId, "far")));
    expect(tries.map((t) => [t.tryNumber, t.state, t.error?.name ?? null]).sort()).toEqual([[1, "failed", "OrphanedTaskError"], [2, "success", null]]);
    const all = await entries();
    expect(all.filter((e) => e.what === "end").map((e) => [e.tryNumber, e.pid === workerPid ? "worker" : "B"])).toEqual([[1, "worker"], [2, "B"]]);
    b.child.kill("SIGTERM");
    expect(await b.exit).toBe(0);
  });
});
