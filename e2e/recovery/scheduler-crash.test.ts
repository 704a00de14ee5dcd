// A scheduler killed with SIGKILL mid-run leaves the database consistent; a restarted scheduler
// completes the run without running any task that had already succeeded.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { UPDRAFT, run, waitFor } from "./processes.ts";
import { dagRun, openStore, taskInstance, taskInstanceHistory } from "@updraft/store";


const DAG = (ledger: string) => `import { appendFileSync } from "node:fs";
import { dag, task } from "@updraft/sdk";
const note = (line: string) => appendFileSync(${JSON.stringify(ledger)}, line + "\\n");
export default dag({ id: "crash_test" }, () => {
  const a = task("a", (ctx) => { note("a " + ctx.tryNumber); return 1; });
  const b = task("b", async (ctx, x: number) => {
    note("b-start " + ctx.tryNumber);
    await new Promise((r) => setTimeout(r, ctx.tryNumber === 1 ? 60_000 : 50));
    note("b-end " + ctx.tryNumber);
    return x + 1;
  });
  const c = task("c", (ctx, y: number) => { note("c " + ctx.tryNumber); return y + 1; });
  c(b(a()));
});
`;


describe("scheduler crash recovery", () => {
  const children: ChildProcess[] = [];
  let dir = "";
  afterEach(async () => {
    for (const c of children) c.kill("SIGKILL");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("completes a run after SIGKILL without running any successful task again", { timeout: 90_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "updraft-crash-"));
    const ledger = join(dir, "ledger.txt");
    await mkdir(join(dir, "dags"));
    await writeFile(join(dir, "dags", "crash_test.ts"), DAG(ledger));
    await writeFile(ledger, "");
    const env = { ...process.env, UPDRAFT_HOME: join(dir, "home"), UPDRAFT_DAGS_FOLDER: join(dir, "dags"), UPDRAFT_PARSE_INTERVAL_MS: "500" };
    const startScheduler = () => {
      const child = spawn(UPDRAFT, ["scheduler"], { env, stdio: ["ignore", "pipe", "pipe"] });
      children.push(child);
      return child;
    };
    const lines = async () => (await readFile(ledger, "utf8")).split("\n").filter(Boolean);

    const first = startScheduler();
    await waitFor("the dag to be parsed", async () => {
      try {
        await run(UPDRAFT, ["dags", "trigger", "crash_test", "--run-id", "manual__crash"], { env });
        return true;
      } catch {
        return undefined;
      }
    });
    await waitFor("task b to start", async () => ((await lines()).includes("b-start 1") ? true : undefined));
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));

    const store = await openStore({ url: `file:${join(dir, "home", "updraft.db")}` });
    try {
      const tis = async () => store.db.select().from(taskInstance).where(eq(taskInstance.runId, "manual__crash")).orderBy(asc(taskInstance.taskId));
      const afterCrash = await tis();
      expect(afterCrash.map((t) => [t.taskId, t.state])).toEqual([["a", "success"], ["b", "running"], ["c", null]]);

      startScheduler();
      const state = await waitFor("the run to finish", async () => {
        const [r] = await store.db.select({ state: dagRun.state }).from(dagRun).where(eq(dagRun.runId, "manual__crash"));
        return r && (r.state === "success" || r.state === "failed") ? r.state : undefined;
      }, 60_000);
      expect(state).toBe("success");

      expect(await lines()).toEqual(["a 1", "b-start 1", "b-start 2", "b-end 2", "c 1"]);
      const final = await tis();
      expect(final.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([["a", "success", 1], ["b", "success", 2], ["c", "success", 1]]);
      const history = await store.db.select().from(taskInstanceHistory)
        .where(and(eq(taskInstanceHistory.runId, "manual__crash"), eq(taskInstanceHistory.taskId, "b"))).orderBy(asc(taskInstanceHistory.tryNumber));
      expect(history.map((h) => [h.tryNumber, h.state, h.error?.name ?? null])).toEqual([[1, "failed", "OrphanedTaskError"], [2, "success", null]]);
    } finally {
      await store.close();
    }
  });
});
