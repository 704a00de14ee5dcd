// Sensor pokes: poke mode loops inside the try (holding its slot); reschedule mode pokes once and
// hands the slot back until the next poke time.
import type { Json, PokeResult, SensorSpec, TaskContext } from "@updraft/sdk";
import { SensorTimeoutError } from "./errors.ts";

export type SensorResult =
  | { kind: "done"; value: Json | undefined }
  | { kind: "timeout"; error: SensorTimeoutError }
  | { kind: "reschedule"; nextPokeAt: number };

type Poke = (ctx: TaskContext) => PokeResult | Promise<PokeResult>;

function readPoke(result: PokeResult): { done: boolean; value: Json | undefined } {
  if (typeof result === "object" && result !== null) return { done: Boolean(result.done), value: result.value };
  return { done: Boolean(result), value: undefined };
}

/**
 * Airflow's interval before the next poke. With exponential backoff it doubles per poke from the
 * poke interval (Airflow adds a hash-based jitter; here the delay is deterministic), never past
 * what is left of the timeout.
 */
export function nextPokeDelayMs(spec: SensorSpec, pokeCount: number, elapsedMs: number): number {
  if (!spec.exponentialBackoff) return spec.pokeIntervalMs;
  const backoff = Math.max(spec.pokeIntervalMs * 2 ** Math.max(pokeCount - 1, 0), 1_000);
  return Math.max(Math.min(backoff, spec.timeoutMs - elapsedMs), 0);
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
    const { done, value } = readPoke(await poke(ctx));
    if (done) return { kind: "done", value };
    const elapsed = Date.now() - startedAt;
    if (elapsed >= spec.timeoutMs) return { kind: "timeout", error: timeoutError() };
    const delay = nextPokeDelayMs(spec, n, elapsed);
    ctx.log.info(`Poke returned false; next poke in ${delay}ms`);
    if (spec.mode === "reschedule") return { kind: "reschedule", nextPokeAt: Date.now() + delay };
    await sleep(delay, ctx.signal);
  }
}
