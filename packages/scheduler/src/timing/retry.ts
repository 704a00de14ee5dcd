// How long to wait before a task's next try: Airflow's `TaskInstance.next_retry_datetime`
// (2.10 and 3.x). Without backoff, `retryDelay`. With `retryExponentialBackoff`, in whole
// seconds: the lower bound `ceil(retryDelay * 2^(n-1))`, never under 1 s, plus a deterministic
// jitter of 0 to 100% of it (a SHA-1 of the DAG, the task, the logical date and the try number),
// so that many tasks failing together do not all retry at the same instant; capped at 24 h and
// then at `maxRetryDelay`.
// (The interval between a sensor's pokes lives with the sensor, in the worker runtime.)
import { createHash } from "node:crypto";
import type { SerializedTask } from "@updraft/sdk";

/** Airflow's `[core] max_task_retry_delay` default: no exponential backoff waits longer than 24 h. */
export const MAX_RETRY_DELAY_MS = 24 * 3_600_000;

/** 2^1023 is the largest finite power of two; past it the arithmetic would give Infinity. */
const MAX_EXPONENT = 1023;

/** Which task instance failed, for the jitter: the same failed try always waits the same time. */
export interface RetryIdentity {
  dagId: string;
  taskId: string;
  /** The run's logical date, ms since the epoch. */
  logicalDate: number;
}

function assertCount(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be an integer >= 1, got ${n}`);
}

/**
 * A UTC instant as Python prints a timezone-aware datetime (`str(logical_date)`), the form
 * Airflow hashes: `2026-01-01 00:00:00+00:00`, with `.ffffff` microseconds only when non-zero.
 * @example pythonUtcString(Date.UTC(2026, 0, 1, 0, 0, 0, 250)) // "2026-01-01 00:00:00.250000+00:00"
 */
export function pythonUtcString(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-01-01T00:00:00.250Z
  const fraction = ms % 1000 === 0 ? "" : `.${iso.slice(20, 23)}000`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}+00:00`;
}

/** Airflow's jitter: SHA-1 of `dag#task#logical_date#try` read as an integer, modulo `bound`. */
function jitter(ti: RetryIdentity, tryNumber: number, bound: number): number {
  const hex = createHash("sha1").update(`${ti.dagId}#${ti.taskId}#${pythonUtcString(ti.logicalDate)}#${tryNumber}`).digest("hex");
  return Number(BigInt(`0x${hex}`) % BigInt(bound));
}

/**
 * Milliseconds between the end of failed try `failedTryNumber` (1 for the first) and the next try.
 * Without backoff: `retryDelayMs`. With `retryExponentialBackoff`: `b + jitter` seconds where
 * `b = max(1, ceil(retryDelay_s * 2^(n-1)))` and `0 <= jitter < b`, capped at 24 h and then at
 * `maxRetryDelayMs`. As in Airflow, `maxRetryDelay` only caps the exponential backoff, and 0 or
 * null means no cap of its own.
 * @example retryDelayMs({ retryDelayMs: 0, retryExponentialBackoff: true, maxRetryDelayMs: null }, 1, ti) // 1000
 */
export function retryDelayMs(
  task: Pick<SerializedTask, "retryDelayMs" | "retryExponentialBackoff" | "maxRetryDelayMs">,
  failedTryNumber: number,
  ti: RetryIdentity,
): number {
  assertCount("failedTryNumber", failedTryNumber);
  if (!task.retryExponentialBackoff) return task.retryDelayMs;
  const maxSeconds = MAX_RETRY_DELAY_MS / 1000;
  const lowerBound = Math.max(1, Math.ceil((task.retryDelayMs / 1000) * 2 ** Math.min(failedTryNumber - 1, MAX_EXPONENT)));
  const seconds = lowerBound >= maxSeconds ? maxSeconds : Math.min(lowerBound + jitter(ti, failedTryNumber, lowerBound), maxSeconds);
  const delay = seconds * 1000;
  return task.maxRetryDelayMs ? Math.min(delay, task.maxRetryDelayMs) : delay;
}
