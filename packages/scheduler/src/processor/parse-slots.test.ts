// Table-like tests of the parse slot policy: who gets a slot, who waits, and when a slow load
// gives its slot up. Pure logic, no processes (parse-isolation.test.ts runs the real thing).
import { describe, expect, it } from "vitest";
import { ParseSlots, type ParseLease } from "./parse-slots.ts";

describe("ParseSlots", () => {
  it("gives files that failed before at most all but one slot, and a waiting file that has not failed goes first", async () => {
    const slots = new ParseSlots(2);
    const order: string[] = [];
    const take = (name: string, suspect: boolean) => slots.acquire(suspect).then((lease) => { order.push(name); return lease; });
    const bad1 = await take("bad1", true);
    const bad2 = take("bad2", true); // waits: one slot stays free for files that have not failed
    const good1 = await take("good1", false);
    const good2 = take("good2", false); // waits: both slots busy
    expect(order).toEqual(["bad1", "good1"]);
    bad1.release(); // bad2 waited longer, but good2 has not failed: it goes first
    await good2;
    expect(order).toEqual(["bad1", "good1", "good2"]);
    good1.release();
    await bad2;
    expect(order).toEqual(["bad1", "good1", "good2", "bad2"]);
  });

  it("lets a file that failed before take the only slot when there is one", async () => {
    const slots = new ParseSlots(1);
    const lease = await slots.acquire(true);
    const next = slots.acquire(false);
    lease.release();
    await next;
  });

  it("preempts a slow load for a waiting file that has not failed when no suspect slot is free", async () => {
    const slots = new ParseSlots(2);
    const preempted: string[] = [];
    const hang1 = await slots.acquire(false, () => preempted.push("hang1"));
    const hang2 = await slots.acquire(false, () => preempted.push("hang2"));
    let good: ParseLease | undefined;
    const waiting = slots.acquire(false).then((l) => (good = l));
    hang1.markSlow(); // becomes the one suspect: never preempted
    expect(preempted).toEqual([]);
    hang2.markSlow(); // no suspect slot left and a good file waits: it must give its slot up
    expect(preempted).toEqual(["hang2"]);
    expect(good).toBeUndefined();
    hang2.release(); // its caller stopped the load
    await waiting;
    expect(good).toBeDefined();
    hang1.release();
  });

  it("preempts a slow load only when a file that has not failed is waiting", async () => {
    const slots = new ParseSlots(2);
    const preempted: string[] = [];
    const a = await slots.acquire(false, () => preempted.push("a"));
    const b = await slots.acquire(false, () => preempted.push("b"));
    a.markSlow();
    b.markSlow();
    const suspect = slots.acquire(true); // a suspect waiting preempts nothing
    expect(preempted).toEqual([]);
    const good = slots.acquire(false); // a good file waiting does
    expect(preempted).toEqual(["b"]);
    b.release();
    await good;
    a.release();
    await suspect;
  });

  it("preempts one slow load per waiting file, not more", async () => {
    const slots = new ParseSlots(3);
    const preempted: string[] = [];
    const leases = await Promise.all(["a", "b", "c"].map((n) => slots.acquire(false, () => preempted.push(n))));
    for (const l of leases) l.markSlow(); // two become suspects (3 - 1), the third stays preemptible
    expect(preempted).toEqual([]);
    const good1 = slots.acquire(false);
    const good2 = slots.acquire(false);
    expect(preempted).toEqual(["c"]); // only one slow load could give its slot up
    leases[2]!.release();
    await good1;
    leases[0]!.release();
    await good2;
    leases[1]!.release();
  });
});
