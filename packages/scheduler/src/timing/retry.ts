// How long to wait before a task's next try: Airflow 2.10's `TaskInstance.next_retry_datetime`.
// (The interval between a sensor's pokes lives with the sensor, in the worker runtime.)
//
// Both Airflow formulas add a pseudo-random jitter (a SHA-1 of the task instance, between +0% and
// +100% of the backoff). Updraft leaves it out and waits the lower bound, so delays are
// deterministic and tests can state them exactly. Airflow also rounds to whole seconds with a
// floor of 1 s, only so that its jitter never takes a modulo by zero; without the jitter that
// floor has no purpose, so delays keep millisecond precision ("500ms" stays 500 ms).
import type { SerializedTask } from "@updraft/sdk";

/** Airflow's `[core] max_task_retry_delay` default: no exponential backoff waits longer than 24 h. */
export const MAX_RETRY_DELAY_MS = 24 * 3_600_000;

/** 2^1023 is the largest finite power of two; past it the arithmetic would give Infinity * 0. */
const MAX_EXPONENT = 1023;

function assertCount(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be an integer >= 1, got ${n}`);
}

/**
 * Milliseconds between the end of failed try `failedTryNumber` (1 for the first) and the next try.
 * Without backoff: `retryDelayMs`. With `retryExponentialBackoff`: `retryDelayMs * 2^(n-1)`,
 * capped at 24 h and then at `maxRetryDelayMs`. As in Airflow, `maxRetryDelay` only caps the
 * exponential backoff, and 0 or null means no cap of its own.
 * @example retryDelayMs({ retryDelayMs: 30_000, retryExponentialBackoff: true, maxRetryDelayMs: null }, 3) // 120000
 */
export function retryDelayMs(
  task: Pick<SerializedTask, "retryDelayMs" | "retryExponentialBackoff" | "maxRetryDelayMs">,
  failedTryNumber: number,
): number {
  assertCount("failedTryNumber", failedTryNumber);
  if (!task.retryExponentialBackoff) return task.retryDelayMs;
  const backoff = Math.ceil(task.retryDelayMs * 2 ** Math.min(failedTryNumber - 1, MAX_EXPONENT));
  const delay = Math.min(backoff, MAX_RETRY_DELAY_MS);
  return task.maxRetryDelayMs ? Math.min(delay, task.maxRetryDelayMs) : delay;
}
