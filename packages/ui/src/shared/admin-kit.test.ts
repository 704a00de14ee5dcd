// The admin elements' pure helpers: sorting, filtering and reading JSON-like text.
import { describe, expect, it } from "vitest";
import { jsonCheck, matches, nextSort, sortRows } from "./admin-kit.ts";

describe("sortRows", () => {
  const rows = [{ k: "b10", n: 2 }, { k: "b9", n: null }, { k: "A", n: 10 }];
  it("sorts text by locale with numbers in order, ignoring case", () => {
    expect(sortRows(rows, { key: "k", desc: false }, (r, k) => r[k as "k"]).map((r) => r.k)).toEqual(["A", "b9", "b10"]);
  });
  it("sorts numbers as numbers and puts nulls last both ways", () => {
    expect(sortRows(rows, { key: "n", desc: false }, (r) => r.n).map((r) => r.n)).toEqual([2, 10, null]);
    expect(sortRows(rows, { key: "n", desc: true }, (r) => r.n).map((r) => r.n)).toEqual([10, 2, null]);
  });
  it("turns a second click on a column around, and a new column starts ascending", () => {
    expect(nextSort({ key: "a", desc: false }, "a")).toEqual({ key: "a", desc: true });
    expect(nextSort({ key: "a", desc: true }, "b")).toEqual({ key: "b", desc: false });
  });
});

describe("matches", () => {
  it("finds the filter in any text, whatever the case; an empty filter matches all", () => {
    expect(matches("WARE", "x", null, "warehouse_db")).toBe(true);
    expect(matches("nope", "x", undefined, 5)).toBe(false);
    expect(matches("  ", "x")).toBe(true);
  });
});

describe("jsonCheck", () => {
  it("tells plain text, valid JSON objects and arrays, and broken JSON apart", () => {
    expect(jsonCheck("postgres://db")).toEqual({ kind: "text" });
    expect(jsonCheck(' {"a": [1]} ')).toEqual({ kind: "json", value: { a: [1] } });
    expect(jsonCheck("[1, 2]")).toEqual({ kind: "json", value: [1, 2] });
    expect(jsonCheck('{"a": ').kind).toBe("broken");
  });
});
