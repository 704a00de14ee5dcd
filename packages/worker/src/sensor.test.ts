import { describe, expect, it } from "vitest";
import type { SensorSpec } from "@updraft/sdk";
import { sensorPokeDelayMs } from "./sensor.ts";

const S = 1_000;
const H = 3_600_000;

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
