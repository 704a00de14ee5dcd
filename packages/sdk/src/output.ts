// Task outputs: what calling a task returns inside a DAG body. Passing an output to another task
// call is a data edge (TaskFlow); `after` and `chain` add edges without data.
import { DagDefinitionError } from "./errors.ts";
import { currentBuilder } from "./builder.ts";

const OUTPUT = Symbol.for("updraft.output");

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
}

export function isOutput(value: unknown): value is Output<unknown> {
  return typeof value === "object" && value !== null && (value as { [OUTPUT]?: unknown })[OUTPUT] === true;
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
  };
  Object.defineProperty(out, "dagId", { value: dagId, enumerable: false });
  return out;
}

export function outputDagId(out: Output<unknown>): string {
  return (out as unknown as { dagId: string }).dagId;
}

function checkOutput(value: unknown, where: string): Output<unknown> {
  if (!isOutput(value)) throw new DagDefinitionError(`${where}: expected a task output, got ${typeof value}`);
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
