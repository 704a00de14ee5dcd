// Recovery after a crash of tries the dead scheduler had left `queued`: the executor starts a try
// before its `running` state is committed, so such a try may have run, even to its end (issue 9's
// crash storm, e2e/recovery/crash-storm.test.ts, found three mapped instances run twice as try 1).
// It must run again under a new try number, never the same one. Real parts: a libSQL file
// database, a parsed DAG file, a scheduler and worker threads.
import { appendFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { dagRun, taskInstance, taskInstanceHistory } from "@updraft/store";
import { queueDagRun } from "./trigger.ts";
import { testEngines } from "../testing/engine.ts";

const engines = testEngines();
afterEach(async () => {
  await engines.cleanup();
});

describe("recovery of a try left queued by a dead scheduler", { timeout: 90_000 }, () => {
  it("runs it again under a new try number, as it may have started, and records the lost try", async () => {
    const e = await engines.open();
    const ledger = join(e.dir, "ledger.txt");
    await writeFile(ledger, "");
    await e.writeDag("dag.ts", `import { appendFileSync } from "node:fs";
import { dag, task } from "@updraft/sdk";
export default dag({ id: "orphans" }, () => {
  task("work", (ctx) => { appendFileSync(${JSON.stringify(ledger)}, "work " + ctx.tryNumber + "\\n"); return 1; })();
});
`);
    await e.parseOk();
    // What a scheduler killed at the wrong moment leaves behind: the run running, the try handed
    // to a thread that ran it to its end (the ledger line), its state still `queued` in the store.
    const { runId } = await queueDagRun(e.store, e.home, "orphans");
    const now = new Date();
    await e.store.write(async (tx) => {
      await tx.update(dagRun).set({ state: "running", startDate: now }).where(and(eq(dagRun.dagId, "orphans"), eq(dagRun.runId, runId)));
      await tx.update(taskInstance).set({ state: "queued", tryNumber: 1, queuedDttm: now })
        .where(and(eq(taskInstance.dagId, "orphans"), eq(taskInstance.runId, runId), eq(taskInstance.taskId, "work")));
    });
    appendFileSync(ledger, "work 1\n");

    await e.start(); // no live predecessor: the lease is free
    expect(await e.waitForRun("orphans", runId)).toBe("success");
    await e.scheduler.flushed();

    expect((await readFile(ledger, "utf8")).split("\n").filter(Boolean)).toEqual(["work 1", "work 2"]);
    const [ti] = await e.store.db.select().from(taskInstance).where(and(eq(taskInstance.dagId, "orphans"), eq(taskInstance.runId, runId)));
    expect([ti!.state, ti!.tryNumber]).toEqual(["success", 2]);
    const history = await e.store.db.select().from(taskInstanceHistory)
      .where(and(eq(taskInstanceHistory.dagId, "orphans"), eq(taskInstanceHistory.runId, runId))).orderBy(asc(taskInstanceHistory.tryNumber));
    expect(history.map((h) => [h.tryNumber, h.state, h.error?.name ?? null, h.error?.message ?? null])).toEqual([
      [1, "failed", "OrphanedTaskError", "try 1 was queued when its scheduler stopped"],
      [2, "success", null, null],
    ]);
  });
});

describe("recovery of a parent that submitted children", { timeout: 90_000 }, () => {
  it("removes the unfinished children of a parent that recovery fails for good, and runs none of them", async () => {
    const e = await engines.open();
    const ledger = join(e.dir, "ledger.txt");
    await writeFile(ledger, "");
    await e.writeDag("dag.ts", `import { appendFileSync } from "node:fs";
import { dag, task } from "@updraft/sdk";
const child = task("child", (_ctx, n: number) => { appendFileSync(${JSON.stringify(ledger)}, "child " + n + "\\n"); return n; });
export default dag({ id: "orphan_parent" }, () => {
  task("parent", (ctx) => ctx.submit(child, 1))();
});
`);
    await e.parseOk();
    // A parent whose scheduler died for the third time while it ran (two lost tries are free, the
    // third is charged, and it has no retries left), with the child it had submitted still waiting.
    const { runId } = await queueDagRun(e.store, e.home, "orphan_parent");
    const now = new Date();
    const where = (taskId: string) => and(eq(taskInstance.dagId, "orphan_parent"), eq(taskInstance.runId, runId), eq(taskInstance.taskId, taskId));
    await e.store.write(async (tx) => {
      await tx.update(dagRun).set({ state: "running", startDate: now }).where(and(eq(dagRun.dagId, "orphan_parent"), eq(dagRun.runId, runId)));
      await tx.update(taskInstance).set({ state: "running", tryNumber: 3, maxTries: 2, startDate: now }).where(where("parent"));
      for (const tryNumber of [1, 2]) {
        await tx.insert(taskInstanceHistory).values({
          dagId: "orphan_parent", runId, taskId: "parent", mapIndex: -1, tryNumber, state: "failed",
          error: { name: "OrphanedTaskError", message: `try ${tryNumber} was running when its scheduler stopped` },
        });
      }
      await tx.insert(taskInstance).values({
        dagId: "orphan_parent", runId, taskId: "child", mapIndex: 0, state: "scheduled", tryNumber: 0,
        parentTaskId: "parent", parentMapIndex: -1, submitSeq: 0, submitArgs: [1], updatedAt: now,
      });
    });

    await e.start();
    expect(await e.waitForRun("orphan_parent", runId)).toBe("failed");
    await e.scheduler.flushed();
    const rows = await e.store.db.select().from(taskInstance).where(and(eq(taskInstance.dagId, "orphan_parent"), eq(taskInstance.runId, runId))).orderBy(asc(taskInstance.taskId));
    expect(rows.map((r) => [r.taskId, r.state])).toEqual([["child", "removed"], ["parent", "failed"]]);
    expect(await readFile(ledger, "utf8")).toBe("");
  });
});
