// Sensor pokes: poke mode loops inside the try (holding its slot); reschedule mode pokes once and
// hands the slot back until the next poke time.
import { isTruthy, type Json, type PokeResult, type SensorSpec, type TaskContext } from "@updraft/sdk";
import { SensorTimeoutError } from "./errors.ts";

export type SensorResult =
  | { kind: "done"; value: Json | undefined }
  | { kind: "timeout"; error: SensorTimeoutError }
  | { kind: "reschedule"; nextPokeAt: number }
  /** A `softFail` sensor whose poke threw FailTask or a time-out: the sensor ends skipped. */
  | { kind: "soft_fail"; reason: string };

/**
 * The errors from a poke that a `softFail` sensor turns into a skip, as Airflow's
 * BaseSensorOperator does for AirflowFailException, AirflowSensorTimeout and AirflowTaskTimeout.
 * Any other error still fails the try, and retries apply (Airflow's test_soft_fail_with_exception).
 */
export const SOFT_FAIL_ERRORS: ReadonlySet<string> = new Set(["FailTask", "SensorTimeoutError", "TaskTimeoutError"]);

type Poke = (ctx: TaskContext) => PokeResult | Promise<PokeResult>;

/**
 * Reads what a poke returned: `{ done, value }` (Airflow's PokeReturnValue), or a value whose
 * truth decides, by Python's rules as Airflow's `if is_done:` does (`[]`, `{}`, `0`, `""` are not done).
 * @example readPoke([]) // { done: false, value: undefined }
 */
export function readPoke(result: unknown): { done: boolean; value: Json | undefined } {
  if (typeof result === "object" && result !== null && !Array.isArray(result) && Object.hasOwn(result, "done")) {
    const r = result as { done: unknown; value?: Json };
    return { done: isTruthy(r.done), value: r.value };
  }
  return { done: isTruthy(result), value: undefined };
}

/**
 * Milliseconds between poke `pokeNumber` (1 for the first) returning false and the next poke.
 * Without backoff: `pokeIntervalMs`. With `exponentialBackoff`: `pokeIntervalMs * 2^(n-2)` (so
 * half the interval after the first poke, as Airflow's lower bound), never past what is left
 * of `timeoutMs` after `elapsedMs` since the sensor's first poke.
 * Airflow adds a hash-based jitter of up to +100%; here the delay is its lower bound, so it is
 * deterministic.
 * @example sensorPokeDelayMs({ pokeIntervalMs: 60_000, timeoutMs: 3_600_000, mode: "poke", softFail: false, exponentialBackoff: true }, 3) // 120000
 */
export function sensorPokeDelayMs(spec: SensorSpec, pokeNumber: number, elapsedMs = 0): number {
  if (!Number.isInteger(pokeNumber) || pokeNumber < 1) throw new RangeError(`pokeNumber must be an integer >= 1, got ${pokeNumber}`);
  if (!spec.exponentialBackoff) return spec.pokeIntervalMs;
  const backoff = Math.floor(spec.pokeIntervalMs * 2 ** Math.min(pokeNumber - 2, 1023));
  return Math.max(0, Math.min(backoff, spec.timeoutMs - elapsedMs));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export async function runSensor(spec: SensorSpec, poke: Poke, ctx: TaskContext, startedAt: number, pokeCount: number): Promise<SensorResult> {
  const timeoutError = () =>
    new SensorTimeoutError(`sensor "${ctx.taskId}" did not succeed within its timeout of ${spec.timeoutMs}ms`);
  for (let n = pokeCount + 1; ; n++) {
    let result: unknown;
    try {
      result = await poke(ctx);
    } catch (err) {
      const name = err instanceof Error ? err.name : "";
      if (!spec.softFail || !SOFT_FAIL_ERRORS.has(name)) throw err;
      return { kind: "soft_fail", reason: `${name}: ${(err as Error).message}` };
    }
    const { done, value } = readPoke(result);
    if (done) return { kind: "done", value };
    const elapsed = Date.now() - startedAt;
    if (elapsed >= spec.timeoutMs) return { kind: "timeout", error: timeoutError() };
    const delay = sensorPokeDelayMs(spec, n, elapsed);
    ctx.log.info(`Poke returned false; next poke in ${delay}ms`);
    if (spec.mode === "reschedule") return { kind: "reschedule", nextPokeAt: Date.now() + delay };
    await sleep(delay, ctx.signal);
  }
}
