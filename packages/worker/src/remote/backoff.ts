// Reconnection delays: exponential back-off with jitter, so that many workers cut off by the same
// network blip or server restart do not all knock again in the same instant. Pure functions.

export interface BackoffOptions {
  /** The first delay. Default 500ms. */
  initialMs?: number;
  /** The ceiling. Default 30s. */
  maxMs?: number;
}

/**
 * The wait before reconnection attempt `attempt` (0 for the first retry): the exponential step
 * `initialMs * 2^attempt`, capped at `maxMs`, of which a random half is kept ("equal jitter":
 * never less than half the step, never more than the step).
 *
 * @example backoffDelay(0, {}, () => 1) // 500
 * @example backoffDelay(10, {}, () => 0) // 15_000 (half of the 30s cap)
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const step = Math.min(max, initial * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.round(step / 2 + (step / 2) * random());
}

/**
 * Waits `ms`, or less if `signal` aborts first (then it resolves, it does not reject: the caller
 * checks why it woke up).
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
