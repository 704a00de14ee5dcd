// The type of a task definition, apart from the functions that make one (task.ts), so that the
// task context (whose ctx.submit takes a definition) and task.ts need not import each other.
import type { Output } from "./output.ts";
import type { TaskKind } from "./serialized.ts";

/** An argument may be the value itself or the output of an upstream task that produces it. */
export type Arg<T> = T | Output<T>;
type Args<A extends unknown[]> = { [K in keyof A]: Arg<A[K]> };

/**
 * A task definition. Call it inside a `dag()` body to add a node; `.expand()` maps it over a list.
 * @example
 * const double = task("double", (ctx, n: number) => n * 2);
 * dag({ id: "d" }, () => { double.expand([1, 2, 3]); });
 */
export interface TaskDef<A extends unknown[], R> {
  (...args: Args<A>): Output<R>;
  readonly id: string;
  readonly kind: TaskKind;
  /**
   * One task instance per element of `source` (a list, or an upstream output that is a list at
   * run time), each called with the element as its first argument and `rest` after it. The
   * output is the list of results in map-index order; an empty list skips the task.
   */
  expand(source: A extends [infer First, ...infer _Rest] ? Arg<First[]> : never, ...rest: A extends [unknown, ...infer Rest] ? Args<Rest> : never): Output<R[]>;
}
