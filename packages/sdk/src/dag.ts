// `dag()`: runs a DAG body, checks what it built (ids, references, cycles, options) and keeps
// both the serializable structure and the task functions that runtimes call by task id.
import { DagDefinitionError } from "./errors.ts";
import { DagBuilder, buildWith, takeAmbientDefinitions, type DefinitionRecord, type NodeDraft, type TaskFunction } from "./builder.ts";
import { isOutput, outputSpec, outputUpstream } from "./output.ts";
import { dagOptionsSchema, describeIssues, resolveTaskOptions, type DagOptions, type TaskOptions } from "./options.ts";
import { parseDuration } from "./duration.ts";
import { splitParams } from "./param.ts";
import type { ArgSpec, Json, ScheduleSpec, SerializedDag, SerializedTask } from "./serialized.ts";

const DAG = Symbol.for("updraft.dag");

/** A task as a runtime needs it: its function (or sensor poke) and its direct downstream ids. */
export interface RuntimeTask {
  id: string;
  kind: SerializedTask["kind"];
  fn: TaskFunction | null;
  downstream: string[];
  spec: SerializedTask;
}

/** Translates a raw schedule to a ScheduleSpec; the scheduler supplies it (it owns cron parsing). */
export type ScheduleParser = (raw: DagOptions["schedule"], where: string) => ScheduleSpec | null;

/**
 * A DAG: what `dag()` returns and what a DAG file exports (default or named exports).
 */
export class Dag {
  readonly [DAG] = true;
  readonly id: string;
  readonly options: DagOptions;
  readonly tasks: ReadonlyMap<string, RuntimeTask>;
  /** Task ids in a topological order. */
  readonly order: readonly string[];
  /** Definitions `ctx.submit` can start, by id: made in the DAG file, not called as tasks. */
  readonly submittable: ReadonlyMap<string, RuntimeTask>;
  /** The functions given to `.map()`, by the id the serialized DAG names them with. */
  readonly mapFunctions: ReadonlyMap<string, (value: unknown) => unknown>;

  constructor(
    options: DagOptions, tasks: Map<string, RuntimeTask>, order: string[], submittable: Map<string, RuntimeTask> = new Map(),
    mapFunctions: ReadonlyMap<string, (value: unknown) => unknown> = new Map(),
  ) {
    this.id = options.id;
    this.options = options;
    this.tasks = tasks;
    this.order = order;
    this.submittable = submittable;
    this.mapFunctions = mapFunctions;
  }

  /** The `.map()` function with this id; throws naming the DAG when there is none. */
  mapFunction(id: string): (value: unknown) => unknown {
    const fn = this.mapFunctions.get(id);
    if (!fn) throw new DagDefinitionError(`dag "${this.id}" has no .map() function "${id}" (was the DAG file changed since the run started?)`);
    return fn;
  }

  /** The task (or submittable definition) with this id; throws naming the DAG when there is none. */
  task(taskId: string): RuntimeTask {
    const t = this.tasks.get(taskId) ?? this.submittable.get(taskId);
    if (!t) throw new DagDefinitionError(`dag "${this.id}" has no task "${taskId}"`);
    return t;
  }

  /** The JSON structure the store keeps and the scheduler reads. */
  serialize(parseSchedule: ScheduleParser): SerializedDag {
    const o = this.options;
    const where = `dag "${this.id}"`;
    const startDate = o.startDate === undefined ? null : toUtcIso(o.startDate, `${where}: startDate`);
    const schedule = parseSchedule(o.schedule === undefined ? null : o.schedule, where);
    if (schedule && !startDate) throw new DagDefinitionError(`${where}: a scheduled dag needs a startDate`);
    const params = splitParams(where, o.params);
    return {
      id: this.id,
      schedule,
      startDate,
      endDate: o.endDate === undefined ? null : toUtcIso(o.endDate, `${where}: endDate`),
      catchup: o.catchup ?? false,
      // Only when given, so that DAGs without it keep their version hash.
      ...(o.isPausedUponCreation !== undefined ? { isPausedUponCreation: o.isPausedUponCreation } : {}),
      maxActiveRuns: o.maxActiveRuns ?? 16,
      maxActiveTasks: o.maxActiveTasks ?? 16,
      dagrunTimeoutMs: o.dagrunTimeout == null ? null : parseDuration(o.dagrunTimeout, `${where}: dagrunTimeout`),
      params: params.values,
      // Only when some param has a spec, so that DAGs without one keep their version hash.
      ...(Object.keys(params.specs).length ? { paramSpecs: params.specs } : {}),
      tags: o.tags ?? [],
      timezone: o.timezone ?? "UTC",
      description: o.description ?? null,
      tasks: this.order.map((id) => this.task(id).spec),
      submittable: [...this.submittable.values()].map((t) => t.spec),
    };
  }
}

