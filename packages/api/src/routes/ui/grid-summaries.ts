// Per run, per task summaries of task instances, computed in SQL with one GROUP BY over the
// task_instance primary key (dag_id, run_id, …): an unmapped instance's state, try and times; for
// a mapped task or the children a task started with `ctx.submit`, the number of instances in each
// state and the state that stands for them all (Airflow's priority: failed over retrying over
// running … over success).
import { z } from "@hono/zod-openapi";
import { and, eq, inArray, sql } from "drizzle-orm";
import { taskInstance, type Store } from "@updraft/store";
import { iso } from "../../pagination.ts";
import type { ExtraTask } from "./grid-structure.ts";

export const CellSummary = z.object({
  state: z.string().nullable().openapi({ description: "The instance's state; for several instances the one that stands for them (Airflow's priority); null is `none`." }),
  try_number: z.number().int(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable().openapi({ description: "Null while any of the instances is unfinished." }),
  counts: z.record(z.string(), z.number().int()).optional().openapi({ description: "Mapped tasks and submitted children: instances by state (`none` for no state)." }),
  total: z.number().int().optional().openapi({ description: "Mapped tasks and submitted children: the number of instances (0 while a mapped task is not expanded)." }),
}).openapi("UiCellSummary");
export type CellSummary = z.infer<typeof CellSummary>;

/**
 * Airflow's order for the state that stands for a group of instances (`airflow.utils.state`
 * `state_priority`): the first state present wins. `none` is null in the store.
 */
export const STATE_PRIORITY = [
  "failed", "upstream_failed", "up_for_retry", "up_for_reschedule", "queued", "scheduled", "deferred", "running",
  "restarting", "none", "success", "skipped", "removed",
] as const;

const FINISHED = new Set(["success", "failed", "skipped", "upstream_failed", "removed"]);

/** The state that stands for instances counted by state. */
export function dominantState(counts: Record<string, number>): string | null {
  for (const s of STATE_PRIORITY) if ((counts[s] ?? 0) > 0) return s === "none" ? null : s;
  const other = Object.keys(counts).find((s) => (counts[s] ?? 0) > 0);
  return other === undefined || other === "none" ? null : other;
}

export interface Summaries {
  /** run id → task id → summary. */
  byRun: Map<string, Map<string, CellSummary>>;
  /** Every task id seen, with what the instances say about it (for tasks the version does not have). */
  tasks: Map<string, ExtraTask>;
}

interface Acc {
  single: { state: string | null; tryNumber: number; start: number | null; end: number | null } | null;
  counts: Record<string, number>;
  total: number;
  tryNumber: number;
  start: number | null;
  end: number | null;
  unfinished: boolean;
}

const toMs = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
const isoMs = (ms: number | null) => iso(ms === null ? null : new Date(ms));

/**
 * The summaries of every task instance of these runs of a DAG: one query, grouped in SQL.
 * `mappedIds` names the version's mapped tasks, summarised as counts even before they expand.
 */
export async function loadSummaries(store: Store, dagId: string, runIds: string[], mappedIds: ReadonlySet<string> = new Set()): Promise<Summaries> {
  const byRun = new Map<string, Map<string, CellSummary>>();
  const tasks = new Map<string, ExtraTask>();
  if (runIds.length === 0) return { byRun, tasks };
  const expanded = sql<number>`(${taskInstance.mapIndex} >= 0)`;
  const rows = await store.db
    .select({
      runId: taskInstance.runId, taskId: taskInstance.taskId, parentTaskId: taskInstance.parentTaskId, expanded, state: taskInstance.state,
      n: sql<number>`count(*)`, tryNumber: sql<number>`max(${taskInstance.tryNumber})`,
      start: sql<number | null>`min(${taskInstance.startDate})`, end: sql<number | null>`max(${taskInstance.endDate})`,
      operator: sql<string | null>`max(${taskInstance.operator})`,
    })
    .from(taskInstance)
    .where(and(eq(taskInstance.dagId, dagId), inArray(taskInstance.runId, runIds)))
    .groupBy(taskInstance.runId, taskInstance.taskId, taskInstance.parentTaskId, expanded, taskInstance.state);

  const accs = new Map<string, Map<string, Acc>>();
  for (const r of rows) {
    const isExpanded = Number(r.expanded) === 1;
    const known = tasks.get(r.taskId);
    if (!known) tasks.set(r.taskId, { taskId: r.taskId, parentTaskId: r.parentTaskId, operator: r.operator, mapped: isExpanded });
    else {
      known.mapped ||= isExpanded;
      known.parentTaskId ??= r.parentTaskId;
    }
    let perRun = accs.get(r.runId);
    if (!perRun) accs.set(r.runId, (perRun = new Map()));
    let acc = perRun.get(r.taskId);
    if (!acc) perRun.set(r.taskId, (acc = { single: null, counts: {}, total: 0, tryNumber: 0, start: null, end: null, unfinished: false }));
    const n = Number(r.n);
    const start = toMs(r.start);
    const end = toMs(r.end);
    if (isExpanded) {
      const key = r.state ?? "none";
      acc.counts[key] = (acc.counts[key] ?? 0) + n;
      acc.total += n;
      acc.tryNumber = Math.max(acc.tryNumber, Number(r.tryNumber));
      acc.start = minOf(acc.start, start);
      acc.end = maxOf(acc.end, end);
      if (!FINISHED.has(key)) acc.unfinished = true;
    } else {
      acc.single = { state: r.state, tryNumber: Number(r.tryNumber), start, end };
    }
  }

  for (const [runId, perRun] of accs) {
    const cells = new Map<string, CellSummary>();
    for (const [taskId, acc] of perRun) {
      const t = tasks.get(taskId)!;
      const grouped = acc.total > 0 || t.mapped || mappedIds.has(taskId) || t.parentTaskId !== null;
      if (!grouped && acc.single) {
        const s = acc.single;
        cells.set(taskId, { state: s.state, try_number: s.tryNumber, start_date: isoMs(s.start), end_date: isoMs(s.end) });
        continue;
      }
      if (acc.total === 0 && acc.single) {
        // A mapped task not expanded yet: its placeholder's state, no instances.
        const s = acc.single;
        cells.set(taskId, { state: s.state, try_number: s.tryNumber, start_date: isoMs(s.start), end_date: isoMs(s.end), counts: {}, total: 0 });
        continue;
      }
      cells.set(taskId, {
        state: dominantState(acc.counts), try_number: acc.tryNumber, start_date: isoMs(acc.start),
        end_date: acc.unfinished ? null : isoMs(acc.end), counts: acc.counts, total: acc.total,
      });
    }
    byRun.set(runId, cells);
  }
  return { byRun, tasks };
}
