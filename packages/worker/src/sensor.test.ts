import { describe, expect, it } from "vitest";
import type { SensorSpec } from "@updraft/sdk";
import { readPoke, sensorPokeDelayMs } from "./sensor.ts";

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

describe("readPoke", () => {
  it.each([
    ["true is done", true, true, undefined],
    ["false is not done", false, false, undefined],
    ["an empty list is not done (Python's rule)", [], false, undefined],
    ["a non-empty list is done", ["a.csv"], true, undefined],
    ["an empty object is not done", {}, false, undefined],
    ["an object with keys other than done is done", { rows: 0 }, true, undefined],
    ["0 is not done", 0, false, undefined],
    ["an empty string is not done", "", false, undefined],
    ["null is not done", null, false, undefined],
    ["undefined is not done", undefined, false, undefined],
    ["{ done: true, value } is done with its value", { done: true, value: 7 }, true, 7],
    ["{ done: false } is not done", { done: false }, false, undefined],
    ["{ done: [] } is not done (the flag is read by Python's rule too)", { done: [] }, false, undefined],
  ] as const)("%s", (_name, result, done, value) => {
    expect(readPoke(result)).toEqual({ done, value });
  });
});
