// A run in progress follows its DAG's latest version (Airflow's DagRun.verify_integrity): tasks
// dropped from the DAG become removed (test_removed_task_instances_can_be_restored), a literal
// mapping that shrinks removes its extra instances and one that grows adds them
// (test_mapped_literal_length_reduction_adds_removed_state, …_increase_adds_additional_ti), and a
// task mapped over a shrunken mapping loses the instances past its successes
// (test_mapped_task_upstream_removed_with_all_success_trigger_rules). Real parts: a libSQL file,
// the DAG processor, worker threads; the DAG file is rewritten while a run waits on a gate file.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { dagRun, dagVersion, setPool, taskInstance, xcom, type Store } from "@updraft/store";
import { dagFile, isRunEvent, isTaskEvent, testEngines, type TestEngine } from "../testing/engine.ts";

const engines = testEngines();
afterEach(() => engines.cleanup());

/** Tasks that wait until the run's gate file exists. */
const GATE = `
import { existsSync } from "node:fs";
const gate = async (ctx: { conf: Record<string, unknown>; signal: AbortSignal }) => {
  while (!existsSync(String(ctx.conf.gate))) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    await new Promise((r) => setTimeout(r, 50));
  }
};`;

const shrinking = (list: number[], withDoomed: boolean) => dagFile(`${GATE}
const double = task("double", async (ctx, n: number) => { await gate(ctx); return n * 2; });
export default dag({ id: "shrinking" }, () => {
  const opened = task("gate", async (ctx) => { await gate(ctx); return "open"; })();
  ${withDoomed ? `task("doomed", () => "ran")().after(opened);` : ""}
  task("collect", (_ctx, xs: number[]) => xs)(double.expand(${JSON.stringify(list)}));
});`);

async function states(store: Store, runId: string): Promise<Array<[string, number, string | null]>> {
  const rows = await store.db.select().from(taskInstance).where(eq(taskInstance.runId, runId)).orderBy(asc(taskInstance.taskId), asc(taskInstance.mapIndex));
  return rows.map((r) => [r.taskId, r.mapIndex, r.state]);
}

async function returnValue(store: Store, runId: string, taskId: string) {
  const [row] = await store.db.select({ value: xcom.value }).from(xcom)
    .where(and(eq(xcom.runId, runId), eq(xcom.taskId, taskId), eq(xcom.key, "return_value")));
  return row?.value;
}

async function startHeldRun(e: TestEngine, dagId: string, source: string): Promise<{ runId: string; gate: string }> {
  await e.writeDag("dag.ts", source);
  await e.parseOk();
  await e.start();
  const gate = join(e.dir, "gate");
  const { runId } = await e.scheduler.triggerRun(dagId, { conf: { gate } });
  return { runId, gate };
}

/** Rewrites the DAG file, lets the processor record the new version and waits for `seen`. */
async function changeDag(e: TestEngine, source: string, seen: (x: Parameters<Parameters<TestEngine["waitForEvent"]>[0]>[0]) => boolean, what: string): Promise<void> {
  await e.writeDag("dag.ts", source);
  await e.parseOk();
  await e.waitForEvent(seen, what);
}

async function finish(e: TestEngine, dagId: string, runId: string, gate: string): Promise<string> {
  await writeFile(gate, "open");
  const ended = await e.waitForEvent((x) => isRunEvent(x) && x.runId === runId && (x.state === "success" || x.state === "failed"), "the run to end");
  await e.scheduler.flushed();
  return (ended as { state: string }).state;
}

