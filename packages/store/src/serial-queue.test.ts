// Tests of the serial queue behind `store.write`: order, isolation of failures, and the refusal
// of nested jobs.
import { describe, expect, it } from "vitest";
import { createSerialQueue } from "./serial-queue.ts";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("createSerialQueue", () => {
  it("runs jobs one at a time in the order they were queued", async () => {
    const q = createSerialQueue("test");
    const log: string[] = [];
    const job = (name: string, ms: number) => q.run(async () => {
      log.push(`+${name}`);
      await tick(ms);
      log.push(`-${name}`);
      return name;
    });
    expect(await Promise.all([job("a", 20), job("b", 1), job("c", 5)])).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["+a", "-a", "+b", "-b", "+c", "-c"]);
  });

  it("keeps going after a job fails", async () => {
    const q = createSerialQueue("test");
    const failed = q.run(async () => {
      throw new Error("boom");
    });
    const next = q.run(async () => "ok");
    await expect(failed).rejects.toThrow("boom");
    expect(await next).toBe("ok");
  });

  it("refuses a job queued from inside a running job", async () => {
    const q = createSerialQueue("writes");
    await expect(q.run(() => q.run(async () => 1))).rejects.toThrow("writes: nested call");
  });

  it("reports idle once queued jobs have settled", async () => {
    const q = createSerialQueue("test");
    let done = false;
    void q.run(async () => {
      await tick(10);
      done = true;
    });
    await q.idle();
    expect(done).toBe(true);
  });
});
