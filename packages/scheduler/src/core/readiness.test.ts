import { describe, expect, it } from "vitest";
import type { Json, TaskState, TriggerRule } from "@updraft/sdk";
import { summarizeUpstream } from "../timing/trigger-rules.ts";
import { taskReadiness } from "./readiness.ts";

const spec = (o: { triggerRule?: TriggerRule; dependsOnPast?: boolean; waitForPastDependsBeforeSkipping?: boolean } = {}) => ({
  id: "leg", triggerRule: o.triggerRule ?? "all_success", dependsOnPast: o.dependsOnPast ?? false,
  waitForPastDependsBeforeSkipping: o.waitForPastDependsBeforeSkipping ?? false,
});
const holding = spec({ dependsOnPast: true, waitForPastDependsBeforeSkipping: true });

describe("taskReadiness", () => {
  it.each([
    // NotPreviouslySkippedDep: test_clear_skipped_downstream_task
    ["skips a task its upstream branch did not follow", spec(), ["success"], [{ followed: ["other"] }], true, "skip"],
    ["runs a task its upstream branch followed", spec(), ["success"], [{ followed: ["leg"] }], true, "run"],
    ["skips a task its upstream short circuit skipped", spec(), ["success"], [{ skipped: ["leg", "after"] }], true, "skip"],
    ["ignores a short circuit's decision that does not name it", spec(), ["success"], [{ skipped: ["other"] }], true, "run"],
    ["holds to the decision whatever the trigger rule", spec({ triggerRule: "always" }), ["success"], [{ followed: [] }], true, "skip"],
    ["ignores what is not a decision", spec(), ["success"], [null, "x", [1]] as Json[], true, "run"],
    // TriggerRuleDep
    ["waits on an upstream not done", spec(), ["running"], [], true, "wait"],
    ["marks upstream_failed", spec(), ["failed"], [], true, "upstream_failed"],
    ["skips after a skipped upstream", spec(), ["skipped"], [], true, "skip"],
    // PrevDagrunDep
    ["waits for the past before running a dependsOnPast task", spec({ dependsOnPast: true }), ["success"], [], false, "wait"],
    ["runs a dependsOnPast task once the past allows", spec({ dependsOnPast: true }), ["success"], [], true, "run"],
    ["skips a dependsOnPast task without waiting for the past by default", spec({ dependsOnPast: true }), ["skipped"], [], false, "skip"],
    // wait_for_past_depends_before_skipping (test_all_success_tr_skip_wait_for_past_depends_before_skipping*)
    ["holds a skip until the past allows it", holding, ["skipped"], [], false, "wait"],
    ["skips once the past allows it", holding, ["skipped"], [], true, "skip"],
    ["holds a recorded skip until the past allows it", holding, ["success"], [{ followed: [] }], false, "wait"],
    ["does not hold upstream_failed", holding, ["failed"], [], false, "upstream_failed"],
    ["does not hold a skip for a task without dependsOnPast", spec({ waitForPastDependsBeforeSkipping: true }), ["skipped"], [], false, "skip"],
  ] as const)("%s", (_name, s, states, decisions, pastMet, expected) => {
    expect(taskReadiness(s, summarizeUpstream(states as readonly TaskState[]), decisions as readonly Json[], () => pastMet)).toBe(expected);
  });

  it("asks about the past only when the answer matters", () => {
    let asked = 0;
    const pastMet = () => (asked++, true);
    taskReadiness(spec({ dependsOnPast: true }), summarizeUpstream(["running"]), [], pastMet);
    taskReadiness(spec({ dependsOnPast: true }), summarizeUpstream(["failed"]), [], pastMet);
    expect(asked).toBe(0);
    taskReadiness(spec({ dependsOnPast: true }), summarizeUpstream(["success"]), [], pastMet);
    expect(asked).toBe(1);
  });
});
