// The grid's data under live events: run and task events change cells in place, mapped tasks and
// submitted children keep counts per state, and what an event cannot settle is reported.
import { describe, expect, it } from "vitest";
import type { GridNode, GridPage } from "../../shared/grid-types.ts";
import type { TaskEvent } from "../../shared/event-stream.ts";
import { Applied, GridModel } from "./grid-model.ts";
import { nextPos } from "./grid-keys.ts";

const node = (id: string, extra: Partial<GridNode> = {}): GridNode => ({
  id, kind: "task", is_mapped: false, trigger_rule: "all_success", upstream: [], downstream: [], group: null, parent_task_id: null, in_dag: true, doc: null, ...extra,
});
const run = (runId: string, day: number, tis: GridPage["runs"][number]["task_instances"] = {}) => ({
  run_id: runId, state: "running", run_type: "manual", logical_date: `2026-03-0${day}T00:00:00.000+00:00`, queued_at: null,
  start_date: `2026-03-0${day}T00:00:01.000+00:00`, end_date: null, duration: null, note: null, dag_version_id: 1, task_instances: tis,
});
const page = (): GridPage => ({
  dag_id: "d",
  nodes: [node("plan"), node("shard", { parent_task_id: "plan", in_dag: false }), node("double", { is_mapped: true }), node("report")],
  runs: [
    run("r1", 1, { plan: { state: "success", try_number: 1, start_date: null, end_date: null } }),
    run("r2", 2, {
      plan: { state: "running", try_number: 1, start_date: null, end_date: null },
      double: { state: "running", try_number: 1, start_date: null, end_date: null, counts: { running: 2, success: 1 }, total: 3 },
    }),
  ],
  has_more: false,
  total_runs: 2,
});
const task = (runId: string, taskId: string, state: string | null, mapIndex = -1, tryNumber = 1): TaskEvent => ({
  type: "task", dag_id: "d", run_id: runId, task_id: taskId, map_index: mapIndex, state, try_number: tryNumber, hostname: null, at: "2026-03-02T00:01:00.000Z",
});

