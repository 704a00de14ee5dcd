// Which tasks a clear applies to: named tasks (the API's task_ids) or those whose id matches a
// regular expression (the CLI's `tasks clear -t`, Airflow's partial_subset), plus, on request,
// everything upstream and/or downstream of them. Shared by the API's clearTaskInstances and
// `updraft tasks clear`.
import type { SerializedDag } from "@updraft/sdk";
import { SchedulerRequestError } from "../errors.ts";

export interface WidenOptions {
  upstream?: boolean;
  downstream?: boolean;
}

/**
 * The given task ids plus, on request, every task upstream and/or downstream of them (any depth).
 * Throws SchedulerRequestError naming an id the DAG does not have, or one only `ctx.submit` starts.
 * @example widenTaskSelection(dag, ["transform"], { downstream: true }) // Set { "transform", "load", "notify" }
 */
export function widenTaskSelection(dag: SerializedDag, taskIds: readonly string[], opts: WidenOptions = {}): Set<string> {
  const known = new Set(dag.tasks.map((t) => t.id));
  const submittable = new Set((dag.submittable ?? []).map((t) => t.id));
  for (const id of taskIds) {
    if (submittable.has(id)) throw new SchedulerRequestError(`"${id}" runs only when a task of dag "${dag.id}" submits it (ctx.submit); clear the task that submits it`);
    if (!known.has(id)) throw new SchedulerRequestError(`dag "${dag.id}" has no task "${id}"`);
  }
  const out = new Set(taskIds);
  const walk = (next: (id: string) => readonly string[]) => {
    const stack = [...taskIds];
    while (stack.length) {
      for (const n of next(stack.pop()!)) {
        if (out.has(n)) continue;
        out.add(n);
        stack.push(n);
      }
    }
  };
  const byId = new Map(dag.tasks.map((t) => [t.id, t]));
  if (opts.upstream) walk((id) => byId.get(id)!.upstream);
  if (opts.downstream) {
    const downstream = new Map<string, string[]>(dag.tasks.map((t) => [t.id, []]));
    for (const t of dag.tasks) for (const u of t.upstream) downstream.get(u)!.push(t.id);
    walk((id) => downstream.get(id)!);
  }
  return out;
}

/**
 * The ids of the DAG's tasks that a regular expression finds anywhere in (Python's `re.findall`,
 * as Airflow's partial_subset), widened as `widenTaskSelection`. A pattern that does not compile
 * is a SchedulerRequestError naming it.
 * @example tasksMatching(dag, "^extract_", { downstream: true })
 */
export function tasksMatching(dag: SerializedDag, pattern: string, opts: WidenOptions = {}): Set<string> {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (err) {
    throw new SchedulerRequestError(`task regex ${JSON.stringify(pattern)} is not a valid regular expression: ${(err as Error).message}`, { cause: err });
  }
  return widenTaskSelection(dag, dag.tasks.filter((t) => re.test(t.id)).map((t) => t.id), opts);
}
