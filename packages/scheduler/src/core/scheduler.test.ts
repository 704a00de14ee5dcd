// Integration tests of the scheduler with real parts: a libSQL file database, DAG files parsed by
// the DAG processor, tasks run in worker threads by the threads executor. Waits are on the
// scheduler's events (or waitForRun); the clock is used only to check that nothing happens
// during some sweeps.
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { dag, dagRun, dagVersion, job, setPool, taskInstance, taskInstanceHistory, xcom, type Store } from "@updraft/store";
import { SchedulerConflictError } from "../errors.ts";
import { airflowIso } from "./run-repository.ts";
import { queueBackfill } from "./trigger.ts";
import type { SchedulerEvent } from "./scheduler-events.ts";
import { dagFile, isRunEvent, isTaskEvent, testEngines, type TestEngine, type TestEngineOptions } from "../testing/engine.ts";
import { spawnSchedulerProcess, type SchedulerProcess } from "../testing/scheduler-process.ts";

const engines = testEngines();
const processes: SchedulerProcess[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) await p.stop();
  await engines.cleanup();
});

const DAY = 86_400_000;

/** A task body helper every DAG file below can use: sleeps `ms`, honouring the try's signal. */
const SLEEP = `
const sleep = (ctx: { signal: AbortSignal }, ms: number) => new Promise<void>((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  ctx.signal.addEventListener("abort", () => { clearTimeout(t); reject(ctx.signal.reason); }, { once: true });
});`;

async function engineWithDag(source: string, opts: TestEngineOptions = {}, name = "dag.ts"): Promise<TestEngine> {
  const e = await engines.open(opts);
  await e.writeDag(name, source);
  await e.parseOk();
  return e;
}

const runRows = (store: Store, dagId: string) =>
  store.db.select().from(dagRun).where(eq(dagRun.dagId, dagId)).orderBy(asc(dagRun.logicalDate));
const tiRows = (store: Store, dagId: string, runId: string) =>
  store.db.select().from(taskInstance).where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId))).orderBy(asc(taskInstance.taskId));
const historyRows = (store: Store, dagId: string, runId: string) =>
  store.db.select().from(taskInstanceHistory)
    .where(and(eq(taskInstanceHistory.dagId, dagId), eq(taskInstanceHistory.runId, runId)))
    .orderBy(asc(taskInstanceHistory.taskId), asc(taskInstanceHistory.tryNumber));
const xcomRows = (store: Store, dagId: string, runId: string) =>
  store.db.select().from(xcom).where(and(eq(xcom.dagId, dagId), eq(xcom.runId, runId))).orderBy(asc(xcom.taskId), asc(xcom.key));

/** The most task instances (or runs) that were in `state` at once, replaying the committed events. */
function maxAtOnce(events: SchedulerEvent[], kind: "task" | "run", state: "running" = "running"): number {
  const active = new Set<string>();
  let max = 0;
  for (const e of events) {
    if (e.type === "dags" || e.type !== kind) continue;
    const key = e.type === "task" ? `${e.runId}\u0000${e.taskId}\u0000${e.mapIndex}` : e.runId;
    if (e.state === state) active.add(key);
    else active.delete(key);
    max = Math.max(max, active.size);
  }
  return max;
}

/** Start and end of each finished try, from the database, sorted by start. */
async function tryIntervals(store: Store, dagId: string, runId: string): Promise<Array<{ taskId: string; start: number; end: number }>> {
  const rows = await historyRows(store, dagId, runId);
  return rows.map((r) => ({ taskId: r.taskId, start: r.startDate!.getTime(), end: r.endDate!.getTime() })).sort((a, b) => a.start - b.start);
}

const utcMidnight = (ms: number) => Math.floor(ms / DAY) * DAY;

