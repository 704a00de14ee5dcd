// Integration tests of triggering from another process (the CLI, the API): runs are written as
// queued through a second connection to the database, and a running scheduler adopts them on its
// sweep. Real libSQL file, real DAG processor, real worker threads.
import { afterEach, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { dagRun, dagVersion, type Store } from "@updraft/store";
import { SchedulerRequestError } from "../errors.ts";
import { airflowIso } from "./run-repository.ts";
import { backfillIntervals, queueBackfill, queueDagRun, schedulerAlive } from "./trigger.ts";
import { dagFile, isRunEvent, testEngines, type TestEngine, type TestEngineOptions } from "../testing/engine.ts";

const engines = testEngines();
afterEach(() => engines.cleanup());

const DAY = 86_400_000;
const runRows = (store: Store, dagId: string) =>
  store.db.select().from(dagRun).where(eq(dagRun.dagId, dagId)).orderBy(asc(dagRun.logicalDate));

async function engineWithDag(source: string, opts: TestEngineOptions = {}): Promise<TestEngine> {
  const e = await engines.open(opts);
  await e.writeDag("dag.ts", source);
  await e.parseOk();
  return e;
}

const echoDag = (extra = "") => dagFile(`
export default dag({ id: "echo", params: { who: "nobody" }${extra} }, () => {
  task("say", (ctx) => \`hello \${ctx.params.who} on \${ctx.ds}\`)();
});`);

describe("queueDagRun", { timeout: 60_000 }, () => {
  it("queues a run that the running scheduler's sweep adopts and finishes", async () => {
    const e = await engineWithDag(echoDag(), { scheduler: { exclusive: true, sweepMs: 100 } });
    await e.start();
    const cli = await e.openStore(); // another process's connection

    const logicalDate = new Date("2026-02-03T04:05:06Z");
    const { runId } = await queueDagRun(cli, e.home, "echo", { logicalDate, conf: { who: "world" } });
    expect(runId).toBe(`manual__${airflowIso(logicalDate)}`);

    expect(await e.waitForRunEnd("echo", runId)).toBe("success");
    expect(e.events.filter(isRunEvent).map((r) => r.state)).toEqual(["running", "success"]);
    await e.scheduler.flushed();
    const [row] = await runRows(cli, "echo");
    expect(row).toMatchObject({ runId, runType: "manual", state: "success", externalTrigger: true, conf: { who: "world" }, logicalDate });
    const [version] = await cli.db.select().from(dagVersion).where(eq(dagVersion.dagId, "echo"));
    expect(row!.dagVersionId).toBe(version!.id);
    expect(e.host.xcoms.has("echo", runId)).toBe(false); // the run's XCom cache is dropped when it ends
  });

  it("queues a run that a scheduler started later adopts", async () => {
    const e = await engineWithDag(echoDag());
    const { runId } = await queueDagRun(await e.openStore(), e.home, "echo", { logicalDate: new Date("2026-01-01T00:00:00Z") });
    expect((await runRows(e.store, "echo")).map((r) => r.state)).toEqual(["queued"]);
    await e.start();
    expect(await e.waitForRun("echo", runId)).toBe("success");
  });

  it("refuses an unknown DAG and a second run at the same logical date, naming them", async () => {
    const e = await engineWithDag(echoDag());
    const cli = await e.openStore();
    await expect(queueDagRun(cli, e.home, "nope")).rejects.toThrow(SchedulerRequestError);
    await expect(queueDagRun(cli, e.home, "nope")).rejects.toThrow(/dag "nope" is not known/);
    const logicalDate = new Date("2026-01-01T00:00:00Z");
    await queueDagRun(cli, e.home, "echo", { logicalDate });
    await expect(queueDagRun(cli, e.home, "echo", { logicalDate, runId: "other" }))
      .rejects.toThrow('dag "echo" already has a run at logical date 2026-01-01T00:00:00+00:00');
  });

  // waitForRun promises the run's final state, also for a run queued by another process that no
  // sweep has adopted yet (its stored state is still "queued").
  it("waitForRun on a run queued by another process resolves with its final state", async () => {
    const e = await engineWithDag(echoDag(), { scheduler: { exclusive: true, sweepMs: 100 } });
    await e.start();
    const { runId } = await queueDagRun(await e.openStore(), e.home, "echo");
    expect(await e.scheduler.waitForRun("echo", runId)).toBe("success");
  });
});

describe("queueBackfill", { timeout: 60_000 }, () => {
  const dailyDag = dagFile(`
export default dag({ id: "filled", schedule: "@daily", startDate: "2026-01-01", catchup: false, maxActiveRuns: 1 }, () => {
  task("day", (ctx) => ctx.ds)();
});`);

  it("queues one backfill run per interval, which the scheduler runs oldest first, one at a time", async () => {
    const e = await engineWithDag(dailyDag, { scheduler: { scheduleRuns: false, exclusive: true, sweepMs: 100 } });
    await e.start();
    const cli = await e.openStore();
    const from = new Date("2026-01-02T00:00:00Z");
    const to = new Date("2026-01-04T00:00:00Z");

    const { created, existing } = await queueBackfill(cli, e.home, "filled", from, to);
    const starts = [0, 1, 2].map((i) => from.getTime() + i * DAY);
    expect(created).toEqual(starts.map((s) => `backfill__${airflowIso(new Date(s))}`));
    expect(existing).toEqual([]);

    for (const runId of created) expect(await e.waitForRunEnd("filled", runId)).toBe("success");
    const runEvents = e.events.filter(isRunEvent);
    expect(runEvents.map((r) => `${r.state} ${r.runId}`)).toEqual(created.flatMap((id) => [`running ${id}`, `success ${id}`]));
    const rows = await runRows(cli, "filled");
    expect(rows.map((r) => [r.runType, r.dataIntervalStart!.getTime(), r.dataIntervalEnd!.getTime()])).toEqual(starts.map((s) => ["backfill", s, s + DAY]));

    const again = await queueBackfill(cli, e.home, "filled", from, new Date("2026-01-05T00:00:00Z"));
    expect(again).toEqual({ created: [`backfill__${airflowIso(new Date("2026-01-05T00:00:00Z"))}`], existing: created });
  });

  it("lists the schedule's intervals whose logical date falls in the range", () => {
    const schedule = { kind: "cron" as const, expression: "0 0 * * *", preset: "@daily" };
    const dag = { id: "d", schedule, timezone: "UTC" } as Parameters<typeof backfillIntervals>[0];
    expect(backfillIntervals(dag, new Date("2026-01-01T12:00:00Z"), new Date("2026-01-03T00:00:00Z")).map((i) => [i.start.toISOString(), i.end.toISOString()]))
      .toEqual([["2026-01-02T00:00:00.000Z", "2026-01-03T00:00:00.000Z"], ["2026-01-03T00:00:00.000Z", "2026-01-04T00:00:00.000Z"]]);
    expect(() => backfillIntervals({ ...dag, schedule: null }, new Date(0), new Date(1))).toThrow(/has no schedule/);
  });
});

describe("schedulerAlive", { timeout: 60_000 }, () => {
  it("says whether an exclusive scheduler is heartbeating on the database", async () => {
    const e = await engines.open();
    const cli = await e.openStore();
    expect(await schedulerAlive(cli)).toBe(false);
    await e.start();
    expect(await schedulerAlive(cli)).toBe(true);
    await e.scheduler.stop();
    expect(await schedulerAlive(cli)).toBe(false);
  });
});
