import { describe, expect, it } from "vitest";
import { chooseMember, chooseSteal, excessOf, roomOf, type MemberView, type VictimView, type WaitingTry } from "./placement.ts";

const member = (id: string, over: Partial<MemberView> = {}): MemberView => ({
  id, queues: ["default"], capacity: 2, prefetch: 2, held: 0, accepting: true, ...over,
});
const waiting = (n: number, queue = "default", prefix = "k"): WaitingTry[] => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, queue }));
const victim = (id: string, over: Partial<VictimView> = {}): VictimView => ({ ...member(id), running: 0, waiting: [], ...over });

describe("roomOf", () => {
  it.each([
    ["capacity plus prefetch when empty", member("a"), 4],
    ["what is left of capacity plus prefetch", member("a", { held: 3 }), 1],
    ["none when full", member("a", { held: 4 }), 0],
    ["never below zero (a seceded try came back)", member("a", { held: 6 }), 0],
    ["none while not accepting (draining, disconnected)", member("a", { accepting: false }), 0],
    ["no prefetch: capacity only", member("a", { prefetch: 0, held: 1 }), 1],
  ] as const)("%s", (_name, m, expected) => {
    expect(roomOf(m)).toBe(expected);
  });
});

describe("chooseMember", () => {
  it.each([
    ["routes by queue: only members serving it", [member("a", { queues: ["gpu"] }), member("b")], "gpu", "a"],
    ["nobody serves the queue", [member("a"), member("b")], "gpu", null],
    ["the most free capacity wins", [member("a", { held: 1 }), member("b", { capacity: 4, held: 2 })], "default", "b"],
    ["the first listed on a tie", [member("a"), member("b")], "default", "a"],
    ["a member with prefetch room when nobody has a free slot", [member("a", { held: 4 }), member("b", { held: 3 })], "default", "b"],
    ["nobody has room", [member("a", { held: 4 }), member("b", { held: 4 })], "default", null],
    ["skips members not accepting", [member("a", { accepting: false }), member("b", { held: 1 })], "default", "b"],
    ["a member serving several queues", [member("a", { queues: ["default", "gpu"] })], "gpu", "a"],
  ] as const)("%s", (_name, members, queue, expected) => {
    expect(chooseMember(members, queue)?.id ?? null).toBe(expected);
  });
});

describe("excessOf", () => {
  it.each([
    ["waiting tries that fit in free slots do not count", victim("v", { capacity: 2, running: 0, waiting: waiting(2) }), 0],
    ["waiting tries behind running ones count", victim("v", { capacity: 2, running: 2, waiting: waiting(2) }), 2],
    ["partly free", victim("v", { capacity: 4, running: 3, waiting: waiting(3) }), 2],
  ] as const)("%s", (_name, v, expected) => {
    expect(excessOf(v)).toBe(expected);
  });
});

describe("chooseSteal", () => {
  const loaded = victim("loaded", { held: 4, running: 2, waiting: waiting(2) });

  it.each([
    ["takes the newest waiting tries of a loaded worker", member("idle"), [loaded], { victim: "loaded", keys: ["k1", "k0"] }],
    ["no more than the thief's free slots", member("idle", { held: 1 }), [loaded], { victim: "loaded", keys: ["k1"] }],
    ["nothing when the thief has no free slot", member("idle", { held: 2 }), [loaded], null],
    ["nothing when the thief does not accept", member("idle", { accepting: false }), [loaded], null],
    ["nothing from a worker whose waiting tries start in its own free slots", member("idle"), [victim("v", { held: 2, running: 0, waiting: waiting(2) })], null],
    ["only tries of queues the thief serves", member("idle", { queues: ["gpu"] }), [victim("v", { capacity: 1, held: 3, running: 1, waiting: [...waiting(1, "gpu", "g"), ...waiting(1, "default", "d")] })], { victim: "v", keys: ["g0"] }],
    ["nothing when none of the waiting tries is of its queues", member("idle", { queues: ["gpu"] }), [loaded], null],
    ["never from itself", member("loaded"), [loaded], null],
    [
      "the victim with the most waiting tries it could take",
      member("idle", { capacity: 4 }),
      [victim("some", { held: 3, running: 2, waiting: waiting(1, "default", "s") }), victim("most", { held: 5, running: 2, waiting: waiting(3, "default", "m") })],
      { victim: "most", keys: ["m2", "m1", "m0"] },
    ],
  ] as const)("%s", (_name, thief, victims, expected) => {
    const choice = chooseSteal(thief, victims);
    expect(choice ? { victim: choice.victim.id, keys: choice.keys } : null).toEqual(expected);
  });
});