describe("Scheduler: scheduled runs", { timeout: 60_000 }, () => {
  const dailyDag = (startDate: string, catchup: boolean) => dagFile(`
export default dag({ id: "daily", schedule: "@daily", startDate: "${startDate}", catchup: ${catchup}, maxActiveRuns: 1 }, () => {
  task("work", (ctx) => ({ ds: ctx.ds, start: ctx.dataIntervalStart.toISOString(), end: ctx.dataIntervalEnd.toISOString(), runId: ctx.runId }))();
});`);

  it("with catchup creates every missed interval's run, oldest first, one running at a time, all succeeding", async () => {
    const today = utcMidnight(Date.now());
    const e = await engineWithDag(dailyDag(new Date(today - 3 * DAY).toISOString(), true), { scheduler: { scheduleRuns: true, exclusive: true } });
    const starts = [today - 3 * DAY, today - 2 * DAY, today - DAY];
    const runIds = starts.map((s) => `scheduled__${airflowIso(new Date(s))}`);
    expect(runIds[0]).toMatch(/^scheduled__\d{4}-\d\d-\d\dT00:00:00\+00:00$/);
    await e.start();

    for (const runId of runIds) expect(await e.waitForRunEnd("daily", runId)).toBe("success");
    await e.scheduler.flushed();

    const runEvents = e.events.filter(isRunEvent);
    expect(runEvents.filter((r) => r.state === "running").map((r) => r.runId)).toEqual(runIds);
    expect(maxAtOnce(e.events, "run")).toBe(1);
    // Each run ends before the next one starts.
    expect(runEvents.map((r) => `${r.state} ${r.runId}`)).toEqual(runIds.flatMap((id) => [`running ${id}`, `success ${id}`]));

    const rows = await runRows(e.store, "daily");
    expect(rows.map((r) => [r.runId, r.runType, r.state, r.externalTrigger])).toEqual(runIds.map((id) => [id, "scheduled", "success", false]));
    expect(rows.map((r) => [r.logicalDate.getTime(), r.dataIntervalStart!.getTime(), r.dataIntervalEnd!.getTime()]))
      .toEqual(starts.map((s) => [s, s, s + DAY]));
    const values = await e.store.db.select().from(xcom).where(eq(xcom.dagId, "daily")).orderBy(asc(xcom.runId));
    expect(values.map((v) => v.value)).toEqual(starts.map((s, i) => ({
      ds: new Date(s).toISOString().slice(0, 10), start: new Date(s).toISOString(), end: new Date(s + DAY).toISOString(), runId: runIds[i],
    })));
  });

  it("without catchup creates only the latest interval's run", async () => {
    const today = utcMidnight(Date.now());
    const e = await engineWithDag(dailyDag(new Date(today - 5 * DAY).toISOString(), false), { scheduler: { scheduleRuns: true, exclusive: true } });
    await e.start();
    const runId = `scheduled__${airflowIso(new Date(today - DAY))}`;
    expect(await e.waitForRunEnd("daily", runId)).toBe("success");
    await sleep(1_000); // ten sweeps: nothing else may be created
    const rows = await runRows(e.store, "daily");
    expect(rows.map((r) => [r.runId, r.state, r.dataIntervalStart!.getTime(), r.dataIntervalEnd!.getTime()])).toEqual([[runId, "success", today - DAY, today]]);
  });
});

