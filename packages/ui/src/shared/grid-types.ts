// What the grid, graph and Gantt endpoints (/api/updraft/ui/dags/{dag_id}/grid|graph|runs/…/gantt)
// answer, as the elements read it, and the state that stands for a group of instances.

/** A task as a row of the grid or a node of the graph. */
export interface GridNode {
  id: string;
  kind: string;
  is_mapped: boolean;
  trigger_rule: string | null;
  upstream: string[];
  downstream: string[];
  group: string | null;
  /** For a child started with `ctx.submit`: the task that submitted it. */
  parent_task_id: string | null;
  in_dag: boolean;
  doc: string | null;
}

/** One task's instances in one run: a single instance, or (mapped, submitted children) counts per state. */
export interface CellSummary {
  state: string | null;
  try_number: number;
  start_date: string | null;
  end_date: string | null;
  counts?: Record<string, number>;
  total?: number;
}

export interface GridRun {
  run_id: string;
  state: string;
  run_type: string;
  logical_date: string | null;
  queued_at: string | null;
  start_date: string | null;
  end_date: string | null;
  duration: number | null;
  note: string | null;
  dag_version_id: number | null;
}

export interface GridPage {
  dag_id: string;
  nodes: GridNode[];
  runs: Array<GridRun & { task_instances: Record<string, CellSummary> }>;
  has_more: boolean;
  total_runs: number;
}

export interface GraphData {
  dag_id: string;
  run: GridRun | null;
  nodes: Array<GridNode & { summary: CellSummary | null }>;
  edges: Array<{ source_id: string; target_id: string; kind: "dependency" | "submit" }>;
}

export interface GanttTry {
  task_id: string;
  map_index: number;
  try_number: number;
  state: string | null;
  queued_dttm: string | null;
  start_date: string | null;
  end_date: string | null;
  hostname: string | null;
  parent_task_id: string | null;
  current: boolean;
}

export interface GanttData {
  dag_id: string;
  run: GridRun;
  tries: GanttTry[];
}

/** Airflow's order for the state that stands for a group of instances (`state_priority`); the server uses the same. */
export const STATE_PRIORITY = [
  "failed", "upstream_failed", "up_for_retry", "up_for_reschedule", "queued", "scheduled", "deferred", "running",
  "restarting", "none", "success", "skipped", "removed",
] as const;

/** States after which an instance does nothing more (until cleared). */
export const FINISHED_STATES: ReadonlySet<string> = new Set(["success", "failed", "skipped", "upstream_failed", "removed"]);

/** The state that stands for instances counted by state (null for `none`). */
export function dominantState(counts: Record<string, number>): string | null {
  for (const s of STATE_PRIORITY) if ((counts[s] ?? 0) > 0) return s === "none" ? null : s;
  for (const [s, n] of Object.entries(counts)) if (n > 0) return s === "none" ? null : s;
  return null;
}
