import { describe, expect, it } from "vitest";
import type { LogLine } from "../protocol.ts";
import { LogBuffer } from "./log-buffer.ts";

const line = (message: string): LogLine => ({ at: 1, level: "info", message });

describe("LogBuffer", () => {
  it("groups lines by try, each try's lines in order", () => {
    const buf = new LogBuffer(1 << 20);
    buf.push("a", [line("a1")]);
    buf.push("b", [line("b1")]);
    buf.push("a", [line("a2"), line("a3")]);
    expect(buf.takeAll()).toEqual([
      { key: "a", lines: [line("a1"), line("a2"), line("a3")] },
      { key: "b", lines: [line("b1")] },
    ]);
    expect(buf.size).toBe(0);
    expect(buf.bytes).toBe(0);
  });

  it("takes or discards one try's lines and keeps the others", () => {
    const buf = new LogBuffer(1 << 20);
    buf.push("a", [line("a1")]);
    buf.push("b", [line("b1")]);
    buf.push("c", [line("c1")]);
    expect(buf.take("b")).toEqual([{ key: "b", lines: [line("b1")] }]);
    buf.discard("a");
    expect(buf.takeAll()).toEqual([{ key: "c", lines: [line("c1")] }]);
  });

  it("drops the oldest lines past its bound and says how many, at the head of that try's next batch", () => {
    const buf = new LogBuffer(3 * (64 + 2));
    buf.push("a", [line("a1"), line("a2")]);
    buf.push("b", [line("b1"), line("b2")]);
    expect(buf.size).toBe(3);
    const batches = buf.takeAll();
    expect(batches).toEqual([
      { key: "a", lines: [expect.objectContaining({ level: "warn", message: "[updraft worker] 1 log line(s) dropped while the worker could not reach the server" }), line("a2")] },
      { key: "b", lines: [line("b1"), line("b2")] },
    ]);
  });

  it("still reports the loss when every line of a try was dropped", () => {
    const buf = new LogBuffer(64 + 2);
    buf.push("a", [line("a1")]);
    buf.push("b", [line("b1")]);
    expect(buf.take("a")).toEqual([{ key: "a", lines: [expect.objectContaining({ message: expect.stringContaining("1 log line(s) dropped") })] }]);
    expect(buf.takeAll()).toEqual([{ key: "b", lines: [line("b1")] }]);
  });

  it("stays within its bound under a flood", () => {
    const buf = new LogBuffer(10_000);
    for (let i = 0; i < 50_000; i++) buf.push("a", [line(`line ${i}`)]);
    expect(buf.bytes).toBeLessThanOrEqual(10_000);
    const [batch] = buf.takeAll();
    expect(batch!.lines[0]!.message).toMatch(/^\[updraft worker\] \d+ log line\(s\) dropped/);
    expect(batch!.lines.at(-1)!.message).toBe("line 49999");
  });
});
