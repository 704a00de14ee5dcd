// The grid, graph and Gantt endpoints over the Hono app, on real data: a DAG file parsed by the DAG
// processor and run by the scheduler in worker threads (a mapped task, children started with
// ctx.submit, a retried task), on a libSQL file; plus runs written by hand that are still running
// and one that holds a task the current version no longer has.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createToken, dagRun, migrateStore, openStore, taskInstance, type Store } from "@updraft/store";
import { DagProcessor, Scheduler, SchedulerTaskHost, TaskLogWriter } from "@updraft/scheduler";
import { ThreadsExecutor } from "@updraft/executor";
import { createApiApp } from "../../app.ts";
import type { ApiApp } from "../../types.ts";

const DAG = `import { dag, task } from "@updraft/sdk";
const shard = task("shard", (ctx, n: number) => n * 10);
const extract = task("extract", () => [1, 2, 3]);
const double = task("double", (ctx, n: number) => n * 2);
const plan = task("plan", async (ctx) => (await Promise.all([0, 1].map((n) => ctx.submit(shard, n)))).reduce((a, b) => a + b, 0));
const flaky = task({ id: "flaky", retries: 1, retryDelay: "50ms" }, (ctx) => { if (ctx.tryNumber === 1) throw new Error("first try fails"); return "ok"; });
const report = task("report", (ctx, total: number) => total);
export default dag({ id: "grid_dag" }, () => { double.expand(extract()); report(plan()); flaky(); });
`;
const OTHER = `import { dag, task } from "@updraft/sdk";
export default dag({ id: "grid_other" }, () => { task("solo", () => null)(); });
`;

const RUN1 = "manual__2026-03-01T00:00:00+00:00";
const LIVE = "manual__live";
const OLD = "manual__old";
const enc = encodeURIComponent;
/** 2026-03-05 00:00:02 UTC as the API writes dates (ISO, explicit offset). */
const AT = expect.stringMatching(/^2026-03-05T00:00:02(\.000)?\+00:00$/);

let dir: string;
let store: Store;
let app: ApiApp;
let readToken: string;
let portalToken: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-ui-grid-"));
  const home = join(dir, "home");
  const dagsFolder = join(dir, "dags");
  await mkdir(dagsFolder, { recursive: true });
  await writeFile(join(dagsFolder, "grid_dag.ts"), DAG);
  await writeFile(join(dagsFolder, "grid_other.ts"), OTHER);
  store = await openStore({ url: `file:${join(dir, "updraft.db")}` });
  await migrateStore(store);
  const results = await new DagProcessor({ store, dagsFolder, home }).processAll();
  if (results.some((r) => r.error)) throw new Error(results.map((r) => r.error).join("\n"));

  const logs = new TaskLogWriter();
  const host = new SchedulerTaskHost(store, logs);
  const executor = new ThreadsExecutor({ host, maxThreads: 2 });
  const errors: unknown[] = [];
  const scheduler = new Scheduler({ store, executor, host, logs, home, sweepMs: 100, scheduleRuns: false, onError: (e) => errors.push(e) });
  await executor.start();
  await scheduler.start();
  try {
    const { runId } = await scheduler.triggerRun("grid_dag", { runId: RUN1, logicalDate: new Date(Date.UTC(2026, 2, 1)) });
    await scheduler.waitForRun("grid_dag", runId);
    await scheduler.flushed();
  } finally {
    await scheduler.stop();
  }
  if (errors.length) throw errors[0];

  // A run still going: `double` half done, one child of `plan` running; and an older run holding
  // a task ("legacy") that the current version no longer has.
  await store.write(async (tx) => {
    await tx.insert(dagRun).values([
      { dagId: "grid_dag", runId: LIVE, runType: "manual", state: "running", logicalDate: new Date(Date.UTC(2026, 2, 5)), startDate: new Date(Date.UTC(2026, 2, 5, 0, 0, 1)) },
      { dagId: "grid_dag", runId: OLD, runType: "scheduled", state: "success", logicalDate: new Date(Date.UTC(2026, 1, 1)), startDate: new Date(Date.UTC(2026, 1, 1)), endDate: new Date(Date.UTC(2026, 1, 1, 0, 1)) },
    ]);
    const at = new Date(Date.UTC(2026, 2, 5, 0, 0, 2));
    await tx.insert(taskInstance).values([
      { dagId: "grid_dag", runId: LIVE, taskId: "extract", state: "success", tryNumber: 1, startDate: at, endDate: at },
      { dagId: "grid_dag", runId: LIVE, taskId: "double", mapIndex: 0, state: "success", tryNumber: 1, startDate: at, endDate: at },
      { dagId: "grid_dag", runId: LIVE, taskId: "double", mapIndex: 1, state: "running", tryNumber: 1, startDate: at },
      { dagId: "grid_dag", runId: LIVE, taskId: "double", mapIndex: 2, state: "failed", tryNumber: 2, startDate: at, endDate: at },
      { dagId: "grid_dag", runId: LIVE, taskId: "plan", state: "running", tryNumber: 1, startDate: at },
      { dagId: "grid_dag", runId: LIVE, taskId: "shard", mapIndex: 0, state: "queued", tryNumber: 1, parentTaskId: "plan", parentMapIndex: -1, submitSeq: 0, queuedDttm: at },
      { dagId: "grid_dag", runId: LIVE, taskId: "report", state: null },
      { dagId: "grid_dag", runId: LIVE, taskId: "flaky", state: "scheduled" },
      { dagId: "grid_dag", runId: OLD, taskId: "legacy", state: "success", tryNumber: 1, operator: "shell", startDate: at, endDate: at },
    ]);
  });
  readToken = (await createToken(store, { name: "read", scope: "read" })).token;
  portalToken = (await createToken(store, { name: "portal", scope: "read", dags: ["grid_other"] })).token;
  app = createApiApp({ store, home, version: "test", trigger: () => Promise.reject(new Error("not triggered in these tests")) });
}, 120_000);

