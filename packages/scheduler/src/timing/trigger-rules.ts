// Trigger rules: given the states of a task instance's direct upstream instances, whether it
// waits, runs, or is settled early as skipped or upstream_failed. A port of Airflow's
// TriggerRuleDep (airflow/ti_deps/deps/trigger_rule_dep.py, 2.10; `all_done_min_one_success`
// from 3.1, which added it) as the scheduler runs it, with `flag_upstream_failed` on.
import { FINISHED_TASK_STATES } from "@updraft/sdk";
import type { TaskState, TriggerRule } from "@updraft/sdk";

/** Counts of a task instance's direct upstream instances (every map index of a mapped upstream). */
export interface UpstreamSummary {
  total: number;
  success: number;
  skipped: number;
  failed: number;
  upstreamFailed: number;
  removed: number;
  /** Instances in a finished state: success, failed, upstream_failed, skipped, removed. */
  done: number;
}

/**
 * What the scheduler does with the task instance now. "removed" only for a mapped instance
 * beyond what its upstream still produces (see evaluateTriggerRule).
 */
export type TriggerDecision = "wait" | "run" | "skip" | "upstream_failed" | "removed";

/**
 * Counts upstream states.
 * @example summarizeUpstream(["success", "running"]) // { total: 2, success: 1, done: 1, … }
 */
export function summarizeUpstream(states: Iterable<TaskState>): UpstreamSummary {
  const s: UpstreamSummary = { total: 0, success: 0, skipped: 0, failed: 0, upstreamFailed: 0, removed: 0, done: 0 };
  for (const state of states) {
    s.total++;
    if (FINISHED_TASK_STATES.has(state)) s.done++;
    if (state === "success") s.success++;
    else if (state === "skipped") s.skipped++;
    else if (state === "failed") s.failed++;
    else if (state === "upstream_failed") s.upstreamFailed++;
    else if (state === "removed") s.removed++;
  }
  return s;
}

/**
 * Applies `rule` to the upstream states. A task with no upstream, or with rule `always`, runs.
 * Rules settle early where Airflow's do: `all_success` is upstream_failed as soon as one upstream
 * failed and skipped as soon as one is skipped; `one_success` runs at the first success; and so on.
 *
 * Removed upstream instances (map indexes dropped when an expansion shrank, or tasks dropped from
 * the DAG) count as done and are otherwise left out, as Airflow does for mapped task instances.
 * For unmapped ones Airflow still counts them as upstreams that must succeed, which can block a
 * task for ever (apache/airflow#33164); Updraft does not follow that. With `all_success`, a
 * mapped instance (`mapIndex` >= 0) whose index is not below the number of upstream successes,
 * when some upstream instances were removed, is itself removed: its upstream shrank under it
 * (Airflow's test_mapped_task_upstream_removed_with_all_success_trigger_rules).
 * @example evaluateTriggerRule("all_success", summarizeUpstream(["success", "failed"])) // "upstream_failed"
 */
export function evaluateTriggerRule(rule: TriggerRule, s: UpstreamSummary, mapIndex = -1): TriggerDecision {
  if (s.total === 0 || rule === "always") return "run";
  const { success, skipped, failed, upstreamFailed, removed } = s;
  const upstream = s.total - removed;
  const allDone = s.done >= s.total;
  const anyFailed = failed > 0 || upstreamFailed > 0;

  switch (rule) {
    case "all_success":
      if (anyFailed) return "upstream_failed";
      if (skipped > 0) return "skip";
      if (removed > 0 && success > 0 && mapIndex >= 0 && mapIndex >= success) return "removed";
      return success >= upstream ? "run" : "wait";
    case "all_failed":
      if (success > 0 || skipped > 0) return "skip";
      return failed + upstreamFailed >= upstream ? "run" : "wait";
    case "all_done":
      return allDone ? "run" : "wait";
    case "all_done_min_one_success":
      // Airflow 3.1's code skips as soon as any upstream is skipped.
      if (skipped > 0) return "skip";
      if (success + failed + upstreamFailed < upstream) return "wait";
      return success > 0 ? "run" : "upstream_failed";
    case "all_skipped":
      if (success > 0 || anyFailed) return "skip";
      return skipped >= upstream ? "run" : "wait";
    case "one_success":
      if (success > 0) return "run";
      if (!allDone) return "wait";
      return s.done - removed === skipped ? "skip" : "upstream_failed";
    case "one_failed":
      if (anyFailed) return "run";
      return allDone ? "skip" : "wait";
    case "one_done":
      // upstream_failed is not "done" for this rule: only success or failed fire it.
      if (success > 0 || failed > 0) return "run";
      return allDone ? "skip" : "wait";
    case "none_failed":
      if (anyFailed) return "upstream_failed";
      return success + skipped >= upstream ? "run" : "wait";
    case "none_failed_min_one_success":
      if (anyFailed) return "upstream_failed";
      if (skipped >= upstream) return "skip";
      return success + skipped >= upstream ? "run" : "wait";
    case "none_skipped":
      if (skipped > 0) return "skip";
      return allDone ? "run" : "wait";
    default: {
      const never: never = rule;
      throw new Error(`unknown trigger rule ${JSON.stringify(never)}`);
    }
  }
}