describe("GridModel", () => {
  it("sets an unmapped instance's state, try and end from its event", () => {
    const m = new GridModel();
    m.load(page());
    expect(m.applyTask(task("r2", "plan", "success"))).toBe(Applied.changed);
    expect(m.cell("r2", "plan")).toMatchObject({ state: "success", try_number: 1, end_date: "2026-03-02T00:01:00.000Z" });
    expect(m.applyTask(task("r2", "report", "queued"))).toBe(Applied.changed);
    expect(m.cell("r2", "report")).toMatchObject({ state: "queued", start_date: null });
  });

  it("moves a mapped instance between counts once its previous state is known, and guesses the first time", () => {
    const m = new GridModel();
    m.load(page());
    // First event for [0]: its previous state is guessed (running), to be checked by a refetch.
    expect(m.applyTask(task("r2", "double", "success", 0))).toBe(Applied.guessed);
    expect(m.cell("r2", "double")).toMatchObject({ counts: { running: 1, success: 2 }, total: 3, state: "running" });
    // Now known: [0] fails on a retry, then succeeds.
    expect(m.applyTask(task("r2", "double", "failed", 0, 2))).toBe(Applied.changed);
    expect(m.cell("r2", "double")).toMatchObject({ counts: { running: 1, success: 1, failed: 1 }, state: "failed", try_number: 2 });
    expect(m.applyTask(task("r2", "double", "failed", 0, 2))).toBe(Applied.ignored);
  });

  it("counts a new child of plan as one more instance, under the parent's row", () => {
    const m = new GridModel();
    m.load(page());
    expect(m.applyTask(task("r2", "shard", "scheduled", 0))).toBe(Applied.changed);
    expect(m.applyTask(task("r2", "shard", "scheduled", 1))).toBe(Applied.changed);
    expect(m.applyTask(task("r2", "shard", "running", 1))).toBe(Applied.changed);
    expect(m.cell("r2", "shard")).toMatchObject({ counts: { scheduled: 1, running: 1 }, total: 2, state: "scheduled", end_date: null });
    expect(m.rows.map((r) => [r.node.id, r.depth])).toEqual([["plan", 0], ["shard", 1], ["double", 0], ["report", 0]]);
  });

  it("reports a run or a task it does not know, and merges the fetched column in logical-date order", () => {
    const m = new GridModel();
    m.load(page());
    expect(m.applyTask(task("r3", "plan", "running"))).toBe(Applied.unknownRun);
    expect(m.applyTask(task("r2", "other_child", "scheduled", 0))).toBe(Applied.unknownTask);
    m.mergeColumns({
      dag_id: "d", nodes: [node("plan"), node("other_child", { parent_task_id: "plan", in_dag: false })],
      runs: [run("r3", 3, { plan: { state: "running", try_number: 1, start_date: null, end_date: null } })], has_more: false, total_runs: 3,
    });
    expect(m.runs.map((r) => r.run_id)).toEqual(["r1", "r2", "r3"]);
    expect(m.rows.map((r) => r.node.id)).toEqual(["plan", "shard", "other_child", "double", "report"]);
    expect(m.applyTask(task("r3", "plan", "success"))).toBe(Applied.changed);
    expect(m.totalRuns).toBe(3);
  });

  it("ends a run with its duration, and adds older runs on the left", () => {
    const m = new GridModel();
    m.load(page());
    expect(m.applyRun({ type: "run", dag_id: "d", run_id: "r1", state: "success", at: "2026-03-01T00:00:11.000+00:00" })).toBe(Applied.changed);
    expect(m.runs[0]).toMatchObject({ state: "success", duration: 10 });
    m.addOlder({ dag_id: "d", nodes: [node("legacy", { in_dag: false })], runs: [{ ...run("r0", 1), logical_date: "2026-02-28T00:00:00.000+00:00" }], has_more: true, total_runs: 3 });
    expect(m.runs.map((r) => r.run_id)).toEqual(["r0", "r1", "r2"]);
    expect(m.rows.at(-1)?.node.id).toBe("legacy");
    expect(m.hasMore).toBe(true);
  });

  it("applies 20,000 events in well under a frame's worth of time per thousand", () => {
    const m = new GridModel();
    const nodes = Array.from({ length: 200 }, (_, i) => node(`t${i}`));
    const runs = Array.from({ length: 100 }, (_, r) => ({ ...run(`r${r}`, 1), logical_date: new Date(Date.UTC(2026, 0, 1) + r * 3_600_000).toISOString() }));
    m.load({ dag_id: "d", nodes, runs, has_more: false, total_runs: 100 });
    const states = ["queued", "running", "success", "failed"];
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) m.applyTask(task(`r${i % 100}`, `t${i % 200}`, states[i % 4]!));
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

describe("nextPos", () => {
  it("moves between cells, the task names and the runs' bars, and stops at the edges", () => {
    expect(nextPos("ArrowRight", false, { r: 0, c: 0 }, 3, 2, 10)).toEqual({ r: 0, c: 1 });
    expect(nextPos("ArrowRight", false, { r: 0, c: 1 }, 3, 2, 10)).toEqual({ r: 0, c: 1 });
    expect(nextPos("ArrowLeft", false, { r: 0, c: 0 }, 3, 2, 10)).toEqual({ r: 0, c: -1 });
    expect(nextPos("ArrowUp", false, { r: 0, c: 1 }, 3, 2, 10)).toEqual({ r: -1, c: 1 });
    expect(nextPos("ArrowUp", false, { r: 0, c: -1 }, 3, 2, 10)).toEqual({ r: 0, c: -1 });
    expect(nextPos("ArrowLeft", false, { r: -1, c: 0 }, 3, 2, 10)).toEqual({ r: -1, c: 0 });
    expect(nextPos("End", true, { r: 0, c: 0 }, 3, 2, 10)).toEqual({ r: 2, c: 1 });
    expect(nextPos("Home", false, { r: 1, c: 1 }, 3, 2, 10)).toEqual({ r: 1, c: -1 });
    expect(nextPos("PageDown", false, { r: 0, c: 0 }, 30, 2, 10)).toEqual({ r: 10, c: 0 });
    expect(nextPos("Tab", false, { r: 0, c: 0 }, 3, 2, 10)).toBeNull();
  });
});
