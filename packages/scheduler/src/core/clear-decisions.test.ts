// Clearing a task downstream of a branch or a short circuit holds it to the decision recorded by
// that task (Airflow's NotPreviouslySkippedDep, test_clear_skipped_downstream_task); clearing the
// deciding task too makes it decide again. Real parts: a libSQL file, DAG files parsed by the
// processor, tries in worker threads.
import { afterEach, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { taskInstance, xcom, type Store } from "@updraft/store";
import { dagFile, isRunEvent, testEngines, type TestEngine } from "../testing/engine.ts";

const engines = testEngines();
afterEach(() => engines.cleanup());

async function ranOnce(source: string, dagId: string): Promise<{ e: TestEngine; runId: string }> {
  const e = await engines.open();
  await e.writeDag("dag.ts", source);
  await e.parseOk();
  await e.start();
  const { runId } = await e.scheduler.triggerRun(dagId);
  expect(await e.waitForRun(dagId, runId)).toBe("success");
  await e.scheduler.flushed();
  return { e, runId };
}

/** Clears the tasks named, waits for the run to end again, and returns its task instances. */
async function clearAndRerun(e: TestEngine, dagId: string, runId: string, taskIds: string[]) {
  const from = e.events.length;
  await e.scheduler.commands.clear(dagId, runId, (t) => taskIds.includes(t.taskId), false);
  const ended = await e.waitForEvent(
    (x) => e.events.indexOf(x) >= from && isRunEvent(x) && x.runId === runId && (x.state === "success" || x.state === "failed"),
    `run ${runId} to end again`,
  );
  expect(ended).toMatchObject({ state: "success" });
  await e.scheduler.flushed();
  return states(e.store, dagId, runId);
}

async function states(store: Store, dagId: string, runId: string): Promise<Array<[string, string | null, number]>> {
  const rows = await store.db.select().from(taskInstance)
    .where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId))).orderBy(asc(taskInstance.taskId));
  return rows.map((r) => [r.taskId, r.state, r.tryNumber]);
}

const BRANCH = dagFile(`
const leg = (id: string) => task(id, () => id);
export default dag({ id: "branchy" }, () => {
  // Try 1 follows "left"; a later try (after a clear) follows "right".
  const pick = branch("pick", (ctx) => (ctx.tryNumber === 1 ? "left" : "right"))();
  leg("left")().after(pick);
  leg("right")().after(pick);
});`, "dag, task, branch");

describe("clearing downstream of a branch or a short circuit", { timeout: 60_000 }, () => {
  it("records the branch's decision as its skipmixin_key XCom", async () => {
    const { e, runId } = await ranOnce(BRANCH, "branchy");
    const [row] = await e.store.db.select({ value: xcom.value }).from(xcom)
      .where(and(eq(xcom.dagId, "branchy"), eq(xcom.runId, runId), eq(xcom.taskId, "pick"), eq(xcom.key, "skipmixin_key")));
    expect(row?.value).toEqual({ followed: ["left"] });
  });

  it("skips a cleared leg the branch did not follow again, instead of running it", async () => {
    const { e, runId } = await ranOnce(BRANCH, "branchy");
    expect(await states(e.store, "branchy", runId)).toEqual([["left", "success", 1], ["pick", "success", 1], ["right", "skipped", 0]]);
    expect(await clearAndRerun(e, "branchy", runId, ["right"])).toEqual([["left", "success", 1], ["pick", "success", 1], ["right", "skipped", 0]]);
  });

  it("lets the branch decide again when it is cleared with its legs", async () => {
    const { e, runId } = await ranOnce(BRANCH, "branchy");
    expect(await clearAndRerun(e, "branchy", runId, ["pick", "left", "right"])).toEqual([["left", "skipped", 1], ["pick", "success", 2], ["right", "success", 1]]);
  });

  it("skips a cleared task a falsy short circuit skipped", async () => {
    const { e, runId } = await ranOnce(dagFile(`
export default dag({ id: "gated" }, () => {
  const gate = shortCircuit("gate", () => [])();
  task("after", () => "ran")().after(gate);
});`, "dag, task, shortCircuit"), "gated");
    expect(await states(e.store, "gated", runId)).toEqual([["after", "skipped", 0], ["gate", "success", 1]]);
    expect(await clearAndRerun(e, "gated", runId, ["after"])).toEqual([["after", "skipped", 0], ["gate", "success", 1]]);
  });
});
