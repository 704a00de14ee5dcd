import { describe, expect, it } from "vitest";
import { pickSteal, pickThread, roomFor, type JobView, type PlacementRules, type ThreadView } from "./placement.ts";

const rules: PlacementRules = {
  concurrency: 1, prefetch: 1, prefetchBelowMs: 50, stallMs: 200, avgDurationMs: 1, growing: false, now: 1000,
};
const running = (startedPerf = 990): JobView => ({ started: true, startedPerf, stealing: false, ending: null });
const waiting = (): JobView => ({ started: false, startedPerf: 0, stealing: false, ending: null });
/** A running job that seceded: it waits on a task it submitted and holds no slot. */
const seceded = (startedPerf = 100): JobView => ({ ...running(startedPerf), waits: 1 });
const thread = (name: string, jobs: JobView[], state: ThreadView["state"] = "ready") => ({ name, state, jobs });

describe("roomFor", () => {
  it.each([
    ["prefetches one job while jobs are short", {}, thread("t", [running()]), 2],
    ["does not prefetch before any job finished", { avgDurationMs: null }, thread("t", []), 1],
    ["does not prefetch long jobs", { avgDurationMs: 80 }, thread("t", []), 1],
    ["does not prefetch while a thread is starting", { growing: true }, thread("t", []), 1],
    ["does not prefetch behind an overdue job", {}, thread("t", [running(500)]), 1],
    ["gives nothing to a thread that is not ready", {}, thread("t", [], "draining"), 0],
    ["adds prefetch to the thread's own concurrency", { concurrency: 4 }, thread("t", []), 5],
  ] as const)("%s", (_name, over, t, expected) => {
    expect(roomFor(t, { ...rules, ...over })).toBe(expected);
  });
});

describe("pickThread", () => {
  it("prefers an idle thread over prefetching onto a busy one", () => {
    const busy = thread("busy", [running()]);
    const idle = thread("idle", []);
    expect(pickThread([busy, idle], rules)?.name).toBe("idle");
  });

  it("prefetches onto the least loaded busy thread when none is idle", () => {
    const a = thread("a", [running(), waiting()]);
    const b = thread("b", [running()]);
    expect(pickThread([a, b], rules)?.name).toBe("b");
    expect(pickThread([a], rules)).toBeNull();
  });

  it("counts seceded jobs out of a thread's load: a thread of waiting parents takes new jobs", () => {
    const parents = thread("parents", [seceded(), seceded(), seceded()]);
    const busy = thread("busy", [running()]);
    expect(pickThread([busy, parents], rules)?.name).toBe("parents");
    expect(pickThread([thread("full", [seceded(), running(), waiting()])], rules)).toBeNull();
  });
});

describe("pickSteal", () => {
  it("takes back a waiting job when a ready thread has a free slot and nothing is queued", () => {
    const job = waiting();
    const busy = thread("busy", [running(), job]);
    const idle = thread("idle", []);
    expect(pickSteal([busy, idle], 0, rules)).toEqual({ from: busy, job });
    expect(pickSteal([busy, idle], 3, rules)).toBeNull();
  });

  it("takes back a job waiting behind an overdue one even when no thread is free", () => {
    const job = waiting();
    const stalled = thread("stalled", [running(100), job]);
    expect(pickSteal([stalled], 5, rules)?.job).toBe(job);
  });

  it("neither steals from nor sees as overdue a thread whose only long job seceded", () => {
    const job = waiting();
    const t = thread("t", [seceded(100), job]);
    expect(pickSteal([t], 5, rules)).toBeNull();
  });

  it("leaves alone jobs already being taken back or being stopped", () => {
    const stealing = { ...waiting(), stealing: true };
    const ending = { ...waiting(), ending: new Error("cancelled") };
    expect(pickSteal([thread("a", [running(100), stealing, ending])], 0, rules)).toBeNull();
  });
});
