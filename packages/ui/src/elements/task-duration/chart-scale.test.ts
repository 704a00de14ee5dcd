// The duration chart's ticks read as durations.
import { describe, expect, it } from "vitest";
import { durationTicks, labelEvery } from "./chart-scale.ts";

describe("durationTicks", () => {
  it.each([
    [170, [0, 60, 120, 180]],
    [4.2, [0, 1, 2, 3, 4, 5]],
    [0.3, [0, 0.1, 0.2, 0.3]],
    [5000, [0, 1800, 3600, 5400]],
    [45, [0, 10, 20, 30, 40, 50]],
  ])("ticks up to %d seconds are %j", (max, ticks) => {
    expect(durationTicks(max)).toEqual(ticks);
  });
  it("has an axis for no data", () => {
    expect(durationTicks(0)).toEqual([0, 1]);
  });
});

describe("labelEvery", () => {
  it("labels every run when they fit, and fewer when they do not", () => {
    expect(labelEvery(10, 1000)).toBe(1);
    expect(labelEvery(100, 800)).toBe(9);
  });
});
