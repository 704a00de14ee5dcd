// How a finished try changes its task instance: success (XComs, branch and short-circuit
// skipping, skip-decisions.ts), skip, failure with or without a retry, a sensor's reschedule, and a try the
// executor dropped when it stopped. Apart from the scheduler loop; it calls these.
import { argLeaves, type ErrorData, type Json, type TaskState } from "@updraft/sdk";
import type { TaskOutcome } from "@updraft/worker";
import type { OutcomeContext } from "./outcome-context.ts";
import { retryDelayMs } from "../timing/retry.ts";
import { clearXcomRows, historyRow, xcomRow } from "./persist.ts";
import { isFinished, type RunModel, type TaskGroup, type TaskInstanceModel } from "./run-model.ts";
import { preciseNow } from "./scheduler-events.ts";
import { softFailOutcome } from "./sensor-soft-fail.ts";
import { applySkipDecision } from "./skip-decisions.ts";


function describeValue(value: Json): string {
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return `a ${typeof value} (${JSON.stringify(value).slice(0, 40)})`;
}

/**
 * Airflow's UnmappableXComTypePushed: a value that a downstream task maps over with `expand()`
 * must be a list, and the task that pushes anything else fails (its retries apply), rather than
 * the mapped task failing later for a fault that is not its own. A value not pushed at all is
 * left to the mapped task, which then ends upstream_failed (mapping.ts).
 */
function unmappablePush(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, outcome: Extract<TaskOutcome, { status: "success" }>): ErrorData | null {
  if (ti.mapIndex >= 0) return null; // a mapped task's values reach the mapper as the list of them
  for (const id of group.downstream) {
    const expanded = run.tasks.get(id)?.spec.expand?.source;
    // Every XCom the expand() source is built from: itself, or those under a .map() / .zip().
    for (const source of expanded ? argLeaves(expanded) : []) {
      if (source.kind !== "xcom" || source.taskId !== group.spec.id) continue;
      const value = source.key === "return_value" ? outcome.value : outcome.pushed[source.key];
      if (value === undefined || Array.isArray(value)) continue;
      return {
        name: "UnmappableXComTypePushed",
        message: `task "${group.spec.id}" pushed ${describeValue(value)} as XCom "${source.key}", but task "${id}" maps over it with expand(): it must be a list`,
      };
    }
  }
  return null;
}

/** Applies how a try ended. */
export function finishTry(c: OutcomeContext, run: RunModel, group: TaskGroup, ti: TaskInstanceModel, reported: TaskOutcome, key: string): void {
  const outcome = softFailOutcome(group.spec, reported);
  if (outcome.status === "success") {
    const error = unmappablePush(run, group, ti, outcome);
    if (error) return finishTry(c, run, group, ti, { status: "failed", retryable: true, error }, key);
  }
  const now = Date.now();
  ti.startDate ??= now;
  ti.endDate = now;
  switch (outcome.status) {
    case "success": {
      const xcoms: Array<[string, Json]> = Object.entries(outcome.pushed);
      if (outcome.value !== undefined) xcoms.push(["return_value", outcome.value]);
      for (const [k, v] of xcoms) {
        c.xcoms.set(run.dagId, run.runId, ti.taskId, ti.mapIndex, k, v);
        c.writer.write(xcomRow(run, ti.taskId, ti.mapIndex, k, v));
      }
      c.setState(run, group, ti, "success", preciseNow());
      c.writer.write(historyRow(run, group, ti, null));
      applySkipDecision(c, run, group, ti, outcome.value);
      break;
    }
    case "skipped":
      c.setState(run, group, ti, "skipped");
      c.writer.write(historyRow(run, group, ti, null));
      break;
    case "failed": {
      const retry = outcome.retryable && ti.tryNumber <= ti.maxTries;
      c.writer.write(clearXcomRows(run, ti.taskId, ti.mapIndex));
      c.xcoms.clear(run.dagId, run.runId, ti.taskId, ti.mapIndex);
      const next: TaskState = retry ? "up_for_retry" : "failed";
      if (ti.submit) ti.submit.error = outcome.error; // what its parent's await rejects with
      ti.sensorStartedAt = null; // a sensor's next try measures its timeout afresh
      if (retry) ti.nextRetryAt = now + retryDelayMs(group.spec, ti.tryNumber, { dagId: run.dagId, taskId: ti.taskId, logicalDate: run.logicalDate });
      c.setState(run, group, ti, next);
      // The history row records the try itself as failed, whatever comes next.
      const tried = { ...ti, state: "failed" as const };
      c.writer.write(historyRow(run, group, tried, outcome.error));
      if (retry) c.wakeAt(ti.nextRetryAt!, run, group, ti, "up_for_retry");
      c.logs.append(key, [{
        at: now, level: "error",
        message: `${outcome.error.name}: ${outcome.error.message}. Marking task as ${next.toUpperCase()}${retry ? `; try ${ti.tryNumber + 1} of ${ti.maxTries + 1} at ${new Date(ti.nextRetryAt!).toISOString()}` : ""}`,
      }]);
      break;
    }
    case "reschedule":
      ti.nextPokeAt = outcome.nextPokeAt;
      ti.sensorStartedAt = outcome.sensorStartedAt;
      c.setState(run, group, ti, "up_for_reschedule");
      c.wakeAt(outcome.nextPokeAt, run, group, ti, "up_for_reschedule");
      return;
    default:
      return outcome satisfies never;
  }
  if (isFinished(ti.state)) c.afterFinish(run, group);
}

/** The executor stopped under a try: not the task's fault, so it costs no retry. */
export function interrupted(c: OutcomeContext, run: RunModel, group: TaskGroup, ti: TaskInstanceModel, error: ErrorData): void {
  if (ti.state === "queued") {
    ti.tryNumber -= 1; // never started: this try did not happen
  } else {
    ti.endDate = Date.now();
    c.writer.write(historyRow(run, group, { ...ti, state: "failed" }, error));
    ti.maxTries += 1;
  }
  ti.queuedAt = null;
  c.setState(run, group, ti, "scheduled");
}
