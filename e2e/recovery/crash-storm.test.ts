// Issue 9's crash storm: a real `updraft scheduler` on a file database runs one DAG run of 1,500
// task instances (a mapped task of 1,400, chains, a reducer) and is SIGKILLed at 10 random moments,
// restarted after each, until the run ends. Every task appends "<task> <map_index> <try>" to a
// ledger just before it returns. Then, from the ledger and the database: every instance succeeded,
// nothing was lost, and no success that was committed ran again. A try that was running, not
// committed, when a kill hit may run again under a new try number (Airflow's behaviour); the same
// try number never runs twice. CRASH_SEED replays a run (the seed is printed).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { UPDRAFT, run, waitFor } from "./processes.ts";
import { dagRun, openStore, taskInstance, taskInstanceHistory } from "@updraft/store";

const MAPPED = 1_400;
const CHAINS = 2;
const CHAIN_LENGTH = 49;
const TOTAL = 1 + MAPPED + 1 + CHAINS * CHAIN_LENGTH; // 1,500
const KILLS = 10;

const DAG = (ledger: string) => `import { appendFileSync } from "node:fs";
import { dag, task, chain } from "@updraft/sdk";
const note = (ctx: { taskId: string; mapIndex: number; tryNumber: number }) =>
  appendFileSync(${JSON.stringify(ledger)}, ctx.taskId + " " + ctx.mapIndex + " " + ctx.tryNumber + "\\n");
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
export default dag({ id: "crash_storm", maxActiveTasks: 16 }, () => {
  const make = task("make", async (ctx) => { await pause(20); note(ctx); return Array.from({ length: ${MAPPED} }, (_, i) => i); });
  const work = task("work", async (ctx, n: number) => { await pause(5 + (n % 7) * 5); note(ctx); return n; });
  const reduce = task("reduce", (ctx, all: number[]) => { note(ctx); return all.length; });
  reduce(work.expand(make()));
  for (let c = 0; c < ${CHAINS}; c++) {
    const links = Array.from({ length: ${CHAIN_LENGTH} }, (_, i) =>
      task("chain_" + c + "_" + i, async (ctx) => { await pause(30); note(ctx); return i; })());
    chain(...links);
  }
});
`;

