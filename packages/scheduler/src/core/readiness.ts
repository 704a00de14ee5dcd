// Whether a task instance that has not started may run now, by the dependencies Airflow's
// scheduler checks for it: a decision recorded by a branch or short circuit directly upstream
// (NotPreviouslySkippedDep), the trigger rule (TriggerRuleDep) and the previous run
// (PrevDagrunDep), with `waitForPastDependsBeforeSkipping` holding a skip until the previous run
// allows it. Pure: the caller supplies the upstream counts, the recorded decisions, and whether
// the past dependency is met (asked only when it matters).
import type { Json, SerializedTask } from "@updraft/sdk";
import { evaluateTriggerRule, type TriggerDecision, type UpstreamSummary } from "../timing/trigger-rules.ts";
import { skippedByDecision } from "./skip-decisions.ts";

type ReadinessSpec = Pick<SerializedTask, "id" | "triggerRule" | "dependsOnPast" | "waitForPastDependsBeforeSkipping">;

/**
 * What to do with a task instance that has not started: wait, run, or settle it as skipped or
 * upstream_failed.
 * @example taskReadiness(spec, summarizeUpstream(["success"]), [{ followed: ["other"] }], () => true) // "skip"
 */
export function taskReadiness(spec: ReadinessSpec, upstream: UpstreamSummary, decisions: readonly Json[], pastMet: () => boolean): TriggerDecision {
  // Airflow only holds skips (not upstream_failed) for the past, and only for dependsOnPast tasks.
  const skip = (): TriggerDecision => (spec.dependsOnPast && spec.waitForPastDependsBeforeSkipping && !pastMet() ? "wait" : "skip");
  if (skippedByDecision(spec.id, decisions)) return skip();
  const decision = evaluateTriggerRule(spec.triggerRule, upstream);
  if (decision === "skip") return skip();
  if (decision === "run" && spec.dependsOnPast && !pastMet()) return "wait";
  return decision;
}
