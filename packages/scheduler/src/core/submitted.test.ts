// Integration tests of ctx.submit with real parts: a libSQL file database, DAG files parsed by
// the DAG processor, parents and children run in worker threads by the threads executor, and a
// scheduler in a process of its own that is killed mid-run.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { dag, dagRun, setPool, taskInstance, taskInstanceHistory, xcom, type Store } from "@updraft/store";
import { queueDagRun } from "./trigger.ts";
import { dagFile, isTaskEvent, testEngines, type TestEngine, type TestEngineOptions } from "../testing/engine.ts";
import { spawnSchedulerProcess, type SchedulerProcess } from "../testing/scheduler-process.ts";

const engines = testEngines();
const processes: SchedulerProcess[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) await p.kill();
  await engines.cleanup();
});

async function engineWithDag(source: string, opts: TestEngineOptions = {}): Promise<TestEngine> {
  const e = await engines.open(opts);
  await e.writeDag("dag.ts", source);
  await e.parseOk();
  return e;
}

async function runToEnd(e: TestEngine, dagId: string): Promise<{ runId: string; state: string }> {
  await e.start();
  const { runId } = await e.scheduler.triggerRun(dagId);
  const state = await e.waitForRun(dagId, runId);
  await e.scheduler.flushed();
  return { runId, state };
}

const tiRows = (store: Store, dagId: string) =>
  store.db.select().from(taskInstance).where(eq(taskInstance.dagId, dagId)).orderBy(asc(taskInstance.taskId), asc(taskInstance.mapIndex));
const returnValue = async (store: Store, dagId: string, taskId: string, mapIndex = -1) => {
  const [row] = await store.db.select({ value: xcom.value }).from(xcom)
    .where(and(eq(xcom.dagId, dagId), eq(xcom.taskId, taskId), eq(xcom.mapIndex, mapIndex), eq(xcom.key, "return_value")));
  return row?.value;
};