/** mulberry32: a small seeded generator, so a failing storm can be replayed with CRASH_SEED. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("scheduler crash storm", () => {
  const children: ChildProcess[] = [];
  let dir = "";
  afterEach(async () => {
    for (const c of children) c.kill("SIGKILL");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`runs ${TOTAL} tasks through ${KILLS} SIGKILLs: nothing lost, no committed success run again`, { timeout: 600_000 }, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`crash storm: CRASH_SEED=${seed}`);
    const rand = random(seed);
    dir = await mkdtemp(join(tmpdir(), "updraft-storm-"));
    const ledger = join(dir, "ledger.txt");
    await mkdir(join(dir, "dags"));
    await writeFile(join(dir, "dags", "crash_storm.ts"), DAG(ledger));
    await writeFile(ledger, "");
    const env = { ...process.env, UPDRAFT_HOME: join(dir, "home"), UPDRAFT_DAGS_FOLDER: join(dir, "dags"), UPDRAFT_PARSE_INTERVAL_MS: "1000" };
    // Node itself runs the command (no launcher in between), so SIGKILL hits the scheduler.
    const startScheduler = () => {
      const child = spawn(process.execPath, [UPDRAFT, "scheduler"], { env, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr!.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4_000)));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      children.push(child);
      return { child, exited, err: () => err };
    };
    const lines = async () => (await readFile(ledger, "utf8")).split("\n").filter(Boolean);
    const store = await openStore({ url: `file:${join(dir, "home", "updraft.db")}` });
    try {
      const runState = async () => {
        const [r] = await store.db.select({ state: dagRun.state }).from(dagRun).where(eq(dagRun.runId, "manual__storm"));
        return r?.state;
      };

      let current = startScheduler();
      await waitFor("the dag to be parsed", async () => {
        try {
          await run(UPDRAFT, ["dags", "trigger", "crash_storm", "--run-id", "manual__storm"], { env });
          return true;
        } catch {
          return undefined;
        }
      }, 120_000);

      // Kill moments: 10 random points of the run's progress (ledger lines), each plus a random
      // delay of up to 300 ms, so kills land in commits, mapping, dispatch and run creation.
      const marks = Array.from({ length: KILLS }, () => Math.floor(rand() * TOTAL * 0.95)).sort((a, b) => a - b);
      const delays = marks.map(() => Math.floor(rand() * 300));
      const kills: string[] = [];
      const began = performance.now();
      for (let k = 0; k < KILLS; k++) {
        const reached = await waitFor(`ledger line ${marks[k]} (kill ${k + 1})`, async () => {
          const n = (await lines()).length;
          if (n >= marks[k]!) return n;
          const code = await Promise.race([current.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 0))]);
          if (code !== undefined) throw new Error(`the scheduler exited (code ${code}) before kill ${k + 1}: ${current.err()}`);
          return undefined;
        }, 120_000);
        await new Promise((r) => setTimeout(r, delays[k]));
        const state = await runState();
        if (state === "success" || state === "failed") break;
        current.child.kill("SIGKILL");
        await current.exited;
        kills.push(`kill ${k + 1} at ${reached} ledger lines (+${delays[k]} ms), ${((performance.now() - began) / 1000).toFixed(1)} s into the run`);
        console.log(`crash storm: ${kills.at(-1)}`);
        current = startScheduler();
      }

      const state = await waitFor("the run to finish", async () => {
        const s = await runState();
        if (s === "success" || s === "failed") return s;
        const code = await Promise.race([current.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 0))]);
        if (code !== undefined) throw new Error(`the scheduler exited (code ${code}) before the run ended: ${current.err()}`);
        return undefined;
      }, 180_000);
      expect(kills.length).toBe(KILLS);
      expect(state).toBe("success");

      const tis = await store.db.select().from(taskInstance).where(eq(taskInstance.runId, "manual__storm"));
      expect(tis.length).toBe(TOTAL);
      const notSuccess = tis.filter((t) => t.state !== "success").map((t) => `${t.taskId}[${t.mapIndex}] ${t.state}`);
      expect(notSuccess).toEqual([]);

      // The ledger: every try that reached its end, in order.
      const ran = new Map<string, number[]>();
      for (const l of await lines()) {
        const [taskId, mapIndex, tryNumber] = l.split(" ");
        const key = `${taskId} ${mapIndex}`;
        ran.set(key, [...(ran.get(key) ?? []), Number(tryNumber)]);
      }
      const history = await store.db.select().from(taskInstanceHistory)
        .where(and(eq(taskInstanceHistory.runId, "manual__storm"), eq(taskInstanceHistory.dagId, "crash_storm")));
      const problems: string[] = [];
      for (const t of tis) {
        const key = `${t.taskId} ${t.mapIndex}`;
        const tries = ran.get(key) ?? [];
        // Nothing lost: the committed success is a try that really ran to its end.
        if (!tries.includes(t.tryNumber)) problems.push(`${key}: success committed for try ${t.tryNumber}, which never ran to its end (ledger: ${tries.join(",") || "none"})`);
        // No try number ran twice, and nothing ran after the committed success.
        if (new Set(tries).size !== tries.length) problems.push(`${key}: a try number ran twice (ledger: ${tries.join(",")})`);
        if (tries.some((n) => n > t.tryNumber)) problems.push(`${key}: ran after its success (try ${t.tryNumber}; ledger: ${tries.join(",")})`);
        // Earlier tries were never committed as successes: a committed success is final.
        for (const h of history.filter((h) => h.taskId === t.taskId && h.mapIndex === t.mapIndex && h.tryNumber !== t.tryNumber)) {
          if (h.state === "success") problems.push(`${key}: try ${h.tryNumber} was committed as a success, then ran again as try ${t.tryNumber}`);
        }
      }
      const reruns = [...ran.values()].filter((t) => t.length > 1).length;
      console.log(`crash storm: the run took ${((performance.now() - began) / 1000).toFixed(1)} s with ${kills.length} kills; ${(await lines()).length} ledger lines for ${TOTAL} instances; ` +
        `${reruns} ran again under a new try (interrupted before their commit)`);
      expect(problems).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
