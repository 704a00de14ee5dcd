// A `softFail` sensor cut off by its `executionTimeout` ends skipped, as Airflow's sensors turn
// an AirflowTaskTimeout into a skip. The time-out is enforced by the executor, outside the task
// runtime, so the rule applies here, to the outcome the executor reports. (A poke that throws
// FailTask, or the sensor's own `timeout`, is turned into a skip by the runtime itself.)
import type { SerializedTask } from "@updraft/sdk";
import { ExecutorErrorName } from "@updraft/executor";
import type { TaskOutcome } from "@updraft/worker";

/**
 * The outcome as the scheduler applies it: a timed-out try of a `softFail` sensor becomes
 * skipped; every other outcome is unchanged.
 * @example softFailOutcome(sensorSpec, { status: "failed", retryable: true, error: { name: "TaskTimeoutError", message: "…" } }).status // "skipped"
 */
export function softFailOutcome(spec: Pick<SerializedTask, "kind" | "sensor">, outcome: TaskOutcome): TaskOutcome {
  if (spec.kind !== "sensor" || !spec.sensor?.softFail) return outcome;
  if (outcome.status !== "failed" || outcome.error.name !== ExecutorErrorName.timeout) return outcome;
  return { status: "skipped", reason: `${outcome.error.message} (softFail)`, pushed: {} };
}
