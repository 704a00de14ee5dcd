// applyRunEvent: run events applied to a newest-first list of runs, as the DAG list and page do.
import { describe, expect, it } from "vitest";
import { applyRunEvent, type DagRunSummary } from "./dag-types.ts";

const run = (id: string, state: string, extra: Partial<DagRunSummary> = {}): DagRunSummary => ({
  run_id: id, state, run_type: "scheduled", logical_date: "2026-03-01T00:00:00+00:00", start_date: null, end_date: null, duration: null, ...extra,
});

describe("applyRunEvent", () => {
  it("moves a known run to its new state, with its start and then its end and duration", () => {
    const runs = [run("a", "queued")];
    expect(applyRunEvent(runs, { run_id: "a", state: "running", at: "2026-03-01T00:00:10Z" })).toBe(true);
    expect(runs[0]).toMatchObject({ state: "running", start_date: "2026-03-01T00:00:10Z", end_date: null });
    expect(applyRunEvent(runs, { run_id: "a", state: "success", at: "2026-03-01T00:01:10Z" })).toBe(true);
    expect(runs[0]).toMatchObject({ state: "success", end_date: "2026-03-01T00:01:10Z", duration: 60 });
  });

  it("changes nothing for a state the run already has", () => {
    const runs = [run("a", "success")];
    expect(applyRunEvent(runs, { run_id: "a", state: "success" })).toBe(false);
  });

  it("puts a new run in front with the type and logical date its id carries, and keeps at most `keep`", () => {
    const runs = [run("a", "success"), run("b", "success")];
    expect(applyRunEvent(runs, { run_id: "manual__2026-03-02T06:00:00+00:00", state: "queued", at: "2026-03-02T06:00:01Z" }, 2)).toBe(true);
    expect(runs.map((r) => r.run_id)).toEqual(["manual__2026-03-02T06:00:00+00:00", "a"]);
    expect(runs[0]).toMatchObject({ run_type: "manual", logical_date: "2026-03-02T06:00:00+00:00", state: "queued", start_date: null });
  });

  it("clears the end of a run that runs again (cleared)", () => {
    const runs = [run("a", "failed", { start_date: "2026-03-01T00:00:00Z", end_date: "2026-03-01T00:01:00Z", duration: 60 })];
    applyRunEvent(runs, { run_id: "a", state: "queued" });
    expect(runs[0]).toMatchObject({ state: "queued", start_date: null, end_date: null, duration: null });
  });
});
