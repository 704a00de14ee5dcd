// The scheduler's timer queue: one timer armed at a time, for deadlines near or far.
import { describe, expect, it } from "vitest";
import { TimerQueue } from "./timer-queue.ts";

describe("TimerQueue", () => {
  it("arms a deadline months away without spinning", async () => {
    const timers = new TimerQueue();
    let fired = 0;
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on("warning", onWarning);
    timers.at(Date.now() + 90 * 86_400_000, () => fired++);
    await new Promise((r) => setTimeout(r, 50));
    process.off("warning", onWarning);
    timers.stop();
    expect(fired).toBe(0);
    expect(warnings).toEqual([]);
  });

  it("lets go of a cancelled timer's callback and never fires it", async () => {
    const timers = new TimerQueue();
    let fired = 0;
    const cancel = timers.at(Date.now() + 20, () => fired++);
    timers.at(Date.now() + 30, () => fired++);
    cancel();
    await new Promise((r) => setTimeout(r, 60));
    expect(fired).toBe(1);
    timers.stop();
  });
});
