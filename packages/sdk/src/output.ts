// Task outputs: what calling a task returns inside a DAG body. Passing an output to another task
// call is a data edge (TaskFlow); `after` and `chain` add edges without data. `.map()` and
// `.zip()` derive new lists from outputs (Airflow's XComArg.map and .zip), as sources of expand().
import { DagDefinitionError } from "./errors.ts";
import { currentBuilder } from "./builder.ts";
import { isJsonValue } from "./json-value.ts";
import type { ArgSpec, Json } from "./serialized.ts";

const OUTPUT = Symbol.for("updraft.output");
const DERIVED = Symbol.for("updraft.derived");

type Elem<T> = T extends ReadonlyArray<infer E> ? E : never;
type ZipSources<O extends unknown[]> = { [K in keyof O]: Output<O[K][]> | O[K][] };

/**
 * A handle on a task node's result inside a DAG body. Pass it to another task to depend on it.
 * Deliberately not a thenable: `await` on it is a mistake, and TypeScript will say so.
 */
export interface Output<T = unknown> {
  readonly [OUTPUT]: true;
  /** Phantom field carrying the value's type; never set at run time. */
  readonly __type?: T;
  readonly taskId: string;
  readonly key: string;
  /** Adds upstream edges without data: this task runs after `upstream`. Returns this output. */
  after(...upstream: Array<Output<unknown> | Output<unknown>[]>): Output<T>;
  /** The XCom `key` pushed by the same task, as an output another task can take. */
  get<U = unknown>(key: string): Output<U>;
  /**
   * Each element of this list passed through `fn`, lazily: `fn` runs in each mapped instance that
   * receives the element (Airflow's XComArg.map). For the source of `expand()`. Throwing
   * `SkipTask` in `fn` skips that instance.
   * @example process.expand(listFiles().map((name) => `s3://bucket/${name}`));
   */
  map<U>(fn: (value: Elem<T>) => U | Promise<U>): Output<Awaited<U>[]>;
  /**
   * This list's elements paired with those of other lists (Airflow's XComArg.zip): as long as the
   * shortest, or, with a trailing `{ fillValue }`, the longest, padded with it. For `expand()`.
   * @example add.expand(left().zip(right()));   // add(ctx, [l, r])
   */
  zip<O extends unknown[]>(...others: ZipSources<O>): Output<[Elem<T>, ...O][]>;
  zip<O extends unknown[], F extends Json>(...args: [...ZipSources<O>, { fillValue: F }]): Output<[Elem<T> | F, ...{ [K in keyof O]: O[K] | F }][]>;
}

/** What a derived output (made by `.map()` or `.zip()`) stands for. */
interface Derived {
  spec: ArgSpec;
  /** The tasks whose outputs it is built from. */
  upstream: string[];
}

export function isOutput(value: unknown): value is Output<unknown> {
  return typeof value === "object" && value !== null && (value as { [OUTPUT]?: unknown })[OUTPUT] === true;
}

function derivedOf(out: Output<unknown>): Derived | undefined {
  return (out as unknown as { [DERIVED]?: Derived })[DERIVED];
}

/** The argument spec an output stands for: one task's XCom, or what `.map()`/`.zip()` made. */
export function outputSpec(out: Output<unknown>): ArgSpec {
  return derivedOf(out)?.spec ?? { kind: "xcom", taskId: out.taskId, key: out.key };
}

/** The tasks an output's value comes from (one, or several for a zip). */
export function outputUpstream(out: Output<unknown>): string[] {
  return derivedOf(out)?.upstream ?? [out.taskId];
}

/** True for what `.map()` or `.zip()` returned. */
export const isDerivedOutput = (out: Output<unknown>): boolean => derivedOf(out) !== undefined;

function mapOf(dagId: string, out: Output<unknown>, fn: unknown): Output<never> {
  const builder = currentBuilder(`${out.taskId}.map()`);
  if (typeof fn !== "function") throw new DagDefinitionError(`dag "${dagId}": ${out.taskId}.map() takes a function, got ${typeof fn}`);
  if ((fn as unknown as Record<symbol, unknown>)[Symbol.for("updraft.definition")]) {
    throw new DagDefinitionError(`dag "${dagId}": ${out.taskId}.map() takes a plain function, not a task definition`);
  }
  const id = builder.addMapFunction(fn as (value: unknown) => unknown);
  return makeDerived(dagId, { spec: { kind: "map", source: outputSpec(out), fn: id }, upstream: outputUpstream(out) }, out.taskId);
}

