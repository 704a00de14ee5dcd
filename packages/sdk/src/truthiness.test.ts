import { describe, expect, it } from "vitest";
import { isTruthy } from "./truthiness.ts";

describe("isTruthy follows Python's truth test", () => {
  it.each([
    ["null (None)", null, false],
    ["undefined (no value)", undefined, false],
    ["false", false, false],
    ["0", 0, false],
    ["-0", -0, false],
    ["0n", 0n, false],
    ["an empty string", "", false],
    ["an empty list", [], false],
    ["an empty dict", {}, false],
    ["an empty object without prototype", Object.create(null) as object, false],
    ["an empty Map", new Map(), false],
    ["an empty Set", new Set(), false],
    ["true", true, true],
    ["a non-zero number", 42, true],
    ["a negative number", -1, true],
    ["NaN (float('nan') is true)", Number.NaN, true],
    ["a non-empty string", "no", true],
    ["the string \"false\"", "false", true],
    ["a list holding a falsy value", [0], true],
    ["a dict holding a falsy value", { done: false }, true],
    ["a non-empty Set", new Set([0]), true],
    ["a Date", new Date(0), true],
  ] as const)("%s → %s", (_name, value, expected) => {
    expect(isTruthy(value)).toBe(expected);
  });
});