/** True for a Dag made by any copy of this SDK (a bundle and a runtime may each load one). */
export function isDag(value: unknown): value is Dag {
  return typeof value === "object" && value !== null && (value as { [DAG]?: unknown })[DAG] === true;
}

/** ISO timestamp in UTC; a date or date-time without an offset is taken as UTC. */
export function toUtcIso(value: string | Date, field: string): string {
  let date: Date;
  if (value instanceof Date) date = value;
  else {
    const text = value.trim();
    const m = /^\d{4}-\d{2}-\d{2}(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
    if (!m) throw new DagDefinitionError(`${field}: "${value}" is not an ISO date or date-time`);
    date = new Date(m[1] && !m[2] ? `${text.replace(" ", "T")}Z` : text);
  }
  if (Number.isNaN(date.getTime())) throw new DagDefinitionError(`${field}: "${String(value)}" is not a valid date`);
  return date.toISOString();
}

function toArgSpec(value: unknown): ArgSpec {
  if (isOutput(value)) return outputSpec(value);
  return { kind: "literal", value: (value === undefined ? null : value) as Json };
}

function upstreamOf(node: NodeDraft): string[] {
  const ids: string[] = [];
  for (const a of node.args) if (isOutput(a)) ids.push(...outputUpstream(a));
  if (node.expand && isOutput(node.expand.source)) ids.push(...outputUpstream(node.expand.source));
  return ids;
}

/** Kahn's algorithm; on a cycle, names it: `a -> b -> a`. */
function topologicalOrder(dagId: string, ids: string[], upstream: Map<string, Set<string>>): string[] {
  const indegree = new Map(ids.map((id) => [id, upstream.get(id)!.size]));
  const downstream = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const id of ids) for (const up of upstream.get(id)!) downstream.get(up)!.push(id);
  const ready = ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const d of downstream.get(id)!) {
      indegree.set(d, indegree.get(d)! - 1);
      if (indegree.get(d) === 0) ready.push(d);
    }
  }
  if (order.length === ids.length) return order;
  // Walk upstream from a task left in the cycle until a task repeats.
  const left = new Set(ids.filter((id) => !order.includes(id)));
  const path: string[] = [];
  let at = [...left][0]!;
  while (!path.includes(at)) {
    path.push(at);
    at = [...upstream.get(at)!].find((u) => left.has(u))!;
  }
  const cycle = [...path.slice(path.indexOf(at)), at].reverse();
  throw new DagDefinitionError(`dag "${dagId}" has a cycle: ${cycle.join(" -> ")}`);
}

/** Airflow's default weight rule "downstream": own weight plus that of every task downstream. */
function downstreamWeights(order: string[], own: Map<string, number>, downstream: Map<string, string[]>): Map<string, number> {
  const descendants = new Map<string, Set<string>>();
  for (const id of [...order].reverse()) {
    const set = new Set<string>();
    for (const d of downstream.get(id)!) {
      set.add(d);
      for (const x of descendants.get(d)!) set.add(x);
    }
    descendants.set(id, set);
  }
  return new Map(order.map((id) => [id, [...descendants.get(id)!].reduce((s, d) => s + own.get(d)!, own.get(id)!)]));
}

/**
 * The definitions `ctx.submit` may start: those made at top level before this dag() call and
 * those made inside its body, except ids that are tasks of the DAG (their instances would mix
 * with the task's own). A later definition with the same id replaces an earlier one.
 */
