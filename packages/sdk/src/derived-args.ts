// `.map(fn)` and `.zip(...)` on task outputs (Airflow's XComArg.map and XComArg.zip), as the
// source of an `expand()`. The scheduler knows no user code, so the work is split: it resolves
// the upstream lists and builds, per mapped instance, a raw element (the upstream values, with
// the zip's structure and fill marks); the runtime that runs the instance finishes it by calling
// the map functions, which live in the DAG's bundle. Pure: both sides call these.
import type { ArgSpec, Json } from "./serialized.ts";

/** An argument spec made by `.map()` or `.zip()` rather than a literal or one task's XCom. */
export type DerivedArgSpec = Extract<ArgSpec, { kind: "map" } | { kind: "zip" }>;

/** A leaf of a derived spec that is not a list, or a spec the runtime cannot finish. */
export class DerivedArgError extends Error {
  override name = "DerivedArgError";
}

export const isDerived = (spec: ArgSpec): spec is DerivedArgSpec => spec.kind === "map" || spec.kind === "zip";

/** The literal and XCom specs a spec is built from, in order. */
export function argLeaves(spec: ArgSpec): Array<Extract<ArgSpec, { kind: "literal" } | { kind: "xcom" }>> {
  switch (spec.kind) {
    case "literal":
    case "xcom":
      return [spec];
    case "map":
      return argLeaves(spec.source);
    case "zip":
      return spec.sources.flatMap(argLeaves);
    default:
      return spec satisfies never;
  }
}

/** How a leaf is named in an error: `the XCom "return_value" of task "extract"`, or `a literal value`. */
export function describeArgSpec(spec: ArgSpec): string {
  switch (spec.kind) {
    case "literal":
      return "a literal value";
    case "xcom":
      return `the XCom "${spec.key}" of task "${spec.taskId}"`;
    case "map":
      return `.map() of ${describeArgSpec(spec.source)}`;
    case "zip":
      return `.zip() of ${spec.sources.map(describeArgSpec).join(", ")}`;
    default:
      return spec satisfies never;
  }
}

/** A slot of a zipped raw element: an element of that source, or the fill value past its end. */
type ZipSlot = { v: Json } | { fill: true };

/**
 * The raw elements of a spec, one per mapped instance: a leaf's own elements; a map's source's
 * (the function is applied later, by `finishElement`); a zip's as `{ zip: [slots] }`, as long as
 * its shortest source, or its longest with a fill value. Undefined while a leaf has no value yet.
 * Throws a DerivedArgError naming a leaf that is not a list.
 * @example rawElements({ kind: "zip", sources: [a, b], fill: null }, resolve) // [{ zip: [{ v: 1 }, { v: "x" }] }, …]
 */
export function rawElements(spec: ArgSpec, resolveLeaf: (leaf: Extract<ArgSpec, { kind: "literal" } | { kind: "xcom" }>) => Json | undefined): Json[] | undefined {
  switch (spec.kind) {
    case "literal":
    case "xcom": {
      const value = resolveLeaf(spec);
      if (value === undefined) return undefined;
      if (!Array.isArray(value)) throw new DerivedArgError(`${describeArgSpec(spec)} is not a list (got ${value === null ? "null" : typeof value})`);
      return value;
    }
    case "map":
      return rawElements(spec.source, resolveLeaf);
    case "zip": {
      const lists: Json[][] = [];
      for (const source of spec.sources) {
        const list = rawElements(source, resolveLeaf);
        if (list === undefined) return undefined;
        lists.push(list);
      }
      const lengths = lists.map((l) => l.length);
      const n = lists.length === 0 ? 0 : spec.fill ? Math.max(...lengths) : Math.min(...lengths);
      return Array.from({ length: n }, (_, i) => ({ zip: lists.map((l): ZipSlot => (i < l.length ? { v: l[i]! } : { fill: true })) }) as Json);
    }
    default:
      return spec satisfies never;
  }
}

/**
 * Finishes a raw element made by `rawElements` into the value the task receives: map functions
 * applied (by id, through `applyFn`), zips as lists, fill values in place.
 * @example await finishElement({ kind: "map", source: a, fn: "map_1" }, 3, (id, v) => fns.get(id)!(v)) // fn(3)
 */
export async function finishElement(spec: ArgSpec, raw: Json, applyFn: (fnId: string, value: unknown) => unknown): Promise<unknown> {
  switch (spec.kind) {
    case "literal":
    case "xcom":
      return raw;
    case "map":
      return applyFn(spec.fn, await finishElement(spec.source, raw, applyFn));
    case "zip": {
      const slots = (raw as { zip?: ZipSlot[] } | null)?.zip;
      if (!Array.isArray(slots) || slots.length !== spec.sources.length) {
        throw new DerivedArgError(`a zipped element does not match its .zip() of ${spec.sources.length} sources`);
      }
      return Promise.all(slots.map((slot, k) => ("fill" in slot ? spec.fill!.value : finishElement(spec.sources[k]!, slot.v, applyFn))));
    }
    default:
      return spec satisfies never;
  }
}
