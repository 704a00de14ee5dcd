import { describe, expect, it } from "vitest";
import type { Json } from "@updraft/sdk";
import { pythonRepr, pythonStr } from "./python-repr.ts";

describe("pythonStr", () => {
  const cases: Array<[Json, string]> = [
    ["plain text", "plain text"],
    [null, "None"],
    [true, "True"],
    [false, "False"],
    [3, "3"],
    [-0.5, "-0.5"],
    [1e-7, "1e-07"],
    [1.5e300, "1.5e+300"],
    [[1, "a", null], "[1, 'a', None]"],
    [[], "[]"],
    [{}, "{}"],
    [{ rows: 3, ok: true, nested: { list: [false] } }, "{'rows': 3, 'ok': True, 'nested': {'list': [False]}}"],
  ];
  it.each(cases)("writes %j as Python's str() does", (value, expected) => {
    expect(pythonStr(value)).toBe(expected);
  });
});

describe("pythonRepr of strings", () => {
  const cases: Array<[string, string]> = [
    ["abc", "'abc'"],
    ["it's", `"it's"`],
    [`it's "quoted"`, `'it\\'s "quoted"'`],
    ["line\nnext\ttab\r", "'line\\nnext\\ttab\\r'"],
    ["back\\slash", "'back\\\\slash'"],
    ["bell\u0007", "'bell\\x07'"],
    ["ünïcødé ✓", "'ünïcødé ✓'"],
  ];
  it.each(cases)("quotes and escapes %j as Python's repr() does", (value, expected) => {
    expect(pythonRepr(value)).toBe(expected);
  });
});
