import { describe, expect, it } from "vitest";
import type { SensorSpec } from "@updraft/sdk";
import { MAX_RETRY_DELAY_MS, retryDelayMs, sensorPokeDelayMs } from "./retry.ts";

const S = 1_000;
const H = 3_600 * S;

describe("retryDelayMs", () => {
  const plain = { retryDelayMs: 30 * S, retryExponentialBackoff: false, maxRetryDelayMs: null };
  const backoff = { ...plain, retryExponentialBackoff: true };

  it.each([
    ["waits retryDelay after every try without backoff", plain, 1, 30 * S],
    ["keeps the same delay on later tries without backoff", plain, 5, 30 * S],
    ["ignores maxRetryDelay without backoff, as Airflow does", { ...plain, maxRetryDelayMs: 10 * S }, 2, 30 * S],
    ["waits retryDelay after the first try with backoff", backoff, 1, 30 * S],
    ["doubles after the second try", backoff, 2, 60 * S],
    ["doubles again after the third try", backoff, 3, 120 * S],
    ["reaches retryDelay * 2^(n-1) after try n", backoff, 6, 960 * S],
    ["caps the backoff at maxRetryDelay", { ...backoff, maxRetryDelayMs: 100 * S }, 3, 100 * S],
    ["treats a maxRetryDelay of 0 as no cap, as Airflow does", { ...backoff, maxRetryDelayMs: 0 }, 3, 120 * S],
    ["caps the backoff at 24 hours by default", { ...backoff, retryDelayMs: 1 * H }, 30, MAX_RETRY_DELAY_MS],
    ["keeps millisecond delays", { ...backoff, retryDelayMs: 250 }, 2, 500],
    ["stays finite for huge try numbers", { ...backoff, retryDelayMs: 1 }, 5000, MAX_RETRY_DELAY_MS],
    ["stays 0 for a zero delay on huge try numbers", { ...backoff, retryDelayMs: 0 }, 5000, 0],
  ] as const)("%s", (_name, task, tryNumber, expected) => {
    expect(retryDelayMs(task, tryNumber)).toBe(expected);
  });

  it("rejects a try number below 1", () => {
    expect(() => retryDelayMs(backoff, 0)).toThrow("failedTryNumber must be an integer >= 1, got 0");
  });
});

describe("sensorPokeDelayMs", () => {
  const sensor: SensorSpec = { pokeIntervalMs: 60 * S, timeoutMs: 1 * H, mode: "poke", softFail: false, exponentialBackoff: false };
  const backoff: SensorSpec = { ...sensor, exponentialBackoff: true };

  it.each([
    ["waits pokeInterval between pokes without backoff", sensor, 1, 0, 60 * S],
    ["does not grow without backoff", sensor, 7, 0, 60 * S],
    ["does not shorten to the remaining timeout without backoff", sensor, 1, 59 * 60 * S, 60 * S],
    ["waits half the interval after the first poke with backoff (Airflow's lower bound)", backoff, 1, 0, 30 * S],
    ["waits the interval after the second poke", backoff, 2, 0, 60 * S],
    ["doubles after the third poke", backoff, 3, 0, 120 * S],
    ["never waits past the timeout", backoff, 8, 0, 1 * H],
    ["waits only what is left of the timeout", backoff, 5, 3_500 * S, 100 * S],
    ["waits 0 once the timeout has passed", backoff, 5, 2 * H, 0],
    ["behaves the same in reschedule mode", { ...backoff, mode: "reschedule" }, 3, 0, 120 * S],
  ] as const)("%s", (_name, spec, pokeNumber, elapsedMs, expected) => {
    expect(sensorPokeDelayMs(spec, pokeNumber, elapsedMs)).toBe(expected);
  });

  it("rejects a poke number below 1", () => {
    expect(() => sensorPokeDelayMs(backoff, 0)).toThrow("pokeNumber must be an integer >= 1");
  });
});
