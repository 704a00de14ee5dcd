// The freeze scenario: scheduler A runs a DAG with many tries in flight and is paused (SIGSTOP)
// for longer than its lease, as a GC pause, a VM freeze or a debugger would pause it. Scheduler B
// starts on the same home, finds A's lease run out and takes it over (epoch 2). When A resumes
// (SIGCONT) it must notice before doing anything: it exits non-zero with one line saying why, its
// late results are refused by the fence, and no try runs in both processes under the same number.
//
// Both run on this host and A's pid stays alive throughout: a lease that has run out is taken
// over whatever its process (scheduler-job.ts), since a frozen holder is exactly what fencing
// makes safe to take over; only a live lease of a live process refuses a second scheduler.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { dagRun, openStore, schedulerLease } from "@updraft/store";
import { UPDRAFT, run, waitFor } from "./processes.ts";

const TASKS = 30;

/** Each try appends "start|end <task> <try> <pid>" to the ledger; the pid is the scheduler's (threads run in it). */
const DAG = (ledger: string) => `import { appendFileSync } from "node:fs";
import { dag, task } from "@updraft/sdk";
const note = (what: string, ctx: { taskId: string; tryNumber: number }) =>
  appendFileSync(${JSON.stringify(ledger)}, \`\${what} \${ctx.taskId} \${ctx.tryNumber} \${process.pid}\\n\`);
export default dag({ id: "freeze_test" }, () => {
  for (let i = 0; i < ${TASKS}; i++) {
    task(\`t\${i}\`, async (ctx) => {
      note("start", ctx);
      await new Promise((r) => setTimeout(r, 1_500));
      note("end", ctx);
      return i;
    })();
  }
});
`;

interface Started {
  child: ChildProcess;
  err: () => string;
  exit: Promise<number | null>;
}

describe("a scheduler frozen past its lease", () => {
  const children: ChildProcess[] = [];
  let dir = "";
  afterEach(async () => {
    for (const c of children) {
      c.kill("SIGCONT");
      c.kill("SIGKILL");
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("exits non-zero when it wakes after another took over, and no try runs in both", { timeout: 180_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "updraft-freeze-"));
    const ledger = join(dir, "ledger.txt");
    await mkdir(join(dir, "dags"));
    await writeFile(join(dir, "dags", "freeze_test.ts"), DAG(ledger));
    await writeFile(ledger, "");
    const env = {
      ...process.env, UPDRAFT_HOME: join(dir, "home"), UPDRAFT_DAGS_FOLDER: join(dir, "dags"), UPDRAFT_PARSE_INTERVAL_MS: "500",
      UPDRAFT_SCHEDULER_LEASE_MS: "4000", UPDRAFT_MAX_THREADS: "8", UPDRAFT_MIN_THREADS: "8",
    };
    const start = (): Started => {
      const child = spawn(UPDRAFT, ["scheduler"], { env, stdio: ["ignore", "pipe", "pipe"] });
      children.push(child);
      let err = "";
      child.stdout!.resume();
      child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      return { child, err: () => err, exit: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
    };
    const entries = async () => (await readFile(ledger, "utf8")).split("\n").filter(Boolean).map((l) => {
      const [what, task, tryNumber, pid] = l.split(" ");
      return { what: what!, task: task!, tryNumber: Number(tryNumber), pid: Number(pid) };
    });
    const store = await openStore({ url: `file:${join(dir, "home", "updraft.db")}` });
    try {
      const a = start();
      await waitFor("the dag to be parsed", async () => {
        try {
          await run(UPDRAFT, ["dags", "trigger", "freeze_test", "--run-id", "manual__freeze"], { env });
          return true;
        } catch {
          return undefined;
        }
      }, 60_000);
      const aPid = await waitFor("A's lease", async () => {
        const [lease] = await store.db.select().from(schedulerLease).catch(() => []);
        return lease?.pid ?? undefined;
      });
      await waitFor("A to have several tries running", async () => ((await entries()).filter((e) => e.what === "start").length >= 4 ? true : undefined), 60_000);

      a.child.kill("SIGSTOP");
      // Wait, by the database's record, until A's lease has run out.
      await waitFor("A's lease to run out", async () => {
        const [lease] = await store.db.select().from(schedulerLease);
        return lease && lease.expiresAt < Date.now() ? true : undefined;
      });
      const frozenAt = (await entries()).length;

      const b = start();
      const bPid = b.child.pid!;
      await waitFor("B to take the lease over", async () => {
        const [lease] = await store.db.select().from(schedulerLease);
        return lease?.epoch === 2 && lease.pid === bPid ? true : b.child.exitCode !== null ? false : undefined;
      }, 60_000);
      expect(b.child.exitCode, b.err()).toBeNull();
      await waitFor("B to run tries", async () => ((await entries()).some((e) => e.pid === bPid) ? true : undefined), 60_000);

      a.child.kill("SIGCONT");
      expect(await a.exit).toBe(3);
      const last = a.err().trim().split("\n").at(-1);
      expect(last).toMatch(/^updraft: the scheduler's lease \(epoch 1\) (was taken over by another scheduler; its commit was refused|was not renewed for [\d.]+s, longer than its 4s lease allows \(was this process paused\?\); another scheduler may have taken over); exiting$/);

      const state = await waitFor("the run to finish under B", async () => {
        const [r] = await store.db.select({ state: dagRun.state }).from(dagRun).where(eq(dagRun.runId, "manual__freeze"));
        return r && (r.state === "success" || r.state === "failed") ? r.state : undefined;
      }, 120_000);
      expect(state).toBe("success");
      expect(b.child.exitCode).toBeNull();

      const all = await entries();
      const starts = all.filter((e) => e.what === "start");
      // No try (task and try number) started twice, in one process or in both.
      const seen = new Map<string, number[]>();
      for (const s of starts) seen.set(`${s.task} ${s.tryNumber}`, [...(seen.get(`${s.task} ${s.tryNumber}`) ?? []), s.pid]);
      expect([...seen].filter(([, pids]) => pids.length > 1)).toEqual([]);
      // A try A had begun before the freeze may reach its first line only after it (its thread
      // was still loading the DAG's bundle): B ran each such task again under a new try number,
      // never under A's. B ran every task to its end.
      const lateInA = all.slice(frozenAt).filter((e) => e.what === "start" && e.pid === aPid);
      for (const late of lateInA) {
        expect(starts.filter((s) => s.task === late.task && s.pid === bPid).map((s) => s.tryNumber)).toEqual([late.tryNumber + 1]);
      }
      const endedInB = new Set(all.filter((e) => e.what === "end" && e.pid === bPid).map((e) => e.task));
      const endedInA = new Set(all.slice(0, frozenAt).filter((e) => e.what === "end" && e.pid === aPid).map((e) => e.task));
      expect(new Set([...endedInA, ...endedInB]).size).toBe(TASKS);
      b.child.kill("SIGTERM");
      expect(await b.exit).toBe(0);
    } finally {
      await store.close();
    }
  });
});
