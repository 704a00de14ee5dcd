// The failed outcome the remote executor reports itself when a worker goes silent past its
// time-out with tries on it (Airflow's zombie tasks): retryable, so the scheduler counts the try
// and retries it by the task's retries, on another worker.
import type { TaskAssignment, TaskOutcome } from "@updraft/worker";

export const WORKER_LOST_ERROR = "WorkerLostError";

type Failed = Extract<TaskOutcome, { status: "failed" }>;

/**
 * @example workerLost(a, "gpu-1", "no heartbeat for 30000ms", true).error.message
 * // 'task "etl.load" (try 1) was lost with worker "gpu-1": no heartbeat for 30000ms (it had started)'
 */
export function workerLost(a: TaskAssignment, worker: string, why: string, started: boolean): Failed {
  const mapped = a.mapIndex >= 0 ? `[${a.mapIndex}]` : "";
  const how = started ? "it had started" : "it had not started";
  return {
    status: "failed",
    retryable: true,
    error: { name: WORKER_LOST_ERROR, message: `task "${a.dagId}.${a.taskId}${mapped}" (try ${a.tryNumber}) was lost with worker "${worker}": ${why} (${how})` },
  };
}