describe("ctx.submit", { timeout: 60_000 }, () => {
  it("runs 100 children a task submits, records them with their parent, and returns their results", async () => {
    const e = await engineWithDag(dagFile(`
const square = task("square", (_ctx, n: number) => n * n);
export default dag({ id: "fanout" }, () => {
  task("fan", async (ctx) => {
    const values = await Promise.all(Array.from({ length: 100 }, (_, i) => ctx.submit(square, i)));
    return values.reduce((sum, v) => sum + v, 0);
  })();
});`));
    const { state } = await runToEnd(e, "fanout");
    expect(state).toBe("success");
    expect(await returnValue(e.store, "fanout", "fan")).toBe(Array.from({ length: 100 }, (_, i) => i * i).reduce((a, b) => a + b, 0));

    const tis = await tiRows(e.store, "fanout");
    const children = tis.filter((t) => t.taskId === "square");
    expect(children).toHaveLength(100);
    expect(children.map((t) => [t.mapIndex, t.state, t.parentTaskId, t.parentMapIndex, t.submitSeq, t.submitArgs, t.renderedMapIndex])).toEqual(
      Array.from({ length: 100 }, (_, i) => [i, "success", "fan", -1, i, [i], `from fan #${i}`]),
    );
    expect(tis.find((t) => t.taskId === "fan")).toMatchObject({ state: "success", parentTaskId: null, submitSeq: null });
    expect(await returnValue(e.store, "fanout", "square", 7)).toBe(49);
    // Children announce their changes like any task.
    const childEvents = e.events.filter((x) => isTaskEvent(x) && x.taskId === "square" && x.state === "success");
    expect(childEvents).toHaveLength(100);
  });

  it("retries a child by its own options, and the parent gets the value of the try that succeeded", async () => {
    const e = await engineWithDag(dagFile(`
const flaky = task({ id: "flaky", retries: 2, retryDelay: "50ms" }, (ctx, n: number) => {
  if (ctx.tryNumber === 1) throw new RangeError("first try fails");
  return n + ctx.tryNumber;
});
export default dag({ id: "child_retry" }, () => {
  task("parent", (ctx) => ctx.submit(flaky, 40))();
});`));
    const { runId, state } = await runToEnd(e, "child_retry");
    expect(state).toBe("success");
    expect(await returnValue(e.store, "child_retry", "parent")).toBe(42);
    const [child] = (await tiRows(e.store, "child_retry")).filter((t) => t.taskId === "flaky");
    expect(child).toMatchObject({ mapIndex: 0, state: "success", tryNumber: 2, maxTries: 2 });
    const history = await e.store.db.select().from(taskInstanceHistory)
      .where(and(eq(taskInstanceHistory.runId, runId), eq(taskInstanceHistory.taskId, "flaky"))).orderBy(asc(taskInstanceHistory.tryNumber));
    expect(history.map((h) => [h.tryNumber, h.state, h.error?.name ?? null])).toEqual([[1, "failed", "RangeError"], [2, "success", null]]);
  });

  it("rejects the parent's await when a child fails for good; a parent that catches it succeeds, and so does the run", async () => {
    const e = await engineWithDag(dagFile(`
const doomed = task("doomed", () => { throw new FailTask("bad input"); });
export default dag({ id: "child_fails" }, () => {
  task("parent", async (ctx) => {
    try {
      await ctx.submit(doomed);
      return "unexpected";
    } catch (err) {
      return [(err as Error).name, (err as Error).message, err instanceof ChildTaskFailed];
    }
  })();
});`, "dag, task, FailTask, ChildTaskFailed"));
    const { state } = await runToEnd(e, "child_fails");
    expect(state).toBe("success");
    expect(await returnValue(e.store, "child_fails", "parent")).toEqual([
      "ChildTaskFailed", 'task "doomed" [0], submitted by "parent", ended failed: FailTask: bad input', true,
    ]);
    const tis = await tiRows(e.store, "child_fails");
    expect(tis.map((t) => [t.taskId, t.state])).toEqual([["doomed", "failed"], ["parent", "success"]]);
  });

  it("runs a child that failed for good again for the parent's next try, and fails the run only by the parent", async () => {
    const e = await engineWithDag(dagFile(`
const once = task("once", (ctx) => { if (ctx.tryNumber === 1) throw new FailTask("not yet"); return ctx.tryNumber; });
export default dag({ id: "parent_retry" }, () => {
  task({ id: "parent", retries: 1, retryDelay: "50ms" }, (ctx) => ctx.submit(once))();
  task({ id: "gives_up", retries: 0 }, (ctx) => ctx.submit(once))();
});`, "dag, task, FailTask"));
    const { runId, state } = await runToEnd(e, "parent_retry");
    // "once" is one definition: each parent has its own child of it (map index 0 and 1).
    const tis = await tiRows(e.store, "parent_retry");
    const byParent = new Map(tis.filter((t) => t.taskId === "once").map((t) => [t.parentTaskId, t]));
    expect(byParent.get("parent")).toMatchObject({ state: "success", tryNumber: 2 });
    expect(byParent.get("gives_up")).toMatchObject({ state: "failed", tryNumber: 1 });
    expect(tis.find((t) => t.taskId === "parent")).toMatchObject({ state: "success", tryNumber: 2 });
    expect(tis.find((t) => t.taskId === "gives_up")).toMatchObject({ state: "failed", tryNumber: 1 });
    expect(state).toBe("failed");
    const [run] = await e.store.db.select().from(dagRun).where(eq(dagRun.runId, runId));
    expect(run!.state).toBe("failed");
  });

  it("does not deadlock a one-thread pool whose only thread runs a parent waiting on its children (and grandchildren)", async () => {
    const e = await engineWithDag(dagFile(`
const leaf = task("leaf", (_ctx, n: number) => n * 10);
const middle = task("middle", async (ctx, n: number) => (await ctx.submit(leaf, n)) + 1);
export default dag({ id: "one_thread" }, () => {
  task("top", async (ctx) => {
    const values = await Promise.all([1, 2, 3, 4, 5].map((n) => ctx.submit(middle, n)));
    return values;
  })();
  task("other", async (ctx) => ctx.submit(leaf, 9))();
});`), { executor: { minThreads: 1, maxThreads: 1 } });
    const { state } = await runToEnd(e, "one_thread");
    expect(state).toBe("success");
    expect(await returnValue(e.store, "one_thread", "top")).toEqual([11, 21, 31, 41, 51]);
    expect(await returnValue(e.store, "one_thread", "other")).toBe(90);
    const hosts = new Set((await tiRows(e.store, "one_thread")).map((t) => t.hostname));
    expect(hosts.size).toBe(1);
    expect(e.executor.threads()).toHaveLength(1);
  });

  it("a parent that times out while waiting on a child stops waiting at once: its thread, shared with other tries, is not terminated", async () => {
    const e = await engineWithDag(dagFile(`
const slow = task("slow", async (ctx, ms: number) => {
  await new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    ctx.signal.addEventListener("abort", () => { clearTimeout(t); reject(ctx.signal.reason); });
  });
  return ms;
});
export default dag({ id: "impatient" }, () => {
  task({ id: "parent", executionTimeout: "300ms" }, async (ctx) => ctx.submit(slow, 5_000))();
  task("bystander", async (ctx) => ctx.submit(slow, 1_500))();
});`), { executor: { minThreads: 1, maxThreads: 1 } });
    const { state } = await runToEnd(e, "impatient");
    expect(state).toBe("failed");
    const history = await e.store.db.select().from(taskInstanceHistory).where(eq(taskInstanceHistory.dagId, "impatient"));
    const parent = history.find((h) => h.taskId === "parent")!;
    expect(parent.error).toMatchObject({ name: "TaskTimeoutError" });
    expect(parent.error!.message).not.toContain("terminated");
    expect(history.filter((h) => h.error?.name === "ThreadTerminatedError")).toEqual([]);
    expect(await returnValue(e.store, "impatient", "bystander")).toBe(1_500);
  });

  it("a graceful stop does not wait for a parent whose child cannot start: it runs again at the next start, finding its child", async () => {
    const e = await engineWithDag(dagFile(`
const starved = task({ id: "starved", pool: "one_slot" }, () => 1);
export default dag({ id: "stoppable" }, () => {
  task({ id: "blocker", pool: "one_slot" }, async () => { await new Promise((r) => setTimeout(r, 1_500)); return 0; })();
  task("parent", async (ctx) => ctx.submit(starved))();
});`), { scheduler: { exclusive: true } });
    await setPool(e.store, { pool: "one_slot", slots: 1 });
    await e.start();
    const { runId } = await e.scheduler.triggerRun("stoppable");
    await e.waitForEvent((x) => isTaskEvent(x) && x.taskId === "starved" && x.state === "scheduled", "the child to wait for the blocker's slot");
    const started = Date.now();
    await e.scheduler.stop({ graceful: true });
    expect(Date.now() - started).toBeLessThan(30_000);
    const [parent] = await e.store.db.select().from(taskInstance).where(and(eq(taskInstance.dagId, "stoppable"), eq(taskInstance.runId, runId), eq(taskInstance.taskId, "parent")));
    expect(parent).toMatchObject({ state: "running", tryNumber: 1 }); // left for the next start, as after a crash
  });

  it("a cleared run's children keep the retries of their definition", async () => {
    const e = await engineWithDag(dagFile(`
const child = task({ id: "child", retries: 2 }, (_ctx, n: number) => n);
export default dag({ id: "cleared", defaultArgs: { retries: 0 } }, () => {
  task("parent", async (ctx) => ctx.submit(child, 1))();
});`));
    const { runId } = await runToEnd(e, "cleared");
    await e.scheduler.commands.clear("cleared", runId, () => true, false);
    const rows = await tiRows(e.store, "cleared");
    expect(rows.map((r) => [r.taskId, r.tryNumber, r.maxTries])).toEqual([["child", 1, 3], ["parent", 1, 1]]);
  });

  it("runs a cleared run's children again only when the parent's new try asks for them, never ahead of it", async () => {
    const e = await engines.open();
    const ledger = join(e.dir, "ledger.txt");
    await writeFile(ledger, "");
    await e.writeDag("dag.ts", dagFile(`import { appendFileSync } from "node:fs";
const note = (line: string) => appendFileSync(${JSON.stringify(ledger)}, line + "\\n");
const child = task("child", async (_ctx, n: number) => { note("child " + n); return n; });
export default dag({ id: "cleared_order" }, () => {
  task("parent", async (ctx) => {
    note("parent " + ctx.tryNumber);
    await new Promise((r) => setTimeout(r, 300));
    return (await ctx.submit(child, 1)) + (await ctx.submit(child, 2));
  })();
});`));
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("cleared_order");
    expect(await e.waitForRun("cleared_order", runId)).toBe("success");
    await e.scheduler.commands.clear("cleared_order", runId, () => true, false);
    expect(await e.waitForRun("cleared_order", runId)).toBe("success");
    const lines = (await readFile(ledger, "utf8")).split("\n").filter(Boolean);
    expect(lines).toEqual(["parent 1", "child 1", "child 2", "parent 2", "child 1", "child 2"]);
    expect(await returnValue(e.store, "cleared_order", "parent")).toBe(3);
  });

  it("frees a waiting parent's pool slot and maxActiveTasks place, so parents filling both do not starve their children", async () => {
    const e = await engineWithDag(dagFile(`
const half = task({ id: "half", pool: "narrow" }, (_ctx, n: number) => n / 2);
export default dag({ id: "full_slots", maxActiveTasks: 2 }, () => {
  const parent = task({ id: "parent", pool: "narrow" }, async (ctx, n: number) => (await ctx.submit(half, n)) + (await ctx.submit(half, n + 1)));
  parent.expand([10, 20, 30, 40]);
});`));
    await setPool(e.store, { pool: "narrow", slots: 1 });
    const { state } = await runToEnd(e, "full_slots");
    expect(state).toBe("success");
    const tis = await tiRows(e.store, "full_slots");
    expect(tis.filter((t) => t.taskId === "half")).toHaveLength(8);
    const parents = await Promise.all([0, 1, 2, 3].map((i) => returnValue(e.store, "full_slots", "parent", i)));
    expect(parents).toEqual([10.5, 20.5, 30.5, 40.5]);
  });

  it("removes the children a parent leaves unfinished when it ends, cancelling their tries", async () => {
    const e = await engineWithDag(dagFile(`
const forever = task("forever", (ctx) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))));
export default dag({ id: "abandon" }, () => {
  task("parent", async (ctx) => {
    ctx.submit(forever).catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    return "left early";
  })();
});`));
    const { runId, state } = await runToEnd(e, "abandon");
    expect(state).toBe("success");
    const tis = await tiRows(e.store, "abandon");
    expect(tis.map((t) => [t.taskId, t.state])).toEqual([["forever", "removed"], ["parent", "success"]]);
    const history = await e.store.db.select().from(taskInstanceHistory)
      .where(and(eq(taskInstanceHistory.runId, runId), eq(taskInstanceHistory.taskId, "forever")));
    expect(history.map((h) => [h.state, h.error?.name])).toEqual([["removed", "TaskRemoved"]]);
  });

  it("fails the parent with a message naming the DAG and the definition when the DAG does not know it", async () => {
    const e = await engineWithDag(dagFile(`
export default dag({ id: "unknown_def" }, () => {
  task("parent", (ctx) => ctx.submit(task("made_too_late", () => 1)))();
});`));
    const { runId, state } = await runToEnd(e, "unknown_def");
    expect(state).toBe("failed");
    const [h] = await e.store.db.select().from(taskInstanceHistory).where(eq(taskInstanceHistory.runId, runId));
    expect(h!.error).toMatchObject({
      name: "SubmitError",
      message: 'dag "unknown_def": task "parent": ctx.submit of task "made_too_late": dag "unknown_def" does not know this definition; declare it in the DAG file, before dag() or inside its body',
    });
  });

  it("refuses, on the scheduler's side, a try it does not run and a definition its DAG version lacks", async () => {
    const e = await engineWithDag(dagFile(`
const wait = task("wait", (_ctx, ms: number) => new Promise((r) => setTimeout(() => r(ms), ms)));
export default dag({ id: "host_side" }, () => {
  task("parent", (ctx) => ctx.submit(wait, 1500))();
});`));
    const started: string[] = [];
    e.executor.onEvent((x) => { if (x.type === "started") started.push(x.key); });
    await e.start();
    const { runId } = await e.scheduler.triggerRun("host_side");
    await e.waitForEvent((x) => isTaskEvent(x) && x.taskId === "wait" && x.state === "running", "the child to run");
    // The parent's key as the scheduler handed it out: its try, and what makes that dispatch unique.
    const key = started.find((k) => k.startsWith(`host_side/${runId}/parent/-1/1#`))!;
    expect(key).toBeDefined();
    expect(await e.host.submit({ key, seq: 7, taskId: "nope", args: [] })).toEqual({
      ok: false, error: { name: "SubmitError", message: 'dag "host_side": task "parent": ctx.submit of task "nope": dag "host_side" has no such definition; declare it in the DAG file, before dag() or inside its body' },
    });
    expect(await e.host.submit({ key, seq: 8, taskId: "parent", args: [] })).toMatchObject({ ok: false, error: { message: expect.stringContaining('"parent" is a task of the DAG') } });
    expect(await e.host.submit({ key: "host_side/x/parent/-1/9", seq: 0, taskId: "wait", args: [1] })).toMatchObject({ ok: false, error: { message: expect.stringContaining("is not running in this scheduler") } });
    // The same call again (a resent request) attaches to the same child.
    expect(await e.host.submit({ key, seq: 0, taskId: "wait", args: [1500] })).toEqual({ ok: true, value: 1500 });
    expect(await e.waitForRun("host_side", runId)).toBe("success");
    expect((await tiRows(e.store, "host_side")).filter((t) => t.taskId === "wait")).toHaveLength(1);
  });
});

