// What the home, DAG list and DAG details endpoints (/api/updraft/ui/home, /dags, /dags/{id}/details)
// answer, as the elements read it.

/** A run as the DAG list and the run picker show it. */
export interface DagRunSummary {
  run_id: string;
  state: string;
  run_type: string;
  logical_date: string | null;
  start_date: string | null;
  end_date: string | null;
  /** Seconds; null until it ends. */
  duration?: number | null;
  note?: string | null;
}

/** One row of the DAG list. */
export interface DagListRow {
  dag_id: string;
  description: string | null;
  tags: string[];
  fileloc: string;
  is_paused: boolean;
  has_import_errors: boolean;
  schedule_interval: string | null;
  timetable_description: string | null;
  next_dagrun: string | null;
  next_dagrun_create_after: string | null;
  next_dagrun_data_interval_start: string | null;
  next_dagrun_data_interval_end: string | null;
  max_active_runs: number;
  active_runs: number;
  last_run: DagRunSummary | null;
  /** Newest first. */
  recent_runs: DagRunSummary[];
}

export interface DagListPage {
  dags: DagListRow[];
  total_entries: number;
  tags: string[];
  import_errors: number;
}

/** A param as the trigger form reads it. */
export interface DagParam {
  name: string;
  default: unknown;
  title: string | null;
  description: string | null;
  section: string | null;
  schema: ParamSchema;
  declared: boolean;
}

export interface ParamSchema {
  type?: string | string[];
  enum?: unknown[];
  values_display?: Record<string, string>;
  format?: string;
  minimum?: number;
  maximum?: number;
  min_length?: number;
  max_length?: number;
  pattern?: string;
  items?: { type?: string };
}

/** GET /api/updraft/ui/dags/{dag_id}/details. */
export interface DagDetails {
  dag_id: string;
  description: string | null;
  tags: string[];
  fileloc: string;
  is_paused: boolean;
  is_active: boolean;
  has_import_errors: boolean;
  last_parsed_time: string | null;
  schedule_interval: string | null;
  timetable_description: string | null;
  timezone: string;
  catchup: boolean;
  start_date: string | null;
  end_date: string | null;
  max_active_runs: number;
  max_active_tasks: number;
  dagrun_timeout: number | null;
  next_dagrun: string | null;
  next_dagrun_create_after: string | null;
  next_dagrun_data_interval_start: string | null;
  next_dagrun_data_interval_end: string | null;
  task_count: number;
  version: { id: number; version_hash: string; created_at: string } | null;
  params: DagParam[];
  active_runs: number;
  /** Newest first. */
  runs: DagRunSummary[];
}

/** GET /api/updraft/ui/home. */
export interface HomeSummary {
  now: string;
  hours: number;
  scheduler: { status: "healthy" | "unhealthy"; latest_heartbeat: string | null; in_process: boolean };
  metadatabase: { status: "healthy" | "unhealthy"; latency_ms: number | null };
  workers: {
    remote: { online: number; draining: number; disconnected: number; lost: number; slots: number; running: number } | null;
    local: { executor: string; threads: number; capacity: number; running: number; queued: number } | null;
  };
  dags: { total: number; active: number; paused: number; import_errors: number; failed: number; running: number };
  runs: { counts: Record<string, number>; total: number };
  task_instances: { counts: Record<string, number>; total: number };
  failures: Array<{
    dag_id: string; run_id: string; task_id: string | null; map_index: number; try_number: number | null;
    logical_date: string | null; end_date: string | null;
  }>;
}

/** Run states that are not over yet. */
export const ACTIVE_RUN_STATES: ReadonlySet<string> = new Set(["queued", "running"]);

/**
 * Applies a run event to a newest-first list of runs: a known run takes its new state (and a start
 * or end time from the event), a new one goes in front. Returns whether anything changed.
 */
export function applyRunEvent(runs: DagRunSummary[], e: { run_id: string; state: string; at?: string | undefined }, keep = Infinity): boolean {
  const at = e.at ?? new Date().toISOString();
  const known = runs.find((r) => r.run_id === e.run_id);
  if (known) {
    if (known.state === e.state) return false;
    known.state = e.state;
    // A cleared run is queued again and starts anew.
    if (e.state === "queued") known.start_date = null;
    if (e.state === "running" && !known.start_date) known.start_date = at;
    if (ACTIVE_RUN_STATES.has(e.state)) {
      known.end_date = null;
      known.duration = null;
    } else if (!known.end_date) {
      known.end_date = at;
      known.duration = known.start_date ? Math.max(0, (Date.parse(at) - Date.parse(known.start_date)) / 1000) : null;
    }
    return true;
  }
  runs.unshift({
    run_id: e.run_id, state: e.state, run_type: runTypeOf(e.run_id), logical_date: logicalDateOf(e.run_id) ?? at,
    start_date: e.state === "running" ? at : null, end_date: null, duration: null,
  });
  if (runs.length > keep) runs.length = keep;
  return true;
}

/** `scheduled__…` → `scheduled`; Updraft's and Airflow's run ids start with their type. */
function runTypeOf(runId: string): string {
  const m = /^(scheduled|manual|backfill|dataset_triggered|asset_triggered)__/.exec(runId);
  return m ? m[1]! : "manual";
}

/** The logical date a generated run id carries (`manual__2026-03-01T00:00:00+00:00`), if any. */
function logicalDateOf(runId: string): string | null {
  const m = /__(\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)$/.exec(runId);
  return m && !Number.isNaN(Date.parse(m[1]!)) ? m[1]! : null;
}
