// Tests of the clear selection shared by the API's clearTaskInstances and `updraft tasks clear`.
import { describe, expect, it } from "vitest";
import type { SerializedDag } from "@updraft/sdk";
import { tasksMatching, widenTaskSelection } from "./clear-selection.ts";

const dagOf = (edges: Record<string, string[]>) => ({
  id: "d", tasks: Object.entries(edges).map(([id, upstream]) => ({ id, upstream })), submittable: [{ id: "child" }],
}) as unknown as SerializedDag;
const d = dagOf({ extract_a: [], extract_b: [], transform: ["extract_a", "extract_b"], load: ["transform"], notify: ["load"] });

describe("clear selection", () => {
  it.each([
    ["the named tasks alone", ["transform"], {}, ["transform"]],
    ["with everything downstream", ["transform"], { downstream: true }, ["load", "notify", "transform"]],
    ["with everything upstream", ["load"], { upstream: true }, ["extract_a", "extract_b", "load", "transform"]],
    ["both ways", ["transform"], { upstream: true, downstream: true }, ["extract_a", "extract_b", "load", "notify", "transform"]],
  ] as const)("widens %s", (_name, ids, opts, expected) => {
    expect([...widenTaskSelection(d, ids, opts)].sort()).toEqual(expected);
  });

  it("matches a regex anywhere in the id, as Airflow's partial_subset, then widens", () => {
    expect([...tasksMatching(d, "^extract_", { downstream: true })].sort()).toEqual(["extract_a", "extract_b", "load", "notify", "transform"]);
    expect([...tasksMatching(d, "form")]).toEqual(["transform"]);
    expect([...tasksMatching(d, "nothing_matches")]).toEqual([]);
  });

  it("names an unknown id, a submitted-only id and a pattern that does not compile", () => {
    expect(() => widenTaskSelection(d, ["nope"])).toThrow('dag "d" has no task "nope"');
    expect(() => widenTaskSelection(d, ["child"])).toThrow("submits it (ctx.submit)");
    expect(() => tasksMatching(d, "(")).toThrow('task regex "(" is not a valid regular expression');
  });
});
