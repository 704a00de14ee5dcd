import { describe, expect, it } from "vitest";
import { dag, task, chain, type TaskState } from "@updraft/sdk";
import { buildTaskGroups, finalRunState, moveState, newTaskInstance, track, upstreamSummary, type RunModel } from "./run-model.ts";

const serialized = dag({ id: "m" }, () => {
  const a = task("a", () => [1, 2]);
  const b = task("b", (_c, n: number) => n);
  const c = task("c", () => 1);
  const d = task({ id: "d", triggerRule: "all_done" }, () => 1);
  const out = b.expand(a());
  chain(out, d());
  c();
}).serialize(() => null);

function runWith(states: Record<string, TaskState[]>): RunModel {
  const run: RunModel = {
    id: 1, dagId: "m", runId: "r", runType: "manual", state: "running", logicalDate: 0, dataIntervalStart: 0, dataIntervalEnd: 0,
    queuedAt: 0, startDate: 0, endDate: null, conf: {}, params: {},
    version: { versionId: 1, serialized, bundleHash: "h", bundlePath: "/x" }, tasks: buildTaskGroups(serialized), unfinished: 0,
  };
  for (const [taskId, list] of Object.entries(states)) {
    const group = run.tasks.get(taskId)!;
    list.forEach((state, i) => {
      const ti = newTaskInstance(group.spec, list.length > 1 || group.spec.expand ? i : -1);
      ti.state = state;
      track(run, group, ti);
    });
  }
  return run;
}

describe("run model", () => {
  it("counts every mapped instance in a downstream task's upstream summary", () => {
    const run = runWith({ a: ["success"], b: ["success", "failed", "skipped", "running"], c: ["none"], d: ["none"] });
    expect(upstreamSummary(run, run.tasks.get("d")!.spec)).toEqual({ total: 4, success: 1, skipped: 1, failed: 1, upstreamFailed: 0, removed: 0, done: 3 });
  });

  it("keeps counts and the unfinished total right as states move", () => {
    const run = runWith({ a: ["running"], b: ["none"], c: ["none"], d: ["none"] });
    expect(run.unfinished).toBe(4);
    const group = run.tasks.get("a")!;
    moveState(run, group, group.tis.get(-1)!, "success");
    expect(run.unfinished).toBe(3);
    expect(group.counts.get("success")).toBe(1);
    expect(group.counts.get("running")).toBe(0);
    moveState(run, group, group.tis.get(-1)!, "scheduled"); // cleared: unfinished again
    expect(run.unfinished).toBe(4);
  });

  it.each([
    ["succeeds when every leaf succeeded or was skipped", { a: ["success"], b: ["success", "skipped"], c: ["skipped"], d: ["success"] }, "success"],
    ["succeeds when a failed task is not a leaf and its leaf ran anyway", { a: ["success"], b: ["failed"], c: ["success"], d: ["success"] }, "success"],
    ["fails when a leaf failed", { a: ["success"], b: ["success"], c: ["failed"], d: ["success"] }, "failed"],
    ["fails when a leaf is upstream_failed", { a: ["failed"], b: ["upstream_failed"], c: ["success"], d: ["upstream_failed"] }, "failed"],
    ["is not decided while anything is unfinished", { a: ["success"], b: ["success"], c: ["up_for_retry"], d: ["success"] }, null],
  ] as const)("%s", (_name, states, expected) => {
    expect(finalRunState(runWith(states as unknown as Record<string, TaskState[]>))).toBe(expected);
  });
});
