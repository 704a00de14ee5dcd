// The rows of the grid and the nodes of the graph: a DAG version's tasks in topological order,
// with their kind, mapping, trigger rule and downstream ids, then the children started with
// `ctx.submit` (placed right under their parent) and tasks that only older versions had. Shared
// by the grid and graph endpoints so that both views name and order tasks the same way.
import { z } from "@hono/zod-openapi";
import type { SerializedDag } from "@updraft/sdk";

export const GridNode = z.object({
  id: z.string(),
  kind: z.string().openapi({ description: "The task kind (`task`, `shell`, `sensor`, `branch`, `short_circuit`), where Airflow shows the operator." }),
  is_mapped: z.boolean(),
  trigger_rule: z.string().nullable(),
  upstream: z.array(z.string()),
  downstream: z.array(z.string()),
  group: z.string().nullable().openapi({ description: "The task group the task belongs to; null (Updraft DAGs have no groups yet)." }),
  parent_task_id: z.string().nullable().openapi({ description: "For a child started with `ctx.submit`: the task that submitted it." }),
  in_dag: z.boolean().openapi({ description: "False for a task the version no longer has (only older runs know it) or a submitted child." }),
  doc: z.string().nullable(),
}).openapi("UiGridNode");
export type GridNode = z.infer<typeof GridNode>;

/** A task id seen in the task instances but absent from the version: a submitted child or a task an older version had. */
export interface ExtraTask {
  taskId: string;
  parentTaskId: string | null;
  operator: string | null;
  mapped: boolean;
}

/**
 * The version's tasks in topological order, then each submitted child after its parent (and its
 * parent's earlier children), then tasks only older versions had. A child submitted by two tasks
 * is listed once, under the first.
 */
export function gridNodes(serialized: SerializedDag | null, extras: Iterable<ExtraTask>): GridNode[] {
  const tasks = serialized?.tasks ?? [];
  const downstream = new Map<string, string[]>();
  for (const t of tasks) for (const up of t.upstream) (downstream.get(up) ?? downstream.set(up, []).get(up)!).push(t.id);
  const nodes: GridNode[] = tasks.map((t) => ({
    id: t.id, kind: t.kind, is_mapped: t.expand !== null, trigger_rule: t.triggerRule, upstream: [...t.upstream],
    downstream: (downstream.get(t.id) ?? []).sort(), group: null, parent_task_id: null, in_dag: true, doc: t.doc,
  }));
  const known = new Set(nodes.map((n) => n.id));
  const submittable = new Map((serialized?.submittable ?? []).map((t) => [t.id, t]));
  const children = new Map<string, GridNode[]>();
  const orphans: GridNode[] = [];
  const sorted = [...extras].sort((a, b) => a.taskId.localeCompare(b.taskId));
  for (const e of sorted) {
    if (known.has(e.taskId)) continue;
    known.add(e.taskId);
    const spec = submittable.get(e.taskId);
    const node: GridNode = {
      id: e.taskId, kind: spec?.kind ?? e.operator ?? "task", is_mapped: e.parentTaskId === null && e.mapped,
      trigger_rule: spec?.triggerRule ?? null, upstream: [], downstream: [], group: null,
      parent_task_id: e.parentTaskId, in_dag: false, doc: spec?.doc ?? null,
    };
    if (e.parentTaskId !== null) (children.get(e.parentTaskId) ?? children.set(e.parentTaskId, []).get(e.parentTaskId)!).push(node);
    else orphans.push(node);
  }
  const out: GridNode[] = [];
  const placed = new Set<string>();
  const place = (n: GridNode) => {
    if (placed.has(n.id)) return;
    placed.add(n.id);
    out.push(n);
    for (const c of children.get(n.id) ?? []) place(c);
  };
  for (const n of nodes) place(n);
  for (const n of orphans) place(n);
  // Children whose parent is nowhere in view (an older version's task without instances here).
  for (const list of children.values()) for (const c of list) place(c);
  return out;
}
