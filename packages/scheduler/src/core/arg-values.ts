// The value of a task argument in a run: a literal, an upstream XCom (for a mapped upstream, the
// list of its instances' values in map-index order), or, for `.map()` / `.zip()` sources of
// expand(), the list of raw elements the runtime finishes (@updraft/sdk derived-args).
import { isDerived, rawElements, type ArgSpec, type Json } from "@updraft/sdk";
import type { RunModel } from "./run-model.ts";
import type { XcomCache } from "./task-host.ts";

/**
 * The argument's value, or undefined when an upstream has not pushed it. Throws a
 * DerivedArgError naming the source when a `.map()` / `.zip()` source is not a list.
 */
export function resolveArgValue(run: RunModel, xcoms: XcomCache, arg: ArgSpec): Json | undefined {
  const leaf = (spec: Extract<ArgSpec, { kind: "literal" } | { kind: "xcom" }>): Json | undefined => {
    if (spec.kind === "literal") return spec.value;
    const mapped = run.tasks.get(spec.taskId)?.spec.expand != null;
    return xcoms.get(run.dagId, run.runId, spec.taskId, spec.key, mapped);
  };
  if (isDerived(arg)) return rawElements(arg, leaf);
  return leaf(arg);
}
