// The Gantt chart's rows and axis: rows by first start, tries kept apart, live events growing bars
// and adding tries, and round ticks.
import { describe, expect, it } from "vitest";
import type { GanttData, GanttTry } from "../../shared/grid-types.ts";
import { GanttModel, tickLabel, timeTicks } from "./gantt-model.ts";

const at = (s: number) => new Date(Date.UTC(2026, 2, 1, 0, 0, s)).toISOString();
const tryOf = (taskId: string, n: number, state: string, q: number | null, s: number | null, e: number | null, mapIndex = -1): GanttTry => ({
  task_id: taskId, map_index: mapIndex, try_number: n, state, queued_dttm: q === null ? null : at(q), start_date: s === null ? null : at(s),
  end_date: e === null ? null : at(e), hostname: "h", parent_task_id: null, current: true,
});
const data = (): GanttData => ({
  dag_id: "d",
  run: { run_id: "r", state: "running", run_type: "manual", logical_date: at(0), queued_at: at(0), start_date: at(0), end_date: null, duration: null, note: null, dag_version_id: 1 },
  tries: [tryOf("load", 1, "running", 9, 10, null), tryOf("extract", 2, "success", 4, 5, 8), tryOf("extract", 1, "failed", null, 1, 3)],
});

describe("GanttModel", () => {
  it("puts each instance on one row, ordered by its first try, tries in order", () => {
    const m = new GanttModel();
    m.load(data());
    expect(m.rows.map((r) => [r.taskId, r.tries.map((t) => t.try_number)])).toEqual([["extract", [1, 2]], ["load", [1]]]);
  });

  it("spans from the first start to now while the run runs", () => {
    const m = new GanttModel();
    m.load(data());
    expect(m.extent(Date.parse(at(20)))).toEqual({ from: Date.parse(at(0)), to: Date.parse(at(20)) });
  });

  it("ends a running try and adds a new one from events, and ignores other runs", () => {
    const m = new GanttModel();
    m.load(data());
    const ev = (state: string, n: number, s: number, runId = "r") => ({ type: "task" as const, dag_id: "d", run_id: runId, task_id: "load", map_index: -1, state, try_number: n, hostname: "h", at: at(s) });
    expect(m.applyTask(ev("up_for_retry", 1, 12))).toBe(true);
    expect(m.applyTask(ev("queued", 2, 13))).toBe(true);
    expect(m.applyTask(ev("running", 2, 14))).toBe(true);
    expect(m.applyTask(ev("running", 2, 14, "other"))).toBe(false);
    const load = m.rows.find((r) => r.taskId === "load")!;
    expect(load.tries.map((t) => [t.try_number, t.state, t.end_date, t.current])).toEqual([[1, "up_for_retry", at(12), false], [2, "running", null, true]]);
    expect(load.tries[1]).toMatchObject({ queued_dttm: at(13), start_date: at(14) });
  });
});

describe("timeTicks", () => {
  it("chooses a round step for the span", () => {
    const from = Date.parse(at(0));
    expect(timeTicks(from, from + 60_000, 8).map((t) => (t - from) / 1000)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(tickLabel(from + 10_000, 10_000)).toBe("00:00:10");
    expect(tickLabel(from + 500, 500)).toBe("00:00:00.5");
  });
});