// Regression: a scheduled run created while a sweep is running must be adopted once. The sweep
// starts `scheduleDag` for new, changed or unpaused DAGs and, in the same pass, reads back queued
// runs "created by other processes"; it can see the run `createDueRuns` has just inserted before
// its adoption. A second copy used to be activated and queued again with the same try number
// (DuplicateTryError, fatal). Every DAG that appears, changes or is unpaused with a run due at
// once takes this path.
describe("Scheduler: paused DAGs", { timeout: 60_000 }, () => {
  const pausable = (today: number) => dagFile(`
export default dag({ id: "pausable", schedule: "@daily", startDate: "${new Date(today - 2 * DAY).toISOString()}", catchup: false }, () => {
  task("t", () => 1)();
});`);

  it("creates no runs for a paused DAG", async () => {
    const e = await engineWithDag(pausable(utcMidnight(Date.now())), { scheduler: { scheduleRuns: true, exclusive: true, sweepMs: 100 } });
    await e.store.write((tx) => tx.update(dag).set({ isPaused: true }).where(eq(dag.dagId, "pausable")));
    await e.start();
    await sleep(1_000); // ten sweeps
    expect(await runRows(e.store, "pausable")).toEqual([]);
    expect(e.events.filter(isRunEvent)).toEqual([]);
  });

  it("picks a DAG up on the sweep once it is unpaused, and runs its due run once", async () => {
    const today = utcMidnight(Date.now());
    const e = await engineWithDag(pausable(today), { scheduler: { scheduleRuns: true, exclusive: true, sweepMs: 100 } });
    await e.store.write((tx) => tx.update(dag).set({ isPaused: true }).where(eq(dag.dagId, "pausable")));
    await e.start();
    await sleep(300);
    expect(await runRows(e.store, "pausable")).toEqual([]);

    // Unpaused by another process (the CLI, the API): only the sweep can notice.
    const other = await e.openStore();
    await other.write((tx) => tx.update(dag).set({ isPaused: false }).where(eq(dag.dagId, "pausable")));
    const runId = `scheduled__${airflowIso(new Date(today - DAY))}`;
    expect(await e.waitForRunEnd("pausable", runId)).toBe("success");
    expect((await runRows(e.store, "pausable")).map((r) => r.runId)).toEqual([runId]);
    expect(e.events.filter(isRunEvent).map((r) => r.state)).toEqual(["running", "success"]);
    expect(e.scheduler.fatalError).toBeNull();
  });

  it("schedules a DAG whose file appears while the scheduler runs", async () => {
    const today = utcMidnight(Date.now());
    const e = await engines.open({ scheduler: { scheduleRuns: true, exclusive: true, sweepMs: 100 } });
    await e.start();
    await e.writeDag("late.ts", pausable(today));
    await e.parseOk();
    const runId = `scheduled__${airflowIso(new Date(today - DAY))}`;
    expect(await e.waitForRunEnd("pausable", runId)).toBe("success");
    expect(e.events.filter(isRunEvent).map((r) => r.state)).toEqual(["running", "success"]);
    expect(e.scheduler.fatalError).toBeNull();
  });

  it("keeps a manual run of a paused DAG queued until the DAG is unpaused", async () => {
    const e = await engineWithDag(dagFile(`export default dag({ id: "manual_paused" }, () => { task("t", () => 1)(); });`));
    await e.store.write((tx) => tx.update(dag).set({ isPaused: true }).where(eq(dag.dagId, "manual_paused")));
    await e.start();
    const { runId } = await e.scheduler.triggerRun("manual_paused");
    await sleep(500);
    expect((await runRows(e.store, "manual_paused")).map((r) => r.state)).toEqual(["queued"]);

    await e.store.write((tx) => tx.update(dag).set({ isPaused: false }).where(eq(dag.dagId, "manual_paused")));
    expect(await e.waitForRun("manual_paused", runId)).toBe("success");
  });

  it("runs a paused DAG's triggered run at once when told to run paused DAGs, as dags test does", async () => {
    const e = await engineWithDag(
      dagFile(`export default dag({ id: "new_paused", isPausedUponCreation: true }, () => { task("t", () => 1)(); });`),
      { scheduler: { scheduleRuns: false, exclusive: false, runPausedDags: true } },
    );
    expect((await e.store.db.select().from(dag).where(eq(dag.dagId, "new_paused")))[0]?.isPaused).toBe(true);
    await e.start();
    const { runId } = await e.scheduler.triggerRun("new_paused");
    expect(await e.waitForRun("new_paused", runId)).toBe("success");
  });
});

describe("Scheduler: what the database records", { timeout: 60_000 }, () => {
  it("persists the run, every task instance, one history row per try (errors as JSON) and the XComs", async () => {
    const e = await engineWithDag(dagFile(`
const extract = task("extract", (ctx) => { ctx.xcom.push("count", 3); return [1, 2, 3]; });
const flaky = task({ id: "flaky", retries: 1, retryDelay: "100ms" }, (ctx, rows: number[]) => {
  if (ctx.tryNumber === 1) throw new RangeError("first try fails");
  return rows.reduce((a, b) => a + b, 0);
});
const load = task("load", (ctx, total: number) => \`\${ctx.params.region}:\${total}\`);
export default dag({ id: "persisted", params: { region: "eu" } }, () => {
  load(flaky(extract()));
});`));
    await e.start();
    const logicalDate = new Date("2026-03-01T12:00:00Z");
    const { runId } = await e.scheduler.triggerRun("persisted", { logicalDate, conf: { region: "us" } });
    expect(runId).toBe("manual__2026-03-01T12:00:00+00:00");
    expect(await e.waitForRun("persisted", runId)).toBe("success");
    await e.scheduler.flushed();

    const [version] = await e.store.db.select().from(dagVersion).where(eq(dagVersion.dagId, "persisted"));
    const [run] = await runRows(e.store, "persisted");
    expect(run).toMatchObject({
      runId, runType: "manual", state: "success", externalTrigger: true, conf: { region: "us" }, dagVersionId: version!.id,
      logicalDate, dataIntervalStart: logicalDate, dataIntervalEnd: logicalDate,
    });
    expect(run!.queuedAt).toBeInstanceOf(Date);
    expect(run!.startDate).toBeInstanceOf(Date);
    expect(run!.endDate!.getTime()).toBeGreaterThanOrEqual(run!.startDate!.getTime());

    const tis = await tiRows(e.store, "persisted", runId);
    expect(tis.map((t) => [t.taskId, t.mapIndex, t.state, t.tryNumber, t.maxTries, t.pool, t.queue, t.executor])).toEqual([
      ["extract", -1, "success", 1, 0, "default_pool", "default", "threads"],
      ["flaky", -1, "success", 2, 1, "default_pool", "default", "threads"],
      ["load", -1, "success", 1, 0, "default_pool", "default", "threads"],
    ]);
    for (const t of tis) {
      expect(t.hostname).toMatch(/\/thread-\d+$/);
      expect(t.endDate!.getTime()).toBeGreaterThanOrEqual(t.startDate!.getTime());
      expect(t.duration).toBeCloseTo((t.endDate!.getTime() - t.startDate!.getTime()) / 1000, 3);
      expect(t.nextRetryAt).toBeNull();
    }

    const history = await historyRows(e.store, "persisted", runId);
    expect(history.map((h) => [h.taskId, h.tryNumber, h.state])).toEqual([
      ["extract", 1, "success"], ["flaky", 1, "failed"], ["flaky", 2, "success"], ["load", 1, "success"],
    ]);
    expect(history[1]!.error).toMatchObject({ name: "RangeError", message: "first try fails" });
    for (const h of [history[0]!, history[2]!, history[3]!]) expect(h.error).toBeNull();
    for (const h of history) expect(h.hostname).toMatch(/\/thread-\d+$/);

    const xcoms = await xcomRows(e.store, "persisted", runId);
    expect(xcoms.map((x) => [x.taskId, x.mapIndex, x.key, x.value])).toEqual([
      ["extract", -1, "count", 3], ["extract", -1, "return_value", [1, 2, 3]],
      ["flaky", -1, "return_value", 6], ["load", -1, "return_value", "us:6"],
    ]);
  });
});