function zipOf(dagId: string, out: Output<unknown>, args: unknown[]): Output<never> {
  const where = `dag "${dagId}": ${out.taskId}.zip()`;
  currentBuilder(`${out.taskId}.zip()`);
  let fill: { value: Json } | null = null;
  const last = args.at(-1);
  if (typeof last === "object" && last !== null && !Array.isArray(last) && !isOutput(last)) {
    if (!Object.hasOwn(last, "fillValue") || Object.keys(last).length !== 1) throw new DagDefinitionError(`${where}: its last argument may only be { fillValue }`);
    const value = (last as { fillValue: unknown }).fillValue;
    if (!isJsonValue(value)) throw new DagDefinitionError(`${where}: fillValue must be a JSON value`);
    fill = { value: value as Json };
    args = args.slice(0, -1);
  }
  if (args.length === 0) throw new DagDefinitionError(`${where} needs at least one other output or list`);
  const sources: ArgSpec[] = [outputSpec(out)];
  const upstream = [...outputUpstream(out)];
  args.forEach((a, i) => {
    if (isOutput(a)) {
      if (outputDagId(a) !== dagId) throw new DagDefinitionError(`${where}: argument ${i + 1} is the output of task "${a.taskId}" of another dag "${outputDagId(a)}"`);
      sources.push(outputSpec(a));
      upstream.push(...outputUpstream(a));
    } else if (Array.isArray(a) && isJsonValue(a)) {
      sources.push({ kind: "literal", value: a as Json });
    } else {
      throw new DagDefinitionError(`${where}: argument ${i + 1} must be a task output or a list of JSON values`);
    }
  });
  return makeDerived(dagId, { spec: { kind: "zip", sources, fill }, upstream: [...new Set(upstream)] }, out.taskId);
}

function withDerivations<T>(dagId: string, out: Output<T>): Output<T> {
  Object.defineProperty(out, "dagId", { value: dagId, enumerable: false });
  return out;
}

export function makeOutput<T>(dagId: string, taskId: string, key = "return_value"): Output<T> {
  const out: Output<T> = {
    [OUTPUT]: true,
    taskId,
    key,
    after(...upstream) {
      const builder = currentBuilder(`${taskId}.after()`);
      for (const up of upstream.flat()) builder.addEdge(checkOutput(up, `${taskId}.after()`).taskId, taskId);
      return out;
    },
    get<U>(k: string) {
      return makeOutput<U>(dagId, taskId, k);
    },
    map(fn: unknown) {
      return mapOf(dagId, out, fn);
    },
    zip(...args: unknown[]) {
      return zipOf(dagId, out, args);
    },
  } as Output<T>;
  return withDerivations(dagId, out);
}

/** An output made by `.map()` or `.zip()`: a value to expand over, not a task to order after. */
function makeDerived(dagId: string, derived: Derived, label: string): Output<never> {
  const refuse = (what: string) => (): never => {
    throw new DagDefinitionError(`dag "${dagId}": the result of ${label}.map()/.zip() has no ${what}; it is a list to expand() over`);
  };
  const out = {
    [OUTPUT]: true,
    [DERIVED]: derived,
    taskId: label,
    key: "return_value",
    after: refuse("after()"),
    get: refuse("get()"),
    map(fn: unknown) {
      return mapOf(dagId, out, fn);
    },
    zip(...args: unknown[]) {
      return zipOf(dagId, out, args);
    },
  } as unknown as Output<never>;
  return withDerivations(dagId, out);
}

export function outputDagId(out: Output<unknown>): string {
  return (out as unknown as { dagId: string }).dagId;
}

function checkOutput(value: unknown, where: string): Output<unknown> {
  if (!isOutput(value)) throw new DagDefinitionError(`${where}: expected a task output, got ${typeof value}`);
  if (isDerivedOutput(value)) throw new DagDefinitionError(`${where}: the result of .map()/.zip() is a list to expand() over, not a task to order`);
  return value;
}

type Link = Output<unknown> | Output<unknown>[];

/**
 * Orders tasks without passing data: `chain(a, b, c)` runs a, then b, then c. A list fans out or
 * in (`chain(a, [b, c], d)`); two adjacent lists are linked pairwise and must have equal length.
 * @example chain(extract, [cleanA, cleanB], load);
 */
export function chain(...links: Link[]): void {
  const builder = currentBuilder("chain()");
  for (let i = 0; i + 1 < links.length; i++) {
    const up = links[i]!;
    const down = links[i + 1]!;
    if (Array.isArray(up) && Array.isArray(down)) {
      if (up.length !== down.length) {
        throw new DagDefinitionError(`dag "${builder.dagId}": chain() links lists of different lengths (${up.length} and ${down.length})`);
      }
      up.forEach((u, j) => builder.addEdge(checkOutput(u, "chain()").taskId, checkOutput(down[j], "chain()").taskId));
    } else {
      for (const u of [up].flat()) for (const d of [down].flat()) {
        builder.addEdge(checkOutput(u, "chain()").taskId, checkOutput(d, "chain()").taskId);
      }
    }
  }
}
