// The shape of GET /api/updraft/ui/dags/{dag_id}/task-durations.

export interface DurationPoint {
  duration: number | null;
  queued: number | null;
  state: string | null;
  start_date: string | null;
  end_date: string | null;
  instances: number;
}

export interface TaskDurations {
  dag_id: string;
  runs: Array<{ run_id: string; logical_date: string | null; state: string; start_date: string | null; end_date: string | null }>;
  tasks: Array<{ task_id: string; points: Array<DurationPoint | null> }>;
}

/** A task's series colour: one of ten `--updraft-series-N` tokens, by its position. */
export const seriesVar = (i: number): string => `var(--updraft-series-${i % 10})`;