afterAll(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function get(path: string, token = readToken): Promise<{ status: number; body: any }> {
  const res = await app.request(`/api/updraft/ui${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

describe("GET /api/updraft/ui/dags/{dag_id}/grid", () => {
  it("lists the tasks in topological order, each submitted child under its parent and an older version's task last", async () => {
    const { status, body } = await get("/dags/grid_dag/grid");
    expect(status).toBe(200);
    const ids = body.nodes.map((n: any) => n.id);
    expect(ids.indexOf("extract")).toBeLessThan(ids.indexOf("double"));
    expect(ids.indexOf("plan")).toBeLessThan(ids.indexOf("report"));
    expect(ids[ids.indexOf("plan") + 1]).toBe("shard");
    expect(ids.at(-1)).toBe("legacy");
    const byId = Object.fromEntries(body.nodes.map((n: any) => [n.id, n]));
    expect(byId.double).toMatchObject({ kind: "task", is_mapped: true, trigger_rule: "all_success", upstream: ["extract"], group: null, in_dag: true });
    expect(byId.extract.downstream).toEqual(["double"]);
    expect(byId.shard).toMatchObject({ parent_task_id: "plan", in_dag: false, is_mapped: false });
    expect(byId.legacy).toMatchObject({ kind: "shell", in_dag: false, parent_task_id: null });
  });

  it("gives each run's columns oldest first, with summaries computed per task", async () => {
    const { body } = await get("/dags/grid_dag/grid");
    expect(body.runs.map((r: any) => r.run_id)).toEqual([OLD, RUN1, LIVE]);
    expect(body).toMatchObject({ has_more: false, total_runs: 3 });
    const done = body.runs[1];
    expect(done).toMatchObject({ state: "success", run_type: "manual", duration: expect.any(Number) });
    // The mapped task: three instances, all successful.
    expect(done.task_instances.double).toMatchObject({ state: "success", counts: { success: 3 }, total: 3, end_date: expect.any(String) });
    // The children of plan: two, summarised the same way.
    expect(done.task_instances.shard).toMatchObject({ state: "success", counts: { success: 2 }, total: 2 });
    // An unmapped task that failed once and then succeeded: its current try.
    expect(done.task_instances.flaky).toMatchObject({ state: "success", try_number: 2 });
    expect(done.task_instances.flaky.counts).toBeUndefined();
  });

  it("summarises a mapped task and a child in a running run by counts per state, failed standing for them", async () => {
    const { body } = await get("/dags/grid_dag/grid");
    const live = body.runs[2].task_instances;
    expect(live.double).toEqual({
      state: "failed", try_number: 2, start_date: AT, end_date: null,
      counts: { success: 1, running: 1, failed: 1 }, total: 3,
    });
    expect(live.shard).toMatchObject({ state: "queued", counts: { queued: 1 }, total: 1 });
    expect(live.report).toMatchObject({ state: null, try_number: 0 });
    expect(live.legacy).toBeUndefined();
  });

  it("pages to older runs with before and limit, and answers one run with run_id", async () => {
    const first = await get("/dags/grid_dag/grid?limit=2");
    expect(first.body.runs.map((r: any) => r.run_id)).toEqual([RUN1, LIVE]);
    expect(first.body.has_more).toBe(true);
    // The older page: its own tasks only (legacy shows up there).
    const older = await get(`/dags/grid_dag/grid?limit=2&before=${enc(first.body.runs[0].logical_date)}`);
    expect(older.body.runs.map((r: any) => r.run_id)).toEqual([OLD]);
    expect(older.body.has_more).toBe(false);
    expect(older.body.runs[0].task_instances.legacy).toMatchObject({ state: "success" });
    const one = await get(`/dags/grid_dag/grid?run_id=${enc(LIVE)}`);
    expect(one.body.runs.map((r: any) => r.run_id)).toEqual([LIVE]);
    expect(one.body.nodes.some((n: any) => n.id === "shard")).toBe(true);
  });

  it("answers 404 for an unknown run, an unknown DAG and a DAG the token may not see, and 400 for a bad limit", async () => {
    expect((await get("/dags/grid_dag/grid?run_id=nope")).status).toBe(404);
    expect((await get("/dags/nope/grid")).status).toBe(404);
    const hidden = await get("/dags/grid_dag/grid", portalToken);
    expect(hidden.status).toBe(404);
    expect(hidden.body.detail).toContain("grid_dag");
    expect((await get("/dags/grid_other/grid", portalToken)).status).toBe(200);
    expect((await get("/dags/grid_dag/grid?limit=0")).status).toBe(400);
  });

  it("reads runs, task instances and tries through indexes, not scans", async () => {
    const plan = await store.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN
      SELECT run_id, task_id, parent_task_id, map_index >= 0, state, count(*) FROM task_instance
      WHERE dag_id = 'grid_dag' AND run_id IN ('a', 'b') GROUP BY run_id, task_id, parent_task_id, map_index >= 0, state`);
    const text = plan.map((p) => p.detail).join("\n");
    expect(text).toMatch(/SEARCH task_instance USING (INDEX|PRIMARY KEY|COVERING INDEX) \S+ \(dag_id=\? AND run_id=\?\)/);
    const runs = await store.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN
      SELECT * FROM dag_run WHERE dag_id = 'grid_dag' AND logical_date < 5 ORDER BY logical_date DESC LIMIT 26`);
    expect(runs.map((p) => p.detail).join("\n")).toMatch(/SEARCH dag_run USING INDEX \S+ \(dag_id=\? AND logical_date<\?\)/);
    const tries = await store.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN
      SELECT * FROM task_instance_history WHERE dag_id = 'grid_dag' AND run_id = 'a'`);
    expect(tries.map((p) => p.detail).join("\n")).toMatch(/SEARCH task_instance_history USING INDEX \S+ \(dag_id=\? AND run_id=\?\)/);
  });
});

