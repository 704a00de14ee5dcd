import { describe, expect, it } from "vitest";
import { TriggerRule } from "@updraft/sdk";
import type { TaskState } from "@updraft/sdk";
import { evaluateTriggerRule, summarizeUpstream } from "./trigger-rules.ts";
import type { TriggerDecision } from "./trigger-rules.ts";

// Upstream situations, three upstream instances each. The columns of EXPECTED follow this order.
const SCENARIOS: ReadonlyArray<readonly [string, TaskState[]]> = [
  /*  1 */ ["all succeeded", ["success", "success", "success"]],
  /*  2 */ ["one failed, the others succeeded", ["success", "failed", "success"]],
  /*  3 */ ["one failed, the others not done", ["failed", "running", "none"]],
  /*  4 */ ["one skipped, the others succeeded", ["success", "skipped", "success"]],
  /*  5 */ ["one skipped, the others running", ["skipped", "running", "running"]],
  /*  6 */ ["one upstream_failed, the others succeeded", ["upstream_failed", "success", "success"]],
  /*  7 */ ["all skipped", ["skipped", "skipped", "skipped"]],
  /*  8 */ ["all failed", ["failed", "failed", "failed"]],
  /*  9 */ ["failed and upstream_failed", ["failed", "upstream_failed", "upstream_failed"]],
  /* 10 */ ["none done", ["running", "queued", "none"]],
  /* 11 */ ["one succeeded, the others not done", ["success", "running", "up_for_retry"]],
  /* 12 */ ["success, failed and skipped", ["success", "failed", "skipped"]],
  /* 13 */ ["failed and skipped, no success", ["failed", "skipped", "skipped"]],
  /* 14 */ ["all upstream_failed", ["upstream_failed", "upstream_failed", "upstream_failed"]],
  /* 15 */ ["succeeded, one map index removed", ["success", "success", "removed"]],
];

// Decisions per rule, one per scenario above: run, wait, skip, uf (upstream_failed). Derived
// from TriggerRuleDep._evaluate_direct_relatives (the flag_upstream_failed block decides skip /
// uf; a failing dep status means wait) and checked against the rule table in Airflow's
// core-concepts/dags.rst.
//                                  1    2    3    4    5    6    7    8    9    10   11   12   13   14   15
const EXPECTED: Record<TriggerRule, string> = {
  all_success:                   "run  uf   uf   skip skip uf   skip uf   uf   wait wait uf   uf   uf   run",
  all_failed:                    "skip skip wait skip skip skip skip run  run  wait skip skip skip run  skip",
  all_done:                      "run  run  wait run  wait run  run  run  run  wait wait run  run  run  run",
  all_done_min_one_success:      "run  run  wait skip skip run  skip uf   uf   wait wait skip skip uf   run",
  all_skipped:                   "skip skip skip skip wait skip run  skip skip wait skip skip skip skip skip",
  one_success:                   "run  run  wait run  wait run  skip uf   uf   wait run  run  uf   uf   run",
  one_failed:                    "skip run  run  skip wait run  skip run  run  wait wait run  run  run  skip",
  one_done:                      "run  run  run  run  wait run  skip run  run  wait run  run  run  skip run",
  none_failed:                   "run  uf   uf   run  wait uf   run  uf   uf   wait wait uf   uf   uf   run",
  none_failed_min_one_success:   "run  uf   uf   run  wait uf   skip uf   uf   wait wait uf   uf   uf   run",
  none_skipped:                  "run  run  wait skip skip run  skip run  run  wait wait skip skip run  run",
  always:                        "run  run  run  run  run  run  run  run  run  run  run  run  run  run  run",
};

const decisionOf = (code: string): TriggerDecision => (code === "uf" ? "upstream_failed" : (code as TriggerDecision));

