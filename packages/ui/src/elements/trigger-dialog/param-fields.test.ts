// The trigger form's fields: the input each param gets, and values read back or refused.
import { describe, expect, it } from "vitest";
import type { DagParam } from "../../shared/dag-types.ts";
import { confOf, fieldOf, fromInput, toInput } from "./param-fields.ts";

const p = (name: string, dflt: unknown, schema: DagParam["schema"] = {}, extra: Partial<DagParam> = {}): DagParam => ({
  name, default: dflt, title: null, description: null, section: null, schema, declared: true, ...extra,
});

describe("fieldOf", () => {
  it.each([
    [p("region", "eu", { enum: ["eu", "us"] }), "select"],
    [p("flag", false, { type: "boolean" }), "boolean"],
    [p("n", 5, { type: "integer" }), "integer"],
    [p("x", 0.5, { type: "number" }), "number"],
    [p("s", "a", { type: "string" }), "text"],
    [p("d", "2026-01-01", { type: "string", format: "date" }), "date"],
    [p("dt", null, { type: ["string", "null"], format: "date-time" }), "datetime"],
    [p("body", "", { type: "string", format: "multiline" }), "multiline"],
    [p("tables", ["a"], { type: "array" }), "lines"],
    [p("rows", [{ a: 1 }], { type: "array" }), "json"],
    [p("cfg", { a: 1 }, { type: "object" }), "json"],
    [p("unknown", null, {}), "text"],
  ])("gives %o a %s input", (param, kind) => {
    expect(fieldOf(param).kind).toBe(kind);
  });

  it("makes a field nullable when the schema allows null or the default is null", () => {
    expect(fieldOf(p("a", null, { type: ["string", "null"] })).nullable).toBe(true);
    expect(fieldOf(p("a", null, {})).nullable).toBe(true);
    expect(fieldOf(p("a", "x", { type: "string" })).nullable).toBe(false);
  });
});

describe("reading inputs", () => {
  it("reads an enum's choice by position, and shows the default's", () => {
    const f = fieldOf(p("region", "us", { enum: ["eu", "us"] }));
    expect(toInput(f, "us")).toBe("1");
    expect(fromInput(f, "0")).toEqual({ ok: true, value: "eu" });
  });

  it("checks numbers against the type and the limits", () => {
    const f = fieldOf(p("n", 5, { type: "integer", minimum: 1, maximum: 10 }));
    expect(fromInput(f, "7")).toEqual({ ok: true, value: 7 });
    expect(fromInput(f, "7.5")).toEqual({ ok: false, error: "must be a whole number" });
    expect(fromInput(f, "0")).toEqual({ ok: false, error: "must be at least 1" });
    expect(fromInput(f, "11")).toEqual({ ok: false, error: "must be at most 10" });
    expect(fromInput(f, "")).toEqual({ ok: false, error: "a value is needed" });
  });

  it("reads a list one item per line, numbers as numbers", () => {
    expect(fromInput(fieldOf(p("t", ["a", "b"], { type: "array" })), "a\n b \n\nc")).toEqual({ ok: true, value: ["a", "b", "c"] });
    expect(fromInput(fieldOf(p("n", [1, 2], { type: "array" })), "1\n2.5")).toEqual({ ok: true, value: [1, 2.5] });
    expect(fromInput(fieldOf(p("n", [1, 2], { type: "array" })), "1\nx")).toEqual({ ok: false, error: '"x" is not a number' });
    expect(toInput(fieldOf(p("t", ["a", "b"], { type: "array" })), ["a", "b"])).toBe("a\nb");
  });

  it("reads JSON and refuses JSON of the wrong shape", () => {
    const f = fieldOf(p("cfg", { a: 1 }, { type: "object" }));
    expect(fromInput(f, '{"b": 2}')).toEqual({ ok: true, value: { b: 2 } });
    expect(fromInput(f, "[1]")).toEqual({ ok: false, error: "must be a JSON object" });
    expect(fromInput(f, "{")).toMatchObject({ ok: false, error: expect.stringMatching(/^is not JSON/) });
  });

  it("reads a date-time as UTC, and a pattern-checked string", () => {
    expect(fromInput(fieldOf(p("dt", null, { type: ["string", "null"], format: "date-time" })), "2026-03-01T06:30")).toEqual({ ok: true, value: "2026-03-01T06:30:00+00:00" });
    expect(fromInput(fieldOf(p("dt", null, { type: ["string", "null"], format: "date-time" })), "")).toEqual({ ok: true, value: null });
    const code = fieldOf(p("code", "AB", { type: "string", pattern: "^[A-Z]{2}$" }));
    expect(fromInput(code, "abc")).toEqual({ ok: false, error: "must match ^[A-Z]{2}$" });
  });

  it("makes the conf from every param's value over the JSON's other keys", () => {
    const fields = [fieldOf(p("a", 1, { type: "integer" })), fieldOf(p("b", "x", { type: "string" }))];
    expect(confOf(fields, { a: 2 }, { extra: true, a: 9 })).toEqual({ extra: true, a: 2, b: "x" });
  });
});