describe("GET /api/updraft/ui/dags/{dag_id}/graph", () => {
  it("gives the latest run's nodes with their state, the dependency edges and each child's edge from its parent", async () => {
    const { status, body } = await get("/dags/grid_dag/graph");
    expect(status).toBe(200);
    expect(body.run.run_id).toBe(LIVE);
    const byId = Object.fromEntries(body.nodes.map((n: any) => [n.id, n]));
    expect(byId.double.summary).toMatchObject({ state: "failed", total: 3 });
    expect(byId.shard.summary).toMatchObject({ state: "queued", total: 1 });
    expect(byId.legacy).toBeUndefined();
    expect(body.edges).toContainEqual({ source_id: "extract", target_id: "double", kind: "dependency" });
    expect(body.edges).toContainEqual({ source_id: "plan", target_id: "report", kind: "dependency" });
    expect(body.edges).toContainEqual({ source_id: "plan", target_id: "shard", kind: "submit" });
  });

  it("gives a named run, and 404 for an unknown one", async () => {
    const { body } = await get(`/dags/grid_dag/graph?run_id=${enc(RUN1)}`);
    expect(body.run.state).toBe("success");
    expect(body.nodes.find((n: any) => n.id === "report").summary).toMatchObject({ state: "success", try_number: 1 });
    expect((await get("/dags/grid_dag/graph?run_id=nope")).status).toBe(404);
    expect((await get("/dags/grid_dag/graph", portalToken)).status).toBe(404);
  });
});

describe("GET /api/updraft/ui/dags/{dag_id}/runs/{run_id}/gantt", () => {
  it("lists every try, the failed first try of a retried task apart from its successful second", async () => {
    const { status, body } = await get(`/dags/grid_dag/runs/${enc(RUN1)}/gantt`);
    expect(status).toBe(200);
    const flaky = body.tries.filter((t: any) => t.task_id === "flaky");
    expect(flaky.map((t: any) => [t.try_number, t.state, t.current])).toEqual([[1, "failed", false], [2, "success", true]]);
    for (const t of flaky) expect(Date.parse(t.end_date)).toBeGreaterThanOrEqual(Date.parse(t.start_date));
    expect(flaky[1].queued_dttm).toEqual(expect.any(String));
    expect(body.tries.filter((t: any) => t.task_id === "double").map((t: any) => t.map_index).sort()).toEqual([0, 1, 2]);
    expect(body.tries.filter((t: any) => t.task_id === "shard").every((t: any) => t.parent_task_id === "plan")).toBe(true);
    const starts = body.tries.map((t: any) => Date.parse(t.start_date));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it("shows a queued try with its queued time and no start, and leaves out instances never queued", async () => {
    const { body } = await get(`/dags/grid_dag/runs/${enc(LIVE)}/gantt`);
    const shard = body.tries.find((t: any) => t.task_id === "shard");
    expect(shard).toMatchObject({ state: "queued", queued_dttm: AT, start_date: null, current: true });
    expect(body.tries.some((t: any) => t.task_id === "report" || t.task_id === "flaky")).toBe(false);
    expect((await get("/dags/grid_dag/runs/nope/gantt")).status).toBe(404);
    expect((await get(`/dags/grid_dag/runs/${enc(LIVE)}/gantt`, portalToken)).status).toBe(404);
  });
});
