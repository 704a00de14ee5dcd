import { describe, expect, it } from "vitest";
import type { ArgSpec, Json } from "./serialized.ts";
import { argLeaves, DerivedArgError, finishElement, rawElements } from "./derived-args.ts";

const a: ArgSpec = { kind: "xcom", taskId: "a", key: "return_value" };
const b: ArgSpec = { kind: "xcom", taskId: "b", key: "return_value" };
const values: Record<string, Json | undefined> = { a: [1, 2, 3], b: ["x", "y"], scalar: 7 };
const resolve = (leaf: Extract<ArgSpec, { kind: "literal" } | { kind: "xcom" }>) => (leaf.kind === "literal" ? leaf.value : values[leaf.taskId]);
const fns: Record<string, (v: unknown) => unknown> = { double: (v) => (v as number) * 2, upper: (v) => String(v).toUpperCase(), pair: (v) => (v as unknown[]).join(":") };
const apply = (id: string, v: unknown) => fns[id]!(v);

/** What each mapped instance receives: raw elements from the scheduler, finished by the runtime. */
async function elements(spec: ArgSpec): Promise<unknown[] | undefined> {
  const raw = rawElements(spec, resolve);
  return raw && Promise.all(raw.map((r) => finishElement(spec, r, apply)));
}

describe("derived arguments: what each mapped instance receives", () => {
  it.each([
    ["a plain XCom list", a, [1, 2, 3]],
    ["a.map(double)", { kind: "map", source: a, fn: "double" }, [2, 4, 6]],
    ["a.map(double).map(double)", { kind: "map", source: { kind: "map", source: a, fn: "double" }, fn: "double" }, [4, 8, 12]],
    ["a.zip(b), as long as the shortest", { kind: "zip", sources: [a, b], fill: null }, [[1, "x"], [2, "y"]]],
    ["a.zip(b, { fillValue: null }), as long as the longest", { kind: "zip", sources: [a, b], fill: { value: null } }, [[1, "x"], [2, "y"], [3, null]]],
    ["a.zip(b.map(upper))", { kind: "zip", sources: [a, { kind: "map", source: b, fn: "upper" }], fill: null }, [[1, "X"], [2, "Y"]]],
    ["a.zip(b).map(pair)", { kind: "map", source: { kind: "zip", sources: [a, b], fill: null }, fn: "pair" }, ["1:x", "2:y"]],
    ["a zip with a literal list", { kind: "zip", sources: [a, { kind: "literal", value: [true] }], fill: { value: false } }, [[1, true], [2, false], [3, false]]],
    ["a fill value that is not applied to the map of the padded source", { kind: "zip", sources: [{ kind: "map", source: b, fn: "upper" }, a], fill: { value: "-" } }, [["X", 1], ["Y", 2], ["-", 3]]],
  ] as const)("%s", async (_name, spec, expected) => {
    expect(await elements(spec as ArgSpec)).toEqual(expected);
  });

  it("is undefined while an upstream value is missing", () => {
    expect(rawElements({ kind: "zip", sources: [a, { kind: "xcom", taskId: "missing", key: "return_value" }], fill: null }, resolve)).toBeUndefined();
  });

  it("names a source that is not a list", () => {
    const spec: ArgSpec = { kind: "map", source: { kind: "xcom", taskId: "scalar", key: "return_value" }, fn: "double" };
    expect(() => rawElements(spec, resolve)).toThrow(new DerivedArgError('the XCom "return_value" of task "scalar" is not a list (got number)'));
  });

  it("lists the leaves a spec is built from", () => {
    expect(argLeaves({ kind: "map", source: { kind: "zip", sources: [a, b], fill: null }, fn: "f" })).toEqual([a, b]);
  });
});