const rows = Object.values(TriggerRule).flatMap((rule) => {
  const codes = EXPECTED[rule].trim().split(/\s+/);
  expect(codes).toHaveLength(SCENARIOS.length);
  return SCENARIOS.map(([situation, states], i) => ({ rule, situation, states, decision: decisionOf(codes[i]!) }));
});

describe("evaluateTriggerRule", () => {
  it.each(rows)("$rule: $situation → $decision", ({ rule, states, decision }) => {
    expect(evaluateTriggerRule(rule, summarizeUpstream(states))).toBe(decision);
  });

  it.each(Object.values(TriggerRule))("%s runs a task that has no upstream", (rule) => {
    expect(evaluateTriggerRule(rule, summarizeUpstream([]))).toBe("run");
  });

  it("fails all_success as soon as one upstream failed, without waiting for the rest", () => {
    expect(evaluateTriggerRule("all_success", summarizeUpstream(["failed", "running", "running"]))).toBe("upstream_failed");
  });

  it("prefers upstream_failed over skipped for all_success when both happened", () => {
    expect(evaluateTriggerRule("all_success", summarizeUpstream(["skipped", "failed"]))).toBe("upstream_failed");
  });

  it("runs one_success at the first success even while others are still queued", () => {
    expect(evaluateTriggerRule("one_success", summarizeUpstream(["queued", "success", "scheduled"]))).toBe("run");
  });

  it("does not let a removed upstream block all_success or none_failed", () => {
    const s = summarizeUpstream(["success", "removed", "removed"]);
    expect(evaluateTriggerRule("all_success", s)).toBe("run");
    expect(evaluateTriggerRule("none_failed", s)).toBe("run");
    expect(evaluateTriggerRule("all_skipped", summarizeUpstream(["skipped", "removed"]))).toBe("run");
  });

  it("skips one_success when every upstream left is skipped besides removed ones", () => {
    expect(evaluateTriggerRule("one_success", summarizeUpstream(["skipped", "removed"]))).toBe("skip");
  });

  it("waits while an upstream is up for reschedule", () => {
    expect(evaluateTriggerRule("all_done", summarizeUpstream(["success", "up_for_reschedule"]))).toBe("wait");
  });
});

// Airflow's test_mapped_task_upstream_removed_with_{all_success,all_failed,none_failed}_trigger_rules:
// an upstream mapped over [1..5] shrank to 3 instances (2 removed); the downstream maps over it.
describe("evaluateTriggerRule for a mapped instance whose upstream shrank", () => {
  const shrunk = (state: TaskState) => summarizeUpstream([state, state, state, "removed", "removed"]);

  it.each([
    ["all_success removes the instance beyond the upstream's successes", "all_success", "success", 3, "removed"],
    ["all_success removes the last instance too", "all_success", "success", 4, "removed"],
    ["all_success runs an instance still within them", "all_success", "success", 2, "run"],
    ["all_success runs the unmapped placeholder", "all_success", "success", -1, "run"],
    ["all_failed runs, the removed ones left out", "all_failed", "failed", 3, "run"],
    ["none_failed runs, the removed ones left out", "none_failed", "success", 3, "run"],
    ["none_failed_min_one_success runs, the removed ones left out", "none_failed_min_one_success", "success", 3, "run"],
  ] as const)("%s", (_name, rule, state, mapIndex, expected) => {
    expect(evaluateTriggerRule(rule, shrunk(state), mapIndex)).toBe(expected);
  });
});

describe("summarizeUpstream", () => {
  it("counts each finished state and treats removed as done", () => {
    expect(summarizeUpstream(["success", "skipped", "failed", "upstream_failed", "removed", "running", "up_for_retry"])).toEqual({
      total: 7, success: 1, skipped: 1, failed: 1, upstreamFailed: 1, removed: 1, done: 5,
    });
  });

  it("reads any iterable, such as a generator", () => {
    function* states(): Generator<TaskState> {
      yield "success";
      yield "none";
    }
    expect(summarizeUpstream(states())).toMatchObject({ total: 2, success: 1, done: 1 });
  });
});
