import { describe, expect, it } from "vitest";
import { DurationAverage, idleToRetire, targetThreads, type ScalingInput } from "./adaptive-scaling.ts";

const base: ScalingInput = {
  queued: 0, runningElapsedMs: [], concurrency: 1, avgDurationMs: null, unknownDurationMs: 500,
  targetIntervalMs: 1000, minThreads: 1, maxThreads: 8,
};

describe("targetThreads", () => {
  it.each([
    ["stays at min with no work", {}, 1],
    ["assumes the unknown duration before any job finished", { queued: 4 }, 2],
    ["sizes the backlog to finish within the interval", { queued: 38, runningElapsedMs: [10, 20], avgDurationMs: 100 }, 4],
    ["never wants more threads than the work has jobs", { queued: 2, avgDurationMs: 10_000 }, 2],
    ["caps at max", { queued: 1000, avgDurationMs: 1000 }, 8],
    ["keeps min even when the backlog is tiny", { minThreads: 3, queued: 1, avgDurationMs: 1 }, 3],
    ["lets many tiny jobs run on few threads", { queued: 20_000, avgDurationMs: 0.02 }, 1],
    ["counts a running job for at least the time it has run", { queued: 1, runningElapsedMs: [60_000], avgDurationMs: 5 }, 2],
    ["divides by the jobs each thread runs at once", { queued: 40, concurrency: 4, avgDurationMs: 1000 }, 8],
  ] as const)("%s", (_name, input, expected) => {
    expect(targetThreads({ ...base, ...input })).toBe(expected);
  });
});

describe("DurationAverage", () => {
  it("starts at the first value and then moves towards recent ones", () => {
    const d = new DurationAverage(0.5);
    expect(d.value).toBeNull();
    d.add(100);
    expect(d.value).toBe(100);
    d.add(200);
    expect(d.value).toBe(150);
  });
});

describe("idleToRetire", () => {
  const t = (name: string, state: string, jobs: number, idleSince: number) => ({ name, state, jobs: new Array(jobs), idleSince });

  it("retires threads idle past the time-out, longest idle first, down to min", () => {
    const threads = [t("a", "ready", 0, 500), t("b", "ready", 0, 100), t("c", "ready", 1, 0), t("d", "ready", 0, 950)];
    expect(idleToRetire(threads, 1000, 300, 2).map((x) => x.name)).toEqual(["b", "a"]);
    expect(idleToRetire(threads, 1000, 300, 3).map((x) => x.name)).toEqual(["b"]);
  });

  it("counts starting threads towards min and never retires them", () => {
    const threads = [t("a", "ready", 0, 0), t("b", "starting", 0, 0)];
    expect(idleToRetire(threads, 1000, 100, 1).map((x) => x.name)).toEqual(["a"]);
    expect(idleToRetire(threads, 1000, 100, 2)).toEqual([]);
  });
});