describe("ctx.submit across a scheduler crash", { timeout: 90_000 }, () => {
  it("finds the children again when the orphaned parent is retried: those that succeeded do not run again", async () => {
    const e = await engines.open();
    const ledger = join(e.dir, "ledger.txt");
    await writeFile(ledger, "");
    await e.writeDag("dag.ts", `import { appendFileSync } from "node:fs";
import { dag, task } from "@updraft/sdk";
const note = (line: string) => appendFileSync(${JSON.stringify(ledger)}, line + "\\n");
const child = task("child", (_ctx, n: number) => { note("child " + n); return n * 10; });
const slow = task("slow", async (ctx) => {
  note("slow " + ctx.tryNumber);
  if (ctx.tryNumber === 1) await new Promise((r) => setTimeout(r, 60_000));
  return 5;
});
export default dag({ id: "resubmit" }, () => {
  task("parent", async (ctx) => {
    note("parent " + ctx.tryNumber);
    const values = await Promise.all([0, 1, 2, 3, 4].map((n) => ctx.submit(child, n)));
    return values.reduce((a, b) => a + b, 0) + (await ctx.submit(slow));
  })();
});
`);
    await e.parseOk();
    const lines = async () => (await readFile(ledger, "utf8")).split("\n").filter(Boolean);

    const first = await spawnSchedulerProcess(e.dbUrl, e.home, { runTasks: true });
    processes.push(first);
    const { runId } = await queueDagRun(e.store, e.home, "resubmit");
    for (let i = 0; !(await lines()).includes("slow 1"); i++) {
      if (i > 400) throw new Error(`the slow child did not start; ledger: ${(await lines()).join(", ")}`);
      await sleep(50);
    }
    await first.kill();
    const atCrash = await tiRows(e.store, "resubmit");
    expect(atCrash.map((t) => [t.taskId, t.mapIndex, t.state])).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => ["child", i, "success"]), ["parent", -1, "running"], ["slow", 0, "running"],
    ]);

    await e.start(); // recovery: the parent's and the slow child's tries are orphaned and run again
    expect(await e.waitForRun("resubmit", runId)).toBe("success");
    await e.scheduler.flushed();
    expect(await returnValue(e.store, "resubmit", "parent")).toBe(0 + 10 + 20 + 30 + 40 + 5);

    const seen = await lines();
    for (const n of [0, 1, 2, 3, 4]) expect(seen.filter((l) => l === `child ${n}`)).toHaveLength(1);
    expect(seen.filter((l) => l.startsWith("parent ")).sort()).toEqual(["parent 1", "parent 2"]);
    expect(seen.filter((l) => l.startsWith("slow ")).sort()).toEqual(["slow 1", "slow 2"]);
    const final = await tiRows(e.store, "resubmit");
    expect(final.map((t) => [t.taskId, t.mapIndex, t.state, t.tryNumber])).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => ["child", i, "success", 1]), ["parent", -1, "success", 2], ["slow", 0, "success", 2],
    ]);
    const orphans = await e.store.db.select().from(taskInstanceHistory)
      .where(and(eq(taskInstanceHistory.runId, runId), eq(taskInstanceHistory.tryNumber, 1))).orderBy(asc(taskInstanceHistory.taskId));
    expect(orphans.filter((h) => h.error?.name === "OrphanedTaskError").map((h) => h.taskId)).toEqual(["parent", "slow"]);
  });
});

