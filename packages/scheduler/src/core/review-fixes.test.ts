// Regressions found in review: each test names the behaviour it pins down.
import { afterEach, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { dag, setPool, taskInstance, taskInstanceHistory } from "@updraft/store";
import { DagProcessor } from "../processor/dag-processor.ts";
import { queueBackfill } from "./trigger.ts";
import { dagFile, testEngines } from "../testing/engine.ts";
import { GroupCommitWriter } from "./group-commit.ts";
import { TimerQueue } from "./timer-queue.ts";

const engines = testEngines();
afterEach(() => engines.cleanup());

describe("scheduler regressions", { timeout: 60_000 }, () => {
  it("does not skip a join that a followed branch also leads to", async () => {
    const e = await engines.open();
    await e.writeDag("join.ts", dagFile(`export default dag({ id: "join" }, () => {
  const pick = branch("pick", () => "a");
  const a = task("a", () => 1);
  const b = task("b", () => 2);
  const join = task({ id: "join", triggerRule: "none_failed_min_one_success" }, () => 3);
  const p = pick();
  const ao = a().after(p);
  b().after(p);
  join().after(p, ao);
});`, "dag, task, branch"));
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("join");
    expect(await e.waitForRunEnd("join", runId)).toBe("success");
    const rows = await e.store.db.select().from(taskInstance).where(eq(taskInstance.runId, runId)).orderBy(asc(taskInstance.taskId));
    expect(rows.map((r) => [r.taskId, r.state])).toEqual([["a", "success"], ["b", "skipped"], ["join", "success"], ["pick", "success"]]);
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

  it("writes nothing more after a failed commit, and acts on nothing queued behind it", async () => {
    const e = await engines.open();
    const errors: unknown[] = [];
    const writer = new GroupCommitWriter(e.store, { onError: (err) => errors.push(err) });
    let acted = false;
    // A row that breaks a foreign key (no such run) makes the transaction fail.
    writer.write({ kind: "sql", statement: { sql: "INSERT INTO task_instance (dag_id, run_id, task_id, map_index, updated_at) VALUES ('x', 'nope', 't', -1, 0)", args: [] } });
    writer.afterCommit(() => (acted = true));
    await writer.idle();
    writer.write({ kind: "sql", statement: { sql: "UPDATE dag_run SET note = 'after' WHERE 1 = 0", args: [] } });
    writer.afterCommit(() => (acted = true));
    await writer.idle();
    expect(errors).toHaveLength(1);
    expect(acted).toBe(false);
    expect(writer.stats.batches).toBe(0);
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

describe("DAG processor regressions", { timeout: 60_000 }, () => {
  it("leaves the DAGs of another folder active, and stores absolute file paths", async () => {
    const e = await engines.open();
    await e.writeDag("mine.ts", dagFile(`export default dag({ id: "mine" }, () => { task("t", () => 1)(); });`));
    await e.parseOk();
    const other = await mkdtemp(join(tmpdir(), "updraft-other-dags-"));
    await writeFile(join(other, "theirs.ts"), dagFile(`export default dag({ id: "theirs" }, () => { task("t", () => 1)(); });`));
    await new DagProcessor({ store: e.store, dagsFolder: other, home: other }).processAll();
    await e.parseOk();
    const rows = await e.store.db.select({ dagId: dag.dagId, isActive: dag.isActive, fileloc: dag.fileloc }).from(dag).orderBy(asc(dag.dagId));
    expect(rows.map((r) => [r.dagId, r.isActive, isAbsolute(r.fileloc)])).toEqual([["mine", true, true], ["theirs", true, true]]);
    await rm(other, { recursive: true, force: true });
  });
});

describe("TimerQueue", () => {
  it("arms a deadline months away without spinning", async () => {
    const timers = new TimerQueue();
    let fired = 0;
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on("warning", onWarning);
    timers.at(Date.now() + 90 * 86_400_000, () => fired++);
    await new Promise((r) => setTimeout(r, 50));
    process.off("warning", onWarning);
    timers.stop();
    expect(fired).toBe(0);
    expect(warnings).toEqual([]);
  });

  it("lets go of a cancelled timer's callback and never fires it", async () => {
    const timers = new TimerQueue();
    let fired = 0;
    const cancel = timers.at(Date.now() + 20, () => fired++);
    timers.at(Date.now() + 30, () => fired++);
    cancel();
    await new Promise((r) => setTimeout(r, 60));
    expect(fired).toBe(1);
    timers.stop();
  });
});
