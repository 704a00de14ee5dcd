// Task definitions: `task`, `branch` and `shortCircuit` make callable definitions; calling one
// inside a DAG body adds a node whose arguments (literals or other tasks' outputs) are its inputs.
import { DagDefinitionError, SubmitError } from "./errors.ts";
import { currentBuilder, recordDefinition, type DefinitionRecord, type NodeDraft, type TaskFunction } from "./builder.ts";
import { isDerivedOutput, isOutput, makeOutput, outputDagId } from "./output.ts";
import { ID_PATTERN, parseTaskOptions, type TaskOptions } from "./options.ts";
import { isJsonValue } from "./json-value.ts";
import type { TaskContext } from "./context.ts";
import type { Arg, TaskDef } from "./task-def.ts";

export type { Arg, TaskDef };
import type { Json, TaskKind } from "./serialized.ts";

const DEFINITION = Symbol.for("updraft.definition");

type TaskIdOrOptions = string | (TaskOptions & { id: string });

function splitIdAndOptions(idOrOptions: TaskIdOrOptions, where: string): { id: string; options: TaskOptions } {
  const { id, ...options } = typeof idOrOptions === "string" ? { id: idOrOptions } : idOrOptions;
  if (typeof id !== "string" || !ID_PATTERN.test(id) || id.length > 250) {
    throw new DagDefinitionError(`${where}: task id ${JSON.stringify(id)} must match [A-Za-z0-9_.-]+`);
  }
  return { id, options: parseTaskOptions(`task "${id}"`, options) };
}


/**
 * The record behind a task definition (id, kind, options, function), or null for anything else.
 * Runtimes use it to check what `ctx.submit` was given.
 * @example definitionOf(task("double", (_ctx, n: number) => n * 2))?.id // "double"
 */
export function definitionOf(value: unknown): DefinitionRecord | null {
  if (typeof value !== "function") return null;
  return ((value as unknown as Record<symbol, unknown>)[DEFINITION] as DefinitionRecord | undefined) ?? null;
}

/**
 * Checks the arguments of a `ctx.submit` call: JSON values only (a task output is a DAG-body
 * handle, not a value). Returns them as JSON, or throws a SubmitError naming the argument.
 * @example checkSubmitArgs('dag "d": ctx.submit of task "double"', [2]) // [2]
 */
export function checkSubmitArgs(where: string, args: readonly unknown[]): Json[] {
  return args.map((a, i) => {
    if (isOutput(a)) {
      throw new SubmitError(`${where}: argument ${i + 1} is a task output, which exists only inside a dag() body; pass a value (read an upstream result with ctx.xcom.pull)`);
    }
    if (a !== undefined && !isJsonValue(a)) {
      throw new SubmitError(`${where}: argument ${i + 1} must be a JSON value (strings, numbers, booleans, null, arrays, plain objects)`);
    }
    return (a === undefined ? null : a) as Json;
  });
}

/** Checks an argument at definition time: an output of this DAG, or a JSON literal. */
export function checkArg(dagId: string, taskId: string, value: unknown, position: string, mapped = false): void {
  if (isOutput(value)) {
    if (!mapped && isDerivedOutput(value)) {
      throw new DagDefinitionError(`dag "${dagId}": task "${taskId}": ${position} is the result of .map()/.zip(), which can only be the source of expand()`);
    }
    if (outputDagId(value) !== dagId) {
      throw new DagDefinitionError(`dag "${dagId}": task "${taskId}" takes the output of task "${value.taskId}" of another dag "${outputDagId(value)}"`);
    }
    return;
  }
  if (!isJsonValue(value)) {
    throw new DagDefinitionError(
      `dag "${dagId}": task "${taskId}": ${position} must be a task output or a JSON value (strings, numbers, booleans, null, arrays, plain objects); outputs nested inside lists or objects are not supported`,
    );
  }
}

function defineCallable<A extends unknown[], R>(kind: TaskKind, idOrOptions: TaskIdOrOptions, fn: TaskFunction, where: string, extra: Pick<DefinitionRecord, "ignoreDownstreamTriggerRules"> = {}): TaskDef<A, R> {
  if (typeof fn !== "function") throw new DagDefinitionError(`${where}: the last argument must be the task function`);
  const { id, options } = splitIdAndOptions(idOrOptions, where);
  const record: DefinitionRecord = { id, kind, options, fn, ...extra };
  recordDefinition(record);

  const addNode = (args: unknown[], expand: NodeDraft["expand"]): string => {
    const builder = currentBuilder(`task "${id}"`);
    const nodeId = builder.uniqueId(id, true);
    args.forEach((a, i) => {
      if (!(expand && i === expand.argIndex)) checkArg(builder.dagId, nodeId, a, `argument ${i + 1}`);
    });
    if (expand) checkArg(builder.dagId, nodeId, expand.source, "the source of expand()", true);
    if (expand && !isOutput(expand.source) && !Array.isArray(expand.source)) {
      throw new DagDefinitionError(`dag "${builder.dagId}": task "${nodeId}": expand() takes a list or a task output`);
    }
    builder.addNode({ id: nodeId, kind, options, args, expand, fn, sensor: null, shell: null, ...extra });
    return nodeId;
  };

  const def = ((...args: unknown[]) => {
    const nodeId = addNode(args, null);
    return makeOutput(currentBuilder(`task "${id}"`).dagId, nodeId);
  }) as unknown as TaskDef<A, R>;
  Object.defineProperties(def, {
    [DEFINITION]: { value: record },
    id: { value: id },
    kind: { value: kind },
    expand: {
      value: (source: unknown, ...rest: unknown[]) => {
        const nodeId = addNode([undefined, ...rest], { argIndex: 0, source });
        return makeOutput(currentBuilder(`task "${id}"`).dagId, nodeId);
      },
    },
  });
  return def;
}

