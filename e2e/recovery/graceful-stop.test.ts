// SIGTERM lets running tries finish and records them; tries handed out but not started go back
// to scheduled without costing a try; a restart then runs each task exactly once.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { UPDRAFT, run, waitFor } from "./processes.ts";
import { dagRun, openStore, taskInstance, taskInstanceHistory } from "@updraft/store";

const TASKS = 12;

const DAG = (ledger: string) => `import { appendFileSync } from "node:fs";
import { dag, task } from "@updraft/sdk";
export default dag({ id: "graceful", maxActiveTasks: 64 }, () => {
  const work = task("work", async (ctx, n: number) => {
    appendFileSync(${JSON.stringify(ledger)}, "start " + n + "\\n");
    await new Promise((r) => setTimeout(r, 1500));
    appendFileSync(${JSON.stringify(ledger)}, "end " + n + "\\n");
    return n;
  });
  work.expand(Array.from({ length: ${TASKS} }, (_, i) => i));
});
`;


describe("graceful scheduler stop", () => {
  const children: ChildProcess[] = [];
  let dir = "";
  afterEach(async () => {
    for (const c of children) c.kill("SIGKILL");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("finishes and records running tries on SIGTERM, and runs every task once across a restart", { timeout: 90_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "updraft-graceful-"));
    const ledger = join(dir, "ledger.txt");
    await mkdir(join(dir, "dags"));
    await writeFile(join(dir, "dags", "graceful.ts"), DAG(ledger));
    await writeFile(ledger, "");
    const env = { ...process.env, UPDRAFT_HOME: join(dir, "home"), UPDRAFT_DAGS_FOLDER: join(dir, "dags") };
    const start = () => {
      const child = spawn(UPDRAFT, ["scheduler"], { env, stdio: ["ignore", "pipe", "pipe"] });
      children.push(child);
      return child;
    };
    const lines = async () => (await readFile(ledger, "utf8")).split("\n").filter(Boolean);

    const first = start();
    await waitFor("the trigger", async () => run(UPDRAFT, ["dags", "trigger", "graceful", "--run-id", "manual__g"], { env }).then(() => true, () => undefined));
    await waitFor("some tasks to start", async () => ((await lines()).some((l) => l.startsWith("start")) ? true : undefined));
    first.kill("SIGTERM");
    const code = await new Promise((r) => first.once("exit", r));
    expect(code).toBe(0);

    const startedBeforeStop = (await lines()).filter((l) => l.startsWith("start")).length;
    const endedBeforeStop = (await lines()).filter((l) => l.startsWith("end")).length;
    expect(endedBeforeStop).toBe(startedBeforeStop); // nothing was cut short
    expect(startedBeforeStop).toBeLessThan(TASKS);

    const store = await openStore({ url: `file:${join(dir, "home", "updraft.db")}` });
    try {
      const tis = await store.db.select().from(taskInstance).where(eq(taskInstance.runId, "manual__g"));
      expect(tis.filter((t) => t.state === "success")).toHaveLength(endedBeforeStop);
      for (const t of tis.filter((x) => x.state !== "success")) expect([t.state, t.tryNumber]).toEqual(["scheduled", 0]);

      start();
      await waitFor("the run to finish", async () => {
        const [r] = await store.db.select({ state: dagRun.state }).from(dagRun).where(eq(dagRun.runId, "manual__g"));
        return r?.state === "success" || r?.state === "failed" ? r.state : undefined;
      }, 60_000);
      const starts = (await lines()).filter((l) => l.startsWith("start")).map((l) => Number(l.split(" ")[1])).sort((a, b) => a - b);
      expect(starts).toEqual(Array.from({ length: TASKS }, (_, i) => i));
      const final = await store.db.select().from(taskInstance).where(eq(taskInstance.runId, "manual__g"));
      expect(final.every((t) => t.state === "success" && t.tryNumber === 1)).toBe(true);
      const history = await store.db.select().from(taskInstanceHistory).where(eq(taskInstanceHistory.runId, "manual__g"));
      expect(history).toHaveLength(TASKS);
    } finally {
      await store.close();
    }
  });
});