describe("Scheduler: retries", { timeout: 60_000 }, () => {
  it("persists up_for_retry with next_retry_at, increments try_number, and drops a failed try's XComs", async () => {
    const e = await engineWithDag(dagFile(`
const flaky = task({ id: "flaky", retries: 2, retryDelay: "300ms" }, (ctx) => {
  if (ctx.tryNumber === 1) ctx.xcom.push("first_only", "from try 1");
  ctx.xcom.push("attempt", ctx.tryNumber);
  if (ctx.tryNumber < 3) throw new Error(\`try \${ctx.tryNumber} fails\`);
  return "ok";
});
const after = task("after", async (ctx, value: string) => ({
  value, firstOnly: (await ctx.xcom.pull("flaky", "first_only")) ?? "missing", attempt: await ctx.xcom.pull("flaky", "attempt"),
}));
export default dag({ id: "retrying" }, () => { after(flaky()); });`));
    const observer = await e.openStore();
    // Read the database from another connection the moment each up_for_retry is committed.
    const seenWaiting: Array<Promise<unknown>> = [];
    e.scheduler.onEvent((ev) => {
      if (!isTaskEvent(ev) || ev.taskId !== "flaky" || ev.state !== "up_for_retry") return;
      seenWaiting.push(Promise.all([
        observer.db.select().from(taskInstance).where(and(eq(taskInstance.runId, ev.runId), eq(taskInstance.taskId, "flaky"))),
        observer.db.select().from(xcom).where(and(eq(xcom.runId, ev.runId), eq(xcom.taskId, "flaky"))),
      ]).then(([[ti], xs]) => ({ event: ev.tryNumber, state: ti!.state, tryNumber: ti!.tryNumber, wait: ti!.nextRetryAt!.getTime() - ti!.endDate!.getTime(), xcoms: xs.length })));
    });
    await e.start();
    const { runId } = await e.scheduler.triggerRun("retrying");
    expect(await e.waitForRun("retrying", runId)).toBe("success");
    await e.scheduler.flushed();

    expect(await Promise.all(seenWaiting)).toEqual([
      { event: 1, state: "up_for_retry", tryNumber: 1, wait: 300, xcoms: 0 },
      { event: 2, state: "up_for_retry", tryNumber: 2, wait: 300, xcoms: 0 },
    ]);
    const flakyEvents = e.events.filter(isTaskEvent).filter((x) => x.taskId === "flaky");
    expect(flakyEvents.filter((x) => x.state === "queued").map((x) => x.tryNumber)).toEqual([1, 2, 3]);
    expect(flakyEvents.map((x) => x.state)).toEqual([
      "scheduled", "queued", "running", "up_for_retry", "scheduled", "queued", "running", "up_for_retry", "scheduled", "queued", "running", "success",
    ]);

    const [flaky] = (await tiRows(e.store, "retrying", runId)).filter((t) => t.taskId === "flaky");
    expect(flaky).toMatchObject({ state: "success", tryNumber: 3, maxTries: 2, nextRetryAt: null });
    const history = (await historyRows(e.store, "retrying", runId)).filter((h) => h.taskId === "flaky");
    expect(history.map((h) => [h.tryNumber, h.state, h.error?.message ?? null])).toEqual([[1, "failed", "try 1 fails"], [2, "failed", "try 2 fails"], [3, "success", null]]);
    // The tries ran one after another, each after the one before had failed.
    expect(history[1]!.startDate!.getTime()).toBeGreaterThanOrEqual(history[0]!.endDate!.getTime());
    expect(history[2]!.startDate!.getTime()).toBeGreaterThanOrEqual(history[1]!.endDate!.getTime());

    const xcoms = await xcomRows(e.store, "retrying", runId);
    expect(xcoms.map((x) => [x.taskId, x.key, x.value])).toEqual([
      ["after", "return_value", { value: "ok", firstOnly: "missing", attempt: 3 }],
      ["flaky", "attempt", 3],
      ["flaky", "return_value", "ok"],
    ]);
  });

  it("fails the task after its last retry and marks its downstream upstream_failed", async () => {
    const e = await engineWithDag(dagFile(`
const boom = task({ id: "boom", retries: 1, retryDelay: "100ms" }, () => { throw new Error("always"); });
const next = task("next", (_ctx, v: unknown) => v);
export default dag({ id: "failing" }, () => { next(boom()); });`));
    await e.start();
    const { runId } = await e.scheduler.triggerRun("failing");
    expect(await e.waitForRun("failing", runId)).toBe("failed");
    await e.scheduler.flushed();
    expect((await tiRows(e.store, "failing", runId)).map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([["boom", "failed", 2], ["next", "upstream_failed", 0]]);
    expect((await runRows(e.store, "failing"))[0]!.state).toBe("failed");
  });
});

describe("Scheduler: pools and concurrency limits", { timeout: 60_000 }, () => {
  const threeTasks = (id: string, dagOptions: string, taskOptions: string) => dagFile(`${SLEEP}
const work = (name: string) => task({ id: name${taskOptions} }, async (ctx) => { await sleep(ctx, 300); return name; });
export default dag({ id: "${id}"${dagOptions} }, () => { work("a")(); work("b")(); work("c")(); });`);
  const threeThreads: TestEngineOptions = { executor: { minThreads: 3, maxThreads: 4 } };

  it("runs independent tasks at once when nothing limits them (the control for the tests below)", async () => {
    const e = await engineWithDag(threeTasks("free", "", ""), threeThreads);
    await e.start();
    const { runId } = await e.scheduler.triggerRun("free");
    expect(await e.waitForRun("free", runId)).toBe("success");
    expect(maxAtOnce(e.events, "task")).toBeGreaterThanOrEqual(2);
  });

  it("never runs two tasks of a one-slot pool at once", async () => {
    const e = await engineWithDag(threeTasks("pooled", "", `, pool: "single"`), threeThreads);
    await setPool(e.store, { pool: "single", slots: 1 });
    await e.start();
    const { runId } = await e.scheduler.triggerRun("pooled");
    expect(await e.waitForRun("pooled", runId)).toBe("success");
    await e.scheduler.flushed();

    expect(maxAtOnce(e.events, "task")).toBe(1);
    const tries = await tryIntervals(e.store, "pooled", runId);
    expect(tries).toHaveLength(3);
    for (let i = 1; i < tries.length; i++) expect(tries[i]!.start).toBeGreaterThanOrEqual(tries[i - 1]!.end);
    expect((await tiRows(e.store, "pooled", runId)).map((t) => [t.taskId, t.state, t.pool])).toEqual([
      ["a", "success", "single"], ["b", "success", "single"], ["c", "success", "single"],
    ]);
  });

  it("fails a task whose pool does not exist, with a message naming the pool, and runs the others", async () => {
    const e = await engineWithDag(dagFile(`
export default dag({ id: "poolless" }, () => {
  task({ id: "lost", pool: "no_such_pool" }, () => 1)();
  task("fine", () => 2)();
});`));
    await e.start();
    const { runId } = await e.scheduler.triggerRun("poolless");
    expect(await e.waitForRun("poolless", runId)).toBe("failed");
    await e.scheduler.flushed();
    expect((await tiRows(e.store, "poolless", runId)).map((t) => [t.taskId, t.state])).toEqual([["fine", "success"], ["lost", "failed"]]);
    const [lost] = (await historyRows(e.store, "poolless", runId)).filter((h) => h.taskId === "lost");
    expect(lost!.error?.message).toContain('"no_such_pool"');
    expect(lost!.error?.message).toMatch(/does not exist/);
  });

  it("fails a task that needs more slots than its pool has, and runs its neighbours", async () => {
    const e = await engines.open();
    await setPool(e.store, { pool: "small", slots: 1 });
    await e.writeDag("pool.ts", dagFile(`export default dag({ id: "pool" }, () => {
  task({ id: "big", pool: "small", poolSlots: 2, priorityWeight: 10 }, () => 1)();
  task({ id: "little", pool: "small" }, () => 2)();
});`));
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("pool");
    expect(await e.waitForRunEnd("pool", runId)).toBe("failed");
    const rows = await e.store.db.select().from(taskInstance).where(eq(taskInstance.runId, runId)).orderBy(asc(taskInstance.taskId));
    expect(rows.map((r) => [r.taskId, r.state])).toEqual([["big", "failed"], ["little", "success"]]);
    const [h] = await e.store.db.select().from(taskInstanceHistory).where(and(eq(taskInstanceHistory.runId, runId), eq(taskInstanceHistory.taskId, "big")));
    expect(h!.error?.message).toBe('task "big" needs 2 slots of pool "small", which has 1');
  });

  it("serialises independent tasks when maxActiveTasks is 1", async () => {
    const e = await engineWithDag(threeTasks("one_at_a_time", ", maxActiveTasks: 1", ""), threeThreads);
    await e.start();
    const { runId } = await e.scheduler.triggerRun("one_at_a_time");
    expect(await e.waitForRun("one_at_a_time", runId)).toBe("success");
    await e.scheduler.flushed();

    expect(maxAtOnce(e.events, "task")).toBe(1);
    const tries = await tryIntervals(e.store, "one_at_a_time", runId);
    expect(tries).toHaveLength(3);
    for (let i = 1; i < tries.length; i++) expect(tries[i]!.start).toBeGreaterThanOrEqual(tries[i - 1]!.end);
  });
});

describe("Scheduler: dependsOnPast", { timeout: 60_000 }, () => {
  it("starts a task only after the same task succeeded in the previous run", async () => {
    const e = await engineWithDag(dagFile(`${SLEEP}
const step = task({ id: "step", dependsOnPast: true }, async (ctx) => { await sleep(ctx, Number(ctx.conf.ms ?? 0)); return ctx.runId; });
export default dag({ id: "past", maxActiveRuns: 2 }, () => { step(); });`), { executor: { minThreads: 2 } });
    await e.start();
    const first = await e.scheduler.triggerRun("past", { logicalDate: new Date("2026-01-01T00:00:00Z"), conf: { ms: 1_500 } });
    await e.waitForEvent((x) => isTaskEvent(x) && x.runId === first.runId && x.state === "running", "run 1's task to start");
    const second = await e.scheduler.triggerRun("past", { logicalDate: new Date("2026-01-02T00:00:00Z"), conf: { ms: 0 } });
    await e.waitForEvent((x) => isRunEvent(x) && x.runId === second.runId && x.state === "running", "run 2 to start");

    expect(await e.waitForRun("past", first.runId)).toBe("success");
    expect(await e.waitForRun("past", second.runId)).toBe("success");
    await e.scheduler.flushed();

    const index = (runId: string, state: string) => e.events.findIndex((x) => isTaskEvent(x) && x.runId === runId && x.state === state);
    expect(index(first.runId, "success")).toBeGreaterThan(-1);
    expect(index(second.runId, "queued")).toBeGreaterThan(index(first.runId, "success"));
    const [one] = await tiRows(e.store, "past", first.runId);
    const [two] = await tiRows(e.store, "past", second.runId);
    expect(two!.startDate!.getTime()).toBeGreaterThanOrEqual(one!.endDate!.getTime());
  });

  it("keeps waiting while the previous run's task failed", async () => {
    const e = await engineWithDag(dagFile(`
const step = task({ id: "step", dependsOnPast: true }, (ctx) => { if (ctx.conf.fail) throw new Error("no"); return 1; });
export default dag({ id: "past_failed", maxActiveRuns: 2 }, () => { step(); });`));
    await e.start();
    const first = await e.scheduler.triggerRun("past_failed", { logicalDate: new Date("2026-01-01T00:00:00Z"), conf: { fail: true } });
    expect(await e.waitForRun("past_failed", first.runId)).toBe("failed");
    const second = await e.scheduler.triggerRun("past_failed", { logicalDate: new Date("2026-01-02T00:00:00Z") });
    await sleep(1_000); // ten sweeps
    const [ti] = await tiRows(e.store, "past_failed", second.runId);
    expect(ti!.state).toBeNull(); // Airflow's "none": its dependencies are not met
    expect((await runRows(e.store, "past_failed")).map((r) => r.state)).toEqual(["failed", "running"]);
  });
});

describe("Scheduler: dagrunTimeout", { timeout: 60_000 }, () => {
  // Airflow's SchedulerJobRunner on dagrun_timeout: run failed, unfinished task instances skipped.
  it("fails the run and skips every unfinished task instance when the run takes too long", async () => {
    const e = await engineWithDag(dagFile(`${SLEEP}
const quick = task("quick", () => "done");
const hang = task("hang", async (ctx, _q: string) => { await sleep(ctx, 30_000); return 1; });
const next = task("next", (_ctx, v: number) => v);
// quick has finished, hang is running and next has not started when the run times out.
export default dag({ id: "timed", dagrunTimeout: "2s" }, () => { next(hang(quick())); });`));
    await e.start();
    const { runId } = await e.scheduler.triggerRun("timed");
    expect(await e.waitForRun("timed", runId)).toBe("failed");
    await e.scheduler.flushed();

    const [run] = await runRows(e.store, "timed");
    expect(run!.state).toBe("failed");
    expect(run!.endDate).toBeInstanceOf(Date);
    expect((await tiRows(e.store, "timed", runId)).map((t) => [t.taskId, t.state])).toEqual([["hang", "skipped"], ["next", "skipped"], ["quick", "success"]]);
    const hang = (await historyRows(e.store, "timed", runId)).filter((h) => h.taskId === "hang");
    expect(hang.map((h) => [h.tryNumber, h.state, h.error?.name])).toEqual([[1, "skipped", "DagRunTimeoutError"]]);

    // The cancelled try's late report must not bring the instance back to life.
    for (let i = 0; i < 100 && e.executor.stats().running > 0; i++) await sleep(100);
    expect(e.executor.stats().running).toBe(0);
    await e.scheduler.flushed();
    expect((await tiRows(e.store, "timed", runId)).map((t) => [t.taskId, t.state])).toEqual([["hang", "skipped"], ["next", "skipped"], ["quick", "success"]]);
  });
});

describe("Scheduler: one scheduler per database", { timeout: 60_000 }, () => {
  it("refuses to start while a scheduler in another process holds the database, naming its pid", async () => {
    const e = await engines.open();
    const other = await spawnSchedulerProcess(e.dbUrl, e.home);
    processes.push(other);

    const err = await e.scheduler.start().then(() => null, (x: unknown) => x);
    expect(err).toBeInstanceOf(SchedulerConflictError);
    expect((err as Error).message).toContain(`pid ${other.pid}`);

    // Once it has stopped, the database is free.
    await other.stop();
    await e.start();
    const running = await e.store.db.select().from(job).where(eq(job.state, "running"));
    expect(running.map((j) => j.pid)).toEqual([process.pid]);
  });

  // Contract: "A second one refuses to start while the first heartbeats", also within one
  // process (a claim row with this process's own pid is not stale).
  it("refuses a second exclusive scheduler in the same process", async () => {
    const e = await engines.open();
    await e.start();
    const second = await e.newScheduler({ exclusive: true });
    const err = await second.start().then(() => null, (x: unknown) => x);
    expect(err).toBeInstanceOf(SchedulerConflictError);
    expect((err as Error).message).toContain(`pid ${process.pid}`);
  });
});

describe("Scheduler: waitForRun", { timeout: 60_000 }, () => {
  // When the scheduler stops (stop(), or fail() on a fatal error), pending waiters are rejected:
  // `updraft dags test` and `dags trigger --wait` await this promise and must exit, not hang.
  it("settles a pending waitForRun when the scheduler stops", async () => {
    const e = await engineWithDag(dagFile(`${SLEEP}
export default dag({ id: "long" }, () => { task("wait", async (ctx) => { await sleep(ctx, 20_000); })(); });`));
    await e.start();
    const { runId } = await e.scheduler.triggerRun("long");
    await e.waitForEvent((x) => isTaskEvent(x) && x.state === "running", "the task to start");
    const waiting = e.scheduler.waitForRun("long", runId).then(() => "settled", () => "settled");
    await e.scheduler.stop();
    expect(await Promise.race([waiting, sleep(3_000).then(() => "still pending 3s after stop()")])).toBe("settled");
  });
});

describe("Scheduler: stop", { timeout: 60_000 }, () => {
  it("ends its job row and stops the executor when stopped", async () => {
    const e = await engines.open();
    await e.start();
    await e.scheduler.stop();
    expect((await e.store.db.select().from(job)).map((j) => [j.pid, j.state])).toEqual([[process.pid, "success"]]);
    expect(e.executor.stats().threads).toBe(0);
  });

  // fail() starts a stop on a fatal error; a later `await scheduler.stop(); await store.close()`
  // (Engine.close) must wait for that stop, or the store closes under it (CLIENT_CLOSED).
  it("a stop() called while another is in progress resolves only once the scheduler has stopped", async () => {
    const e = await engines.open();
    await e.start();
    const first = e.scheduler.stop();
    await e.scheduler.stop();
    const jobs = (await e.store.db.select().from(job)).map((j) => j.state);
    await first;
    expect(jobs).toEqual(["success"]);
  });
});

describe("Scheduler: group commit", { timeout: 60_000 }, () => {
  it("commits a task instance's queued state, and its upstream's results, before the task is handed to a thread", async () => {
    const db = JSON.stringify("__DB_URL__");
    const source = dagFile(`
import { openStore } from "@updraft/store";
async function rows(sql: string, args: unknown[]) {
  const store = await openStore({ url: ${db} });
  try { return (await store.client.execute({ sql, args: args as never })).rows.map((r) => ({ ...r })); } finally { await store.close(); }
}
const own = (ctx: { dagId: string; runId: string; taskId: string }) =>
  rows("SELECT state, try_number FROM task_instance WHERE dag_id = ? AND run_id = ? AND task_id = ?", [ctx.dagId, ctx.runId, ctx.taskId]);
const first = task("first", async (ctx) => ({ own: await own(ctx) }));
const second = task("second", async (ctx, _up: unknown) => ({
  own: await own(ctx),
  upstream: await rows("SELECT state FROM task_instance WHERE dag_id = ? AND run_id = ? AND task_id = 'first'", [ctx.dagId, ctx.runId]),
  upstreamXcom: await rows("SELECT key FROM xcom WHERE dag_id = ? AND run_id = ? AND task_id = 'first'", [ctx.dagId, ctx.runId]),
}));
export default dag({ id: "committed" }, () => { second(first()); });`);
    const e = await engines.open();
    await e.writeDag("dag.ts", source.replace(db, JSON.stringify(e.dbUrl)));
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("committed");
    expect(await e.waitForRun("committed", runId)).toBe("success");
    await e.scheduler.flushed();

    type Seen = { own: Array<{ state: string; try_number: number }>; upstream?: unknown; upstreamXcom?: unknown };
    const values = new Map((await xcomRows(e.store, "committed", runId)).map((x) => [x.taskId, x.value as Seen]));
    for (const t of ["first", "second"]) {
      const own = values.get(t)!.own;
      expect(own).toHaveLength(1);
      expect(["queued", "running"]).toContain(own[0]!.state);
      expect(own[0]!.try_number).toBe(1);
    }
    expect(values.get("second")!.upstream).toEqual([{ state: "success" }]);
    expect(values.get("second")!.upstreamXcom).toEqual([{ key: "return_value" }]);
    expect(e.scheduler.writerStats.batches).toBeGreaterThan(0);
  });
});

describe("queued runs in the store", { timeout: 90_000 }, () => {
  it("holds no more of them in memory than maxActiveRuns allows, and runs them all", async () => {
    const e = await engines.open({ scheduler: { exclusive: true, sweepMs: 200 } });
    await e.writeDag("hourly.ts", dagFile(`export default dag({ id: "hourly", schedule: "@hourly", startDate: "2026-01-01", maxActiveRuns: 2 }, () => { task("t", () => 1)(); });`));
    await e.parseOk();
    const { created } = await queueBackfill(e.store, e.home, "hourly", new Date("2026-01-01T00:00:00Z"), new Date("2026-01-02T15:00:00Z"));
    expect(created).toHaveLength(40);
    let most = 0;
    e.scheduler.onEvent(() => (most = Math.max(most, e.scheduler.stats().activeRuns)));
    await e.start();
    for (const runId of created) expect(await e.scheduler.waitForRun("hourly", runId)).toBe("success");
    expect(most).toBeLessThanOrEqual(2);
  });
});
