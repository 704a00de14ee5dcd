// The DAG under construction while a `dag()` body runs. Task calls and `chain` add nodes and
// edges to it; `dag()` turns it into a validated Dag when the body returns.
import { DagDefinitionError } from "./errors.ts";
import type { TaskKind, SensorSpec } from "./serialized.ts";
import type { TaskOptions } from "./options.ts";

export type TaskFunction = (ctx: never, ...args: never[]) => unknown;

/**
 * What `task()`, `branch()` and `shortCircuit()` made, whether or not the DAG body calls it: the
 * definitions `ctx.submit` can start, found again by id in the DAG's bundle when the child runs.
 */
export interface DefinitionRecord {
  id: string;
  kind: TaskKind;
  options: TaskOptions;
  fn: TaskFunction;
  /** shortCircuit only: false skips only the direct downstream tasks (Airflow's default, true, skips all). */
  ignoreDownstreamTriggerRules?: boolean;
}

/** A node as the body declared it, before options are resolved and edges checked. */
export interface NodeDraft {
  id: string;
  kind: TaskKind;
  options: TaskOptions;
  /** Arguments after ctx, as passed: literals and outputs. */
  args: unknown[];
  expand: { argIndex: number; source: unknown } | null;
  fn: TaskFunction | null;
  sensor: (Omit<SensorSpec, "pokeIntervalMs" | "timeoutMs"> & { pokeInterval: string | number; timeout: string | number }) | null;
  shell: { command: string; env: Record<string, string>; cwd: string | null } | null;
  /** shortCircuit only; see DefinitionRecord. */
  ignoreDownstreamTriggerRules?: boolean;
}

export class DagBuilder {
  readonly dagId: string;
  readonly nodes = new Map<string, NodeDraft>();
  /** Edges without data, as [upstream, downstream]. */
  readonly edges: Array<[string, string]> = [];
  /** Definitions made while the body ran, called or not. */
  readonly definitions: DefinitionRecord[] = [];
  /** Functions given to `.map()`, by id (`map_1`, `map_2`… in the order the body made them). */
  readonly mapFunctions = new Map<string, (value: unknown) => unknown>();

  constructor(dagId: string) {
    this.dagId = dagId;
  }

  /** A task id not used yet: `id`, or Airflow's `id__1`, `id__2`… when the same definition is called again. */
  uniqueId(id: string, fromSameDefinition: boolean): string {
    if (!this.nodes.has(id)) return id;
    if (!fromSameDefinition) {
      throw new DagDefinitionError(`dag "${this.dagId}": duplicate task id "${id}"`);
    }
    for (let n = 1; ; n++) if (!this.nodes.has(`${id}__${n}`)) return `${id}__${n}`;
  }

  addNode(node: NodeDraft): void {
    this.nodes.set(node.id, node);
  }

  /** Keeps a `.map()` function and returns its id, the same on every load of the DAG file. */
  addMapFunction(fn: (value: unknown) => unknown): string {
    const id = `map_${this.mapFunctions.size + 1}`;
    this.mapFunctions.set(id, fn);
    return id;
  }

  addEdge(upstream: string, downstream: string): void {
    if (upstream === downstream) throw new DagDefinitionError(`dag "${this.dagId}": task "${upstream}" cannot depend on itself`);
    this.edges.push([upstream, downstream]);
  }
}

let current: DagBuilder | null = null;

// Definitions made outside any dag() body (at a DAG file's top level, or in a module it imports)
// since the last dag() call took them. Every dag() call takes the whole list, so two DAGs of one
// file both know the definitions made above them; the first definition made after a dag() call
// starts a new list, so a file loaded later does not inherit another file's definitions.
let ambient: DefinitionRecord[] = [];
let ambientTaken = false;

/** Records a definition: into the DAG whose body runs, else into the top-level list. */
export function recordDefinition(def: DefinitionRecord): void {
  if (current) {
    current.definitions.push(def);
    return;
  }
  if (ambientTaken) {
    ambient = [];
    ambientTaken = false;
  }
  ambient.push(def);
}

/** The definitions made at top level before this dag() call (see `ambient`). */
export function takeAmbientDefinitions(): readonly DefinitionRecord[] {
  ambientTaken = true;
  return ambient;
}

/** The DAG whose body is running; `where` names the call that needs one, for the error. */
export function currentBuilder(where: string): DagBuilder {
  if (!current) throw new DagDefinitionError(`${where} must be called inside a dag() body`);
  return current;
}

export function buildWith<T>(builder: DagBuilder, body: () => T): T {
  if (current) throw new DagDefinitionError(`dag "${builder.dagId}": dag() cannot be called inside the body of dag "${current.dagId}"`);
  current = builder;
  try {
    return body();
  } finally {
    current = null;
  }
}
