// The order in which ready task instances get slots.
import { describe, expect, it } from "vitest";
import { ReadyQueue, type ReadyItem } from "./ready-queue.ts";

type Item = ReadyItem & { id: string };
const drain = (items: Item[]): string[] => {
  const q = new ReadyQueue<Item>();
  for (const i of items) q.push(i);
  const out: string[] = [];
  for (let i = q.pop(); i; i = q.pop()) out.push(i.id);
  return out;
};
const item = (id: string, seq: number, o: Partial<ReadyItem> = {}): Item => ({ id, child: false, priority: 1, logicalDate: 0, seq, ...o });

describe("ReadyQueue", () => {
  it("puts the children a running try submitted first, then priority weight, the oldest run, and arrival", () => {
    expect(drain([
      item("late_run", 0, { logicalDate: 5 }),
      item("heavy", 1, { priority: 10 }),
      item("child_low", 2, { child: true, priority: 1 }),
      item("first", 3),
      item("child_high", 4, { child: true, priority: 7 }),
      item("second", 5),
    ])).toEqual(["child_high", "child_low", "heavy", "first", "second", "late_run"]);
  });
});