/**
 * Defines a task from a function. Its return value is the task's `return_value` XCom.
 * @example const extract = task("extract", async (ctx) => fetchRows(ctx.params.region));
 * @example const clean = task({ id: "clean", retries: 0 }, async (ctx, row: Row) => normalise(row));
 */
export function task<A extends unknown[], R>(idOrOptions: TaskIdOrOptions, fn: (ctx: TaskContext, ...args: A) => R | Promise<R>): TaskDef<A, Awaited<R>> {
  return defineCallable<A, Awaited<R>>("task", idOrOptions, fn as unknown as TaskFunction, "task()");
}

/**
 * A task that picks which of its downstream tasks run: `fn` returns a task id or a list of them
 * (at any depth below the branch), and every direct downstream task that is not one of them, nor
 * leads from one of them, is skipped. An id that is not a task of the DAG fails the branch, naming it.
 * @example const pick = branch("pick", (ctx) => (ctx.params.full ? "full_load" : "delta_load"));
 */
export function branch<A extends unknown[]>(idOrOptions: TaskIdOrOptions, fn: (ctx: TaskContext, ...args: A) => string | string[] | null | Promise<string | string[] | null>): TaskDef<A, string | string[] | null> {
  return defineCallable<A, string | string[] | null>("branch", idOrOptions, fn as unknown as TaskFunction, "branch()");
}

/** Options of `shortCircuit` besides the task options. */
export interface ShortCircuitOptions extends TaskOptions {
  /**
   * true (the default, as Airflow's): a falsy result skips every task downstream, whatever its
   * trigger rule. false: it skips only the direct downstream tasks, and the tasks after them
   * follow their own trigger rules.
   */
  ignoreDownstreamTriggerRules?: boolean;
}

type ShortCircuitFn<A extends unknown[], R> = (ctx: TaskContext, ...args: A) => R | Promise<R>;

/**
 * A task whose falsy result (by Python's rules: `false`, `null`, `0`, `""`, `[]`, `{}`) skips
 * everything downstream of it; with `ignoreDownstreamTriggerRules: false`, only its direct
 * downstream tasks.
 * @example const isWeekday = shortCircuit("is_weekday", (ctx) => ctx.logicalDate.getUTCDay() % 6 !== 0);
 * @example const gate = shortCircuit("gate", { ignoreDownstreamTriggerRules: false }, (ctx) => ctx.params.enabled);
 */
export function shortCircuit<A extends unknown[], R>(idOrOptions: string | (ShortCircuitOptions & { id: string }), fn: ShortCircuitFn<A, R>): TaskDef<A, Awaited<R>>;
export function shortCircuit<A extends unknown[], R>(id: string, options: ShortCircuitOptions, fn: ShortCircuitFn<A, R>): TaskDef<A, Awaited<R>>;
export function shortCircuit<A extends unknown[], R>(
  idOrOptions: string | (ShortCircuitOptions & { id: string }),
  optionsOrFn: ShortCircuitOptions | ShortCircuitFn<A, R>,
  maybeFn?: ShortCircuitFn<A, R>,
): TaskDef<A, Awaited<R>> {
  const fn = typeof optionsOrFn === "function" ? optionsOrFn : maybeFn;
  const merged: ShortCircuitOptions & { id: string } = typeof idOrOptions === "string"
    ? { id: idOrOptions, ...(typeof optionsOrFn === "object" && optionsOrFn !== null ? optionsOrFn : {}) }
    : idOrOptions;
  const { ignoreDownstreamTriggerRules, ...taskOptions } = merged;
  if (ignoreDownstreamTriggerRules !== undefined && typeof ignoreDownstreamTriggerRules !== "boolean") {
    throw new DagDefinitionError(`shortCircuit(): task "${String(merged.id)}": ignoreDownstreamTriggerRules must be a boolean, got ${JSON.stringify(ignoreDownstreamTriggerRules)}`);
  }
  return defineCallable<A, Awaited<R>>("short_circuit", taskOptions, fn as unknown as TaskFunction, "shortCircuit()", {
    ignoreDownstreamTriggerRules: ignoreDownstreamTriggerRules ?? true,
  });
}

export { splitIdAndOptions };
