// What a branch or a short circuit decided, applied and recorded. The decision is kept as the
// XCom "skipmixin_key" of the deciding task instance, as Airflow's SkipMixin keeps it
// (`{ followed: [...] }` for a branch, `{ skipped: [...] }` for a short circuit), so that a task
// cleared later is held to it (Airflow's NotPreviouslySkippedDep): clearing a skipped leg of a
// branch skips it again, instead of running it. Clearing the deciding task drops its XComs, and
// so the decision, which it makes afresh.
import { isTruthy, type Json } from "@updraft/sdk";
import type { OutcomeContext } from "./outcome-context.ts";
import { xcomRow } from "./persist.ts";
import type { RunModel, TaskGroup, TaskInstanceModel } from "./run-model.ts";

/** Airflow's XCOM_SKIPMIXIN_KEY. */
export const SKIP_DECISION_KEY = "skipmixin_key";

export type SkipDecision = { followed: string[] } | { skipped: string[] };

/** Every task below the given ones, the given ones included. */
function withDescendants(run: RunModel, ids: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const stack = [...ids];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(run.tasks.get(id)?.downstream ?? []));
  }
  return out;
}

/**
 * A branch's decision, as Airflow's skip_all_except takes it: the targets and every task below
 * them are followed; each direct downstream task outside that set is skipped (so a join that a
 * followed leg also reaches is not).
 * @example branchDecision(run, pickGroup, "left") // { followed: ["join", "left"], skip: ["right"] }
 */
export function branchDecision(run: RunModel, group: TaskGroup, value: Json | undefined): { followed: string[]; skip: string[] } {
  const targets = Array.isArray(value) ? value : value == null ? [] : [value];
  const chosen = withDescendants(run, targets.map(String));
  return {
    followed: group.downstream.filter((d) => chosen.has(d)).sort(),
    skip: group.downstream.filter((d) => !chosen.has(d)),
  };
}

/**
 * What a falsy short circuit skips: every task downstream (`ignoreDownstreamTriggerRules`, the
 * default) or only its direct downstream tasks.
 */
export function shortCircuitSkips(run: RunModel, group: TaskGroup): string[] {
  if (group.spec.ignoreDownstreamTriggerRules === false) return [...group.downstream];
  const all = withDescendants(run, group.downstream);
  return [...all];
}

/**
 * Whether a decision recorded by one of a task's direct upstream branches or short circuits
 * says to skip it: not among a branch's followed tasks, or among a short circuit's skipped ones.
 * @example skippedByDecision("right", [{ followed: ["left"] }]) // true
 */
export function skippedByDecision(taskId: string, decisions: Iterable<Json | undefined>): boolean {
  for (const d of decisions) {
    if (typeof d !== "object" || d === null || Array.isArray(d)) continue;
    const followed = d.followed;
    const skipped = d.skipped;
    if (Array.isArray(followed) && !followed.includes(taskId)) return true;
    if (Array.isArray(skipped) && skipped.includes(taskId)) return true;
  }
  return false;
}

/** The decisions recorded by the finished branches and short circuits directly upstream of a task. */
export function upstreamDecisions(c: Pick<OutcomeContext, "xcoms">, run: RunModel, upstream: readonly string[]): Json[] {
  const out: Json[] = [];
  for (const id of upstream) {
    const g = run.tasks.get(id);
    if (!g || (g.spec.kind !== "branch" && g.spec.kind !== "short_circuit")) continue;
    const decision = c.xcoms.getOne(run.dagId, run.runId, id, -1, SKIP_DECISION_KEY);
    if (decision !== undefined) out.push(decision);
  }
  return out;
}

function record(c: OutcomeContext, run: RunModel, ti: TaskInstanceModel, decision: SkipDecision): void {
  c.xcoms.set(run.dagId, run.runId, ti.taskId, ti.mapIndex, SKIP_DECISION_KEY, decision);
  c.writer.write(xcomRow(run, ti.taskId, ti.mapIndex, SKIP_DECISION_KEY, decision));
}

/** Skips the instances of these tasks that have not started (their downstream react). */
function skipWaiting(c: OutcomeContext, run: RunModel, ids: Iterable<string>, oneByOne: boolean): void {
  for (const id of ids) {
    const g = run.tasks.get(id);
    if (!g) continue;
    for (const t of [...g.tis.values()]) {
      if (t.state !== "none") continue;
      if (oneByOne) c.finishWithout(run, g, t, "skipped");
      else {
        t.endDate = Date.now();
        c.setState(run, g, t, "skipped");
      }
    }
  }
}

/**
 * After a branch or short circuit succeeded: records its decision and skips accordingly. A
 * branch's skipped legs and a short circuit's direct-only skips let their downstream follow
 * their trigger rules; a short circuit that ignores those skips everything below at once.
 */
export function applySkipDecision(c: OutcomeContext, run: RunModel, group: TaskGroup, ti: TaskInstanceModel, value: Json | undefined): void {
  if (group.spec.kind === "branch") {
    const { followed, skip } = branchDecision(run, group, value);
    if (ti.mapIndex < 0) record(c, run, ti, { followed });
    skipWaiting(c, run, skip, true);
    return;
  }
  if (group.spec.kind !== "short_circuit" || isTruthy(value)) return;
  const skipped = shortCircuitSkips(run, group);
  if (ti.mapIndex < 0) record(c, run, ti, { skipped });
  skipWaiting(c, run, skipped, group.spec.ignoreDownstreamTriggerRules === false);
}