describe("ctx.submit and the ready queue", { timeout: 60_000 }, () => {
  it("runs the children of a running parent while its DAG is paused, and starts nothing new until it is unpaused", async () => {
    const e = await engines.open();
    const gate = join(e.dir, "gate");
    await e.writeDag("dag.ts", dagFile(`import { existsSync } from "node:fs";
const child = task("child", (_ctx, n: number) => n * 10);
export default dag({ id: "paused_children" }, () => {
  const parent = task("parent", async (ctx) => {
    while (!existsSync(${JSON.stringify(gate)})) await new Promise((r) => setTimeout(r, 20));
    return await ctx.submit(child, 4);
  })();
  task("after", (_ctx, v: number) => v + 1)(parent);
});`));
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("paused_children");
    await e.waitForEvent((x) => isTaskEvent(x) && x.taskId === "parent" && x.state === "running", "the parent to run");
    // Paused by another process (the CLI, the API): the sweep notices.
    const other = await e.openStore();
    await other.write((tx) => tx.update(dag).set({ isPaused: true }).where(eq(dag.dagId, "paused_children")));
    await sleep(500); // five sweeps
    await writeFile(gate, "");
    await e.waitForEvent((x) => isTaskEvent(x) && x.taskId === "parent" && x.state === "success", "the parent to succeed on its child's value");
    expect(await returnValue(e.store, "paused_children", "parent")).toBe(40);
    await sleep(500);
    expect((await tiRows(e.store, "paused_children")).map((t) => [t.taskId, t.state])).toEqual([["after", "scheduled"], ["child", "success"], ["parent", "success"]]);
    await other.write((tx) => tx.update(dag).set({ isPaused: false }).where(eq(dag.dagId, "paused_children")));
    expect(await e.waitForRunEnd("paused_children", runId)).toBe("success");
  });
});
