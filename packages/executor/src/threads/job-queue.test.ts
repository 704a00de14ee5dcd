import { describe, expect, it } from "vitest";
import { JobQueue } from "./job-queue.ts";

describe("JobQueue", () => {
  it("hands items out in the order they were pushed, across growth of its buffer", () => {
    const q = new JobQueue<number>();
    for (let i = 0; i < 1000; i++) q.push(i);
    const out: number[] = [];
    for (let i = 0; i < 500; i++) out.push(q.shift()!);
    for (let i = 1000; i < 1200; i++) q.push(i);
    expect(q.size).toBe(700);
    out.push(...q.drain());
    expect(out).toEqual(Array.from({ length: 1200 }, (_, i) => i));
    expect(q.shift()).toBeUndefined();
  });

  it("puts items handed back at the front, keeping their order", () => {
    const q = new JobQueue<string>();
    q.push("c");
    q.push("d");
    q.unshiftAll(["a", "b"]);
    expect(q.drain()).toEqual(["a", "b", "c", "d"]);
  });

  it("skips removed items and does not count them", () => {
    const q = new JobQueue<{ id: number }>();
    const items = [{ id: 1 }, { id: 2 }, { id: 3 }];
    for (const item of items) q.push(item);
    q.remove(items[1]!);
    expect(q.size).toBe(2);
    expect(q.drain().map((i) => i.id)).toEqual([1, 3]);
    expect(q.size).toBe(0);
  });
});
