// The JSON of GET /api/updraft/ui/workers (and of a `worker` event's `worker`), as the workers
// view reads it.

/** A try a remote worker holds. */
export interface WorkerTryJson {
  key: string;
  dag_id: string;
  dag_run_id: string;
  task_id: string;
  map_index: number;
  try_number: number;
  started: boolean;
}

/** A remote worker (GET /api/updraft/workers' `Worker`). */
export interface WorkerJson {
  worker_id: string;
  name: string;
  hostname: string;
  pid: number;
  version: string;
  address: string | null;
  queues: string[];
  capacity: number;
  state: "online" | "draining" | "disconnected" | "lost";
  running: number;
  tries: WorkerTryJson[];
  tasks_done: number;
  tasks_failed: number;
  connected_at: string;
  last_heartbeat: string;
  lost_at: string | null;
}

/** The scheduler's own thread pool. */
export interface LocalPoolJson {
  executor: "threads" | "sequential";
  hostname: string;
  queues: string[];
  threads: Array<{ name: string; state: string; jobs: number; jobs_run: number; heap_used_mb: number }>;
  running: number;
  queued: number;
  capacity: number;
  tasks_done: number;
  tasks_failed: number;
  started_at: string;
}

/** A try on the time axis (running: no end). */
export interface TryJson {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  try_number: number;
  state: string | null;
  hostname: string;
  start_date: string;
  end_date: string | null;
}

export interface UiWorkersJson {
  now: string;
  window_minutes: number;
  scheduler: boolean;
  local: LocalPoolJson | null;
  workers: WorkerJson[];
  tries: TryJson[];
  tries_truncated: boolean;
  throughput: Array<{ hostname: string; minute: string; done: number; failed: number }>;
}
