import { describe, expect, it } from "vitest";
import { backoffDelay, sleep } from "./backoff.ts";

describe("backoffDelay", () => {
  it.each([
    // attempt, random, expected
    [0, 0, 250],
    [0, 1, 500],
    [1, 1, 1_000],
    [2, 0.5, 1_500],
    [5, 1, 16_000],
    [6, 1, 30_000],
    [6, 0, 15_000],
    [100, 1, 30_000],
  ])("attempt %i with random %d waits %ims (0.5s doubling to a 30s cap, half of it jittered)", (attempt, random, expected) => {
    expect(backoffDelay(attempt, {}, () => random)).toBe(expected);
  });

  it("takes its own initial delay and ceiling", () => {
    expect(backoffDelay(0, { initialMs: 10, maxMs: 40 }, () => 1)).toBe(10);
    expect(backoffDelay(3, { initialMs: 10, maxMs: 40 }, () => 1)).toBe(40);
  });
});

describe("sleep", () => {
  it("wakes up early when its signal aborts", async () => {
    const stop = new AbortController();
    const started = Date.now();
    setTimeout(() => stop.abort(), 20);
    await sleep(10_000, stop.signal);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