describe("a run follows its DAG's latest version", { timeout: 60_000 }, () => {
  it("removes the instances of a task dropped from the DAG and those past a shrunken literal list", async () => {
    const e = await engines.open();
    const { runId, gate } = await startHeldRun(e, "shrinking", shrinking([1, 2, 3, 4], true));
    await e.waitForEvent((x) => isTaskEvent(x) && x.taskId === "double" && x.mapIndex === 3, "double[3] to be made");

    await changeDag(e, shrinking([1, 2], false), (x) => isTaskEvent(x) && x.taskId === "doomed" && x.state === "removed", "doomed to be removed");
    expect(await finish(e, "shrinking", runId, gate)).toBe("success");
    expect(await states(e.store, runId)).toEqual([
      ["collect", -1, "success"],
      ["doomed", -1, "removed"],
      ["double", 0, "success"], ["double", 1, "success"], ["double", 2, "removed"], ["double", 3, "removed"],
      ["gate", -1, "success"],
    ]);
    expect(await returnValue(e.store, runId, "collect")).toEqual([2, 4]);
    // The run now carries the new version.
    const [run] = await e.store.db.select({ v: dagRun.dagVersionId }).from(dagRun).where(eq(dagRun.runId, runId));
    const versions = await e.store.db.select({ id: dagVersion.id }).from(dagVersion).where(eq(dagVersion.dagId, "shrinking")).orderBy(asc(dagVersion.id));
    expect(run!.v).toBe(versions.at(-1)!.id);
  });

  it("restores a removed task that comes back, and adds the instances of a literal list that grows", async () => {
    const e = await engines.open();
    const { runId, gate } = await startHeldRun(e, "shrinking", shrinking([1, 2, 3], true));
    await e.waitForEvent((x) => isTaskEvent(x) && x.taskId === "double" && x.mapIndex === 2, "double[2] to be made");
    await changeDag(e, shrinking([1, 2], false), (x) => isTaskEvent(x) && x.taskId === "doomed" && x.state === "removed", "doomed to be removed");
    await changeDag(e, shrinking([1, 2, 3, 4], true), (x) => isTaskEvent(x) && x.taskId === "double" && x.mapIndex === 3, "double[3] to be made");
    expect(await finish(e, "shrinking", runId, gate)).toBe("success");
    expect(await states(e.store, runId)).toEqual([
      ["collect", -1, "success"],
      ["doomed", -1, "success"],
      ["double", 0, "success"], ["double", 1, "success"], ["double", 2, "success"], ["double", 3, "success"],
      ["gate", -1, "success"],
    ]);
    expect(await returnValue(e.store, runId, "collect")).toEqual([2, 4, 6, 8]);
  });

  it("removes the waiting instances of a task mapped over a mapping that shrank beneath it", async () => {
    const mapped = (list: number[]) => dagFile(`${GATE}
const double = task("double", (_ctx, n: number) => n * 2);
const triple = task({ id: "triple", pool: "narrow" }, async (ctx, n: number) => { await gate(ctx); return n * 3; });
export default dag({ id: "cascade" }, () => {
  task("collect", (_ctx, xs: number[]) => xs)(triple.expand(double.expand(${JSON.stringify(list)})));
});`);
    const e = await engines.open();
    await setPool(e.store, { pool: "narrow", slots: 1 });
    const { runId, gate } = await startHeldRun(e, "cascade", mapped([1, 2, 3, 4]));
    // triple[0] holds the pool's one slot; triple[1..3] wait their turn.
    await e.waitForEvent((x) => isTaskEvent(x) && x.taskId === "triple" && x.mapIndex === 0 && x.state === "running", "triple[0] to run");
    await e.waitForEvent((x) => isTaskEvent(x) && x.taskId === "triple" && x.mapIndex === 3 && x.state === "scheduled", "triple[3] to wait");
    await changeDag(e, mapped([1, 2]), (x) => isTaskEvent(x) && x.taskId === "triple" && x.mapIndex === 3 && x.state === "removed", "triple[3] to be removed");
    expect(await finish(e, "cascade", runId, gate)).toBe("success");
    expect(await states(e.store, runId)).toEqual([
      ["collect", -1, "success"],
      ["double", 0, "success"], ["double", 1, "success"], ["double", 2, "removed"], ["double", 3, "removed"],
      ["triple", 0, "success"], ["triple", 1, "success"], ["triple", 2, "removed"], ["triple", 3, "removed"],
    ]);
    expect(await returnValue(e.store, runId, "collect")).toEqual([6, 12]);
  });
});
