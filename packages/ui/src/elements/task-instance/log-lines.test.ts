// The log model behind the log view: levels parsed from the scheduler's line format, chunks that
// cut a line in two, filtering and search.
import { describe, expect, it } from "vitest";
import { LogLines, splitLine, splitMatches } from "./log-lines.ts";

const line = (level: string, msg: string) => `[2026-03-01T00:00:01.000Z] ${level} - ${msg}`;

describe("LogLines", () => {
  it("parses each line's level, and a continuation line takes the level of the line it continues", () => {
    const log = new LogLines();
    log.append([line("INFO", "start"), line("ERROR", "Error: boom"), "    at f (x.ts:1)", line("WARN", "careful"), line("DEBUG", "d"), ""].join("\n"));
    expect(log.length).toBe(5);
    expect(log.level).toEqual([1, 3, 3, 2, 0]);
    expect(log.counts()).toEqual({ debug: 1, info: 1, warn: 1, error: 2 });
  });

  it("keeps a line cut between two chunks whole, and ends a last line without a newline", () => {
    const log = new LogLines();
    expect(log.append("[2026-03-01T00:00:01.000Z] WA")).toBe(0);
    log.append("RN - half\n" + line("INFO", "tail"));
    expect(log.text).toEqual([line("WARN", "half")]);
    log.end();
    expect(log.text).toEqual([line("WARN", "half"), line("INFO", "tail")]);
    expect(log.level).toEqual([2, 1]);
  });

  it("filters by level, and extends a filter from a line on", () => {
    const log = new LogLines();
    log.append([line("INFO", "a"), line("ERROR", "b"), line("INFO", "c"), ""].join("\n"));
    expect(log.filter(new Set(["error"]))).toEqual([1]);
    expect(log.filter(new Set(["info", "error"]), 1)).toEqual([1, 2]);
  });

  it("searches the kept lines without regard to case", () => {
    const log = new LogLines();
    log.append([line("INFO", "Rows loaded"), line("ERROR", "no rows"), line("INFO", "done"), ""].join("\n"));
    expect(log.search("ROWS", [0, 1, 2])).toEqual([0, 1]);
    expect(log.search("rows", [1, 2])).toEqual([1]);
    expect(log.search("", [0, 1, 2])).toEqual([]);
  });

  it("handles 100,000 lines quickly", () => {
    const log = new LogLines();
    const chunk = Array.from({ length: 10_000 }, (_, i) => line(i % 10 === 0 ? "ERROR" : "INFO", `line ${i}`)).join("\n") + "\n";
    const t = performance.now();
    for (let i = 0; i < 10; i++) log.append(chunk);
    const errors = log.filter(new Set(["error"]));
    const hits = log.search("line 99", log.filter(new Set(["info", "error"])));
    expect(log.length).toBe(100_000);
    expect(errors.length).toBe(10_000);
    expect(hits.length).toBeGreaterThan(0);
    expect(performance.now() - t).toBeLessThan(2_000);
  });
});

describe("splitLine and splitMatches", () => {
  it("splits a line into time, level and message", () => {
    expect(splitLine(line("ERROR", "x - y"))).toEqual({ time: "2026-03-01T00:00:01.000Z", level: "error", message: "x - y" });
    expect(splitLine("    at f")).toEqual({ time: null, level: null, message: "    at f" });
  });
  it("cuts text around each match, plain and matched in turn", () => {
    expect(splitMatches("a Foo b foo", "foo")).toEqual(["a ", "Foo", " b ", "foo", ""]);
    expect(splitMatches("abc", "")).toEqual(["abc"]);
  });
});
