// The shape of GET /api/updraft/ui/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/instance.

export interface TiTry {
  try_number: number;
  state: string | null;
  start_date: string | null;
  end_date: string | null;
  duration: number | null;
  hostname: string | null;
  queue: string | null;
  error: { name: string; message: string } | null;
  current: boolean;
}

export interface TiRef {
  task_id: string;
  map_index: number;
  state: string | null;
  rendered_map_index: string | null;
}

export interface TiInstance {
  state: string | null;
  try_number: number;
  max_tries: number;
  start_date: string | null;
  end_date: string | null;
  duration: number | null;
  queued_when: string | null;
  updated_at: string | null;
  queue: string;
  pool: string;
  pool_slots: number;
  hostname: string | null;
  operator: string | null;
  priority_weight: number;
  executor: string | null;
  rendered_map_index: string | null;
  note: string | null;
  next_retry_at: string | null;
  parent: { task_id: string; map_index: number } | null;
}

export interface TiTask {
  task_id: string;
  kind: string;
  doc: string | null;
  submittable: boolean;
  is_mapped: boolean;
  upstream: string[];
  downstream: string[];
  retries: number;
  retry_delay: number;
  retry_exponential_backoff: boolean;
  max_retry_delay: number | null;
  execution_timeout: number | null;
  trigger_rule: string;
  depends_on_past: boolean;
  pool: string;
  pool_slots: number;
  priority_weight: number;
  queue: string;
  sensor: { mode: string; poke_interval: number; timeout: number; soft_fail: boolean; exponential_backoff: boolean } | null;
}

export interface TiTemplate {
  field: string;
  template: string;
  rendered: string | null;
  rendered_from: "log" | null;
  note: string | null;
}

export interface TiXcom {
  key: string;
  size: number;
  preview: string;
  truncated: boolean;
  timestamp: string | null;
}

export interface TaskInstanceDetail {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  run: { state: string; run_type: string; logical_date: string | null; dag_version_id: number | null };
  instance: TiInstance | null;
  tries: TiTry[];
  mapped: { total: number; counts: Record<string, number>; instances: TiRef[] } | null;
  children: TiRef[];
  xcom: TiXcom[];
  task: TiTask | null;
  templates: TiTemplate[];
}

/** States in which a try may still write to its log. */
export const ACTIVE_STATES: ReadonlySet<string> = new Set(["running", "queued", "scheduled", "up_for_reschedule", "deferred", "restarting"]);