function submittableTasks(dagId: string, nodes: ReadonlyMap<string, NodeDraft>, defs: readonly DefinitionRecord[], defaults: TaskOptions): Map<string, RuntimeTask> {
  const out = new Map<string, RuntimeTask>();
  for (const def of defs) {
    if (nodes.has(def.id)) continue;
    const spec: SerializedTask = {
      id: def.id, kind: def.kind, upstream: [], args: [], expand: null,
      ...resolveTaskOptions(`dag "${dagId}": task "${def.id}"`, def.options, defaults),
      sensor: null, shell: null,
    };
    out.delete(def.id);
    out.set(def.id, { id: def.id, kind: def.kind, fn: def.fn, downstream: [], spec });
  }
  return out;
}

/**
 * Declares a DAG. The body calls tasks; their outputs passed to other tasks are the edges.
 * @example
 * export default dag({ id: "hello", schedule: "@daily", startDate: "2026-01-01" }, () => {
 *   const greet = task("greet", (ctx) => `hello ${ctx.ds}`);
 *   greet();
 * });
 */
export function dag(options: DagOptions, body: () => void): Dag {
  const parsed = dagOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const id = typeof (options as { id?: unknown })?.id === "string" ? `dag "${(options as { id: string }).id}"` : "dag()";
    throw new DagDefinitionError(describeIssues(id, parsed.error));
  }
  const opts = parsed.data as DagOptions;
  if (typeof body !== "function") throw new DagDefinitionError(`dag "${opts.id}": the second argument must be the body function`);
  if (opts.timezone) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: opts.timezone });
    } catch {
      throw new DagDefinitionError(`dag "${opts.id}": timezone "${opts.timezone}" is not an IANA time zone`);
    }
  }
  splitParams(`dag "${opts.id}"`, opts.params);
  const builder = new DagBuilder(opts.id);
  const ambient = takeAmbientDefinitions();
  buildWith(builder, body);
  if (builder.nodes.size === 0) throw new DagDefinitionError(`dag "${opts.id}" has no tasks: call them inside the body`);

  const ids = [...builder.nodes.keys()];
  const upstream = new Map<string, Set<string>>(ids.map((id) => [id, new Set(upstreamOf(builder.nodes.get(id)!))]));
  for (const [up, down] of builder.edges) upstream.get(down)?.add(up);
  for (const [id, ups] of upstream) {
    for (const up of ups) {
      if (!builder.nodes.has(up)) throw new DagDefinitionError(`dag "${opts.id}": task "${id}" depends on unknown task "${up}"`);
    }
  }
  const order = topologicalOrder(opts.id, ids, upstream);
  const downstream = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const id of order) for (const up of upstream.get(id)!) downstream.get(up)!.push(id);

  const defaults: TaskOptions = opts.defaultArgs ?? {};
  const resolved = new Map(ids.map((id) => [id, resolveTaskOptions(`dag "${opts.id}": task "${id}"`, builder.nodes.get(id)!.options, defaults)]));
  const weights = downstreamWeights(order, new Map(ids.map((id) => [id, resolved.get(id)!.priorityWeight])), downstream);

  const tasks = new Map<string, RuntimeTask>();
  for (const id of order) {
    const node = builder.nodes.get(id)!;
    const where = `dag "${opts.id}": sensor "${id}"`;
    const spec: SerializedTask = {
      id,
      kind: node.kind,
      upstream: [...upstream.get(id)!].sort(),
      args: node.args.map(toArgSpec),
      expand: node.expand ? { argIndex: node.expand.argIndex, source: toArgSpec(node.expand.source) } : null,
      ...resolved.get(id)!,
      priorityWeight: weights.get(id)!,
      sensor: node.sensor
        ? {
            pokeIntervalMs: parseDuration(node.sensor.pokeInterval, `${where}: pokeInterval`),
            timeoutMs: parseDuration(node.sensor.timeout, `${where}: timeout`),
            mode: node.sensor.mode,
            softFail: node.sensor.softFail,
            exponentialBackoff: node.sensor.exponentialBackoff,
          }
        : null,
      shell: node.shell,
      ...(node.kind === "short_circuit" ? { ignoreDownstreamTriggerRules: node.ignoreDownstreamTriggerRules ?? true } : {}),
    };
    tasks.set(id, { id, kind: node.kind, fn: node.fn, downstream: downstream.get(id)!, spec });
  }
  return new Dag(opts, tasks, order, submittableTasks(opts.id, builder.nodes, [...ambient, ...builder.definitions], defaults), builder.mapFunctions);
}
