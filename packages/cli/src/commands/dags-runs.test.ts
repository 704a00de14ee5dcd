// `dags list-runs | state | next-execution` against a real store in a temp home, after a real run
// of an example DAG; list-runs over more runs than one page of the store.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { dag, dagRun } from "@updraft/store";
import { dagsListRuns, dagsNextExecution, dagsState, pythonJsonDumps } from "./dags-runs.ts";
import { capture, verbsHome, type VerbsHome } from "./verbs-fixture.ts";

let home: VerbsHome;
beforeAll(async () => {
  home = await verbsHome();
  // 1,200 older runs: more than two of the store's pages (500).
  const day = 86_400_000;
  const rows = Array.from({ length: 1_200 }, (_, i) => {
    const logicalDate = new Date(Date.UTC(2020, 0, 1) + i * day);
    const runType = i % 4 === 1 ? "backfill" as const : "scheduled" as const;
    return {
      dagId: "etl", runId: `${runType}__${logicalDate.toISOString()}`, runType, state: i % 2 ? "success" as const : "failed" as const, logicalDate,
      dataIntervalStart: logicalDate, dataIntervalEnd: new Date(logicalDate.getTime() + day),
    };
  });
  await home.store.write(async (tx) => {
    for (let i = 0; i < rows.length; i += 200) await tx.insert(dagRun).values(rows.slice(i, i + 200));
  });
}, 180_000);
afterAll(() => home?.cleanup());

describe("dags list-runs", { timeout: 60_000 }, () => {
  it("prints every run, newest logical date first, across the store's pages", async () => {
    const r = await capture(() => dagsListRuns(home.config, "etl", { output: "json" }));
    expect(r.code).toBe(0);
    const runs = JSON.parse(r.out) as Array<Record<string, string>>;
    expect(runs).toHaveLength(1_201);
    expect(runs[0]).toEqual(expect.objectContaining({ dag_id: "etl", run_id: home.runId, state: "failed", execution_date: "2026-03-01T00:00:00+00:00" }));
    expect(Object.keys(runs[0]!)).toEqual(["dag_id", "run_id", "state", "execution_date", "start_date", "end_date"]);
    const dates = runs.map((x) => x.execution_date!);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it("filters by state, leaves backfills out and bounds the logical date", async () => {
    const r = await capture(() => dagsListRuns(home.config, "etl", { state: "SUCCESS", noBackfill: true, startDate: "2020-01-01", endDate: "2020-01-10", output: "json" }));
    const ids = (JSON.parse(r.out) as Array<{ run_id: string }>).map((x) => x.run_id);
    // Of the first ten days, the odd ones (0-based) succeed, and days 1, 5 and 9 are backfills.
    expect(ids).toEqual(["scheduled__2020-01-08T00:00:00.000Z", "scheduled__2020-01-04T00:00:00.000Z"]);
  });

  it("prints an aligned table and plain columns, and (none) for no runs", async () => {
    const table = await capture(() => dagsListRuns(home.config, "etl", { startDate: "2026-01-01" }));
    expect(table.out.split("\n").slice(0, 2)).toEqual([
      expect.stringMatching(/^dag_id +run_id +state +execution_date +start_date +end_date$/),
      expect.stringMatching(/^-+( +-+){5}$/),
    ]);
    expect(table.out).toContain(home.runId);
    const plain = await capture(() => dagsListRuns(home.config, "etl", { startDate: "2026-01-01", output: "plain" }));
    expect(plain.out.split("\n")[1]).toContain(home.runId);
    expect((await capture(() => dagsListRuns(home.config, "etl", { startDate: "2030-01-01" }))).out).toBe("(none)\n");
    expect((await capture(() => dagsListRuns(home.config, "etl", { startDate: "2030-01-01", output: "yaml" }))).out).toBe("[]\n");
  });

  it("refuses an unknown DAG (exit 1) and a state that is not a run state (exit 2)", async () => {
    await expect(dagsListRuns(home.config, "nope", {})).rejects.toMatchObject({ name: "NotFoundError", exitCode: 1, message: expect.stringContaining('dag "nope" does not exist') });
    await expect(dagsListRuns(home.config, "etl", { state: "bogus" })).rejects.toMatchObject({ name: "UsageError", message: '--state: expected one of queued, running, success, failed, got "bogus"' });
  });
});

describe("dags state", { timeout: 60_000 }, () => {
  it("prints the run's state and its conf as Python's json.dumps, or None", async () => {
    expect((await capture(() => dagsState(home.config, "etl", "2026-03-01"))).out).toBe('failed, {"who": "test"}\n');
    expect((await capture(() => dagsState(home.config, "etl", "2020-01-02T00:00:00Z"))).out).toBe("success\n");
    expect((await capture(() => dagsState(home.config, "etl", "1999-01-01"))).out).toBe("None\n");
    expect(pythonJsonDumps({ a: [1, "x"], b: { c: null } })).toBe('{"a": [1, "x"], "b": {"c": null}}');
  });
});

describe("dags next-execution", { timeout: 60_000 }, () => {
  it("prints the next scheduled logical dates after the latest scheduled run, one per line", async () => {
    // The latest scheduled or backfill run is 2023-04-14 (the 1,200th day from 2020-01-01).
    const r = await capture(() => dagsNextExecution(home.config, "etl", { numExecutions: "3" }));
    expect(r.out).toBe("2023-04-15T00:00:00+00:00\n2023-04-16T00:00:00+00:00\n2023-04-17T00:00:00+00:00\n");
  });

  it("prints None with a warning for a DAG without a schedule, and reminds that a DAG is paused", async () => {
    await home.store.write((tx) => tx.update(dag).set({ isPaused: true }).where(eq(dag.dagId, "manual_only")));
    const r = await capture(() => dagsNextExecution(home.config, "manual_only", {}));
    expect(r.out).toBe("None\n");
    expect(r.err).toBe("[INFO] Please be reminded this DAG is PAUSED now.\n[WARN] No following schedule can be found. This DAG may have schedule interval '@once' or `None`.\n");
  });
});
