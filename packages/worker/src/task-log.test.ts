// A try's log goes to the host in bounded batches: a task that prints in a tight loop (the flush
// timer never gets to fire) sends many batches of at most LOG_BATCH_BYTES, not one huge message.
import { describe, expect, it } from "vitest";
import { LOG_BATCH_BYTES, TaskLog } from "./task-log.ts";
import type { LogLine, TaskHost } from "./protocol.ts";

function batchesHost(): TaskHost & { batches: LogLine[][] } {
  const batches: LogLine[][] = [];
  const none = () => Promise.reject(new Error("not in this test"));
  return { batches, xcomPull: none, variableGet: none, variableSet: none, connectionGet: none, submit: none, log: (_key, lines) => void batches.push(lines) };
}

const bytes = (lines: LogLine[]) => lines.reduce((n, l) => n + l.message.length, 0);

describe("a try's log batches", () => {
  it("sends a tight loop's 200,000 lines as many batches of bounded size, every line once and in order", () => {
    const host = batchesHost();
    const log = new TaskLog("k", host);
    for (let i = 0; i < 200_000; i++) log.logger.info(`line ${i} ${"x".repeat(20)}`);
    // Still inside the loop's turn: the timer has not fired, yet nearly everything has gone out.
    expect(host.batches.length).toBeGreaterThan(50);
    log.flush();
    for (const b of host.batches) expect(bytes(b)).toBeLessThanOrEqual(LOG_BATCH_BYTES);
    const all = host.batches.flat();
    expect(all).toHaveLength(200_000);
    expect(all.every((l, i) => l.message.startsWith(`line ${i} `))).toBe(true);
  });

  it("still batches a slow trickle by time: a few lines make one message", async () => {
    const host = batchesHost();
    const log = new TaskLog("k", host);
    for (let i = 0; i < 5; i++) log.logger.info(`line ${i}`);
    expect(host.batches).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 120));
    expect(host.batches).toHaveLength(1);
    expect(host.batches[0]).toHaveLength(5);
  });
});
