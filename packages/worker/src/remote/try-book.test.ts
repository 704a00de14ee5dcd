import { describe, expect, it } from "vitest";
import type { TaskAssignment, TaskOutcome } from "../protocol.ts";
import { TryBook } from "./try-book.ts";

const a = (key: string) => ({ key }) as TaskAssignment;
const ok: TaskOutcome = { status: "success", pushed: {} };

function book(capacity: number, ...keys: string[]): TryBook {
  const b = new TryBook(capacity);
  for (const k of keys) b.assign(a(k));
  return b;
}

describe("TryBook", () => {
  it("hands out pending tries in arrival order while slots are free", () => {
    const b = book(2, "a", "b", "c");
    expect(b.next()?.key).toBe("a");
    expect(b.next()?.key).toBe("b");
    expect(b.next()).toBeUndefined();
    expect(b.run("a")).toBe(true);
    expect(b.finish("a", ok, 1)).toBe(true);
    expect(b.next()?.key).toBe("c");
  });

  it("ignores an assignment it already holds", () => {
    const b = book(1, "a");
    expect(b.assign(a("a"))).toBe(false);
    expect(b.pending.size).toBe(1);
  });

  it("frees the slot of a running try while it waits on submitted children", () => {
    const b = book(1, "parent", "other");
    b.next();
    b.run("parent");
    expect(b.next()).toBeUndefined();
    b.secede("parent", 1);
    b.secede("parent", 1);
    expect(b.active()).toBe(0);
    expect(b.next()?.key).toBe("other");
    b.secede("parent", -1);
    expect(b.active()).toBe(1);
    b.secede("parent", -1);
    expect(b.active()).toBe(2);
  });

  it("never hands the runner more tries than its limit, seceded ones included", () => {
    const b = book(1, "a", "b");
    b.next(1);
    b.run("a");
    b.secede("a", 1);
    expect(b.next(1)).toBeUndefined();
    expect(b.next(2)?.key).toBe("b");
  });

  it("gives back on steal only the tries not started", () => {
    const b = book(1, "a", "b", "c");
    b.next();
    expect(b.steal(["a", "c", "zzz"])).toEqual(["c"]);
    expect(b.releaseAll()).toEqual(["b"]);
    expect(b.held().map((r) => r.key)).toEqual(["a"]);
  });

  it("keeps results until acked and lists every key it holds", () => {
    const b = book(1, "a", "b");
    b.next();
    b.run("a");
    b.finish("a", ok, 1);
    expect(b.held().map((r) => r.key)).toEqual(["b", "a"]);
    expect(b.empty()).toBe(false);
    b.releaseAll();
    expect(b.ack("a")).toBe(true);
    expect(b.empty()).toBe(true);
  });

  it.each([
    ["pending", (b: TryBook) => b, "pending"],
    ["starting", (b: TryBook) => (b.next(), b), "starting"],
    ["result", (b: TryBook) => (b.next(), b.run("a"), b.finish("a", ok, 1), b), "result"],
  ])("drops a try that is %s outright", (_, setup, place) => {
    const b = setup(book(1, "a"));
    expect(b.drop("a")).toBe(place);
    expect(b.empty()).toBe(true);
  });

  it("drops a running try by discarding its result when it ends", () => {
    const b = book(1, "a");
    b.next();
    b.run("a");
    expect(b.drop("a")).toBe("running");
    expect(b.held().map((r) => r.key)).toEqual([]);
    expect(b.live("a")).toBe(false);
    expect(b.empty()).toBe(false);
    expect(b.finish("a", ok, 1)).toBe(false);
    expect(b.empty()).toBe(true);
  });

  it("holds a new assignment of a dropped, still running key until that run ends, then runs it", () => {
    const b = book(1, "a");
    b.next();
    b.run("a");
    b.drop("a"); // the server gave it away (a restarted scheduler hands out the same try again)
    expect(b.assign(a("a"))).toBe(true);
    expect(b.held().map((r) => r.key)).toEqual(["a"]);
    expect(b.next()).toBeUndefined(); // the old run still holds the slot
    expect(b.finish("a", ok, 1)).toBe(false); // the old run's result is thrown away
    expect(b.next()?.key).toBe("a");
    b.run("a");
    expect(b.finish("a", ok, 2)).toBe(true); // the new run's result counts
  });

  it("settles a pending try that never ran (cancelled) as a result", () => {
    const b = book(1, "a");
    expect(b.finish("a", ok, 1)).toBe(true);
    expect([...b.results.keys()]).toEqual(["a"]);
    expect(b.finish("unknown", ok, 1)).toBe(false);
  });
});
