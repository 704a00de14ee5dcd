// What the scheduler tells the world after each change is committed: the live event stream the
// CLI's --wait, the UI and the API follow.
import type { RunState, TaskState } from "@updraft/sdk";

export type SchedulerEvent =
  | { type: "task"; dagId: string; runId: string; taskId: string; mapIndex: number; state: TaskState; tryNumber: number; at: number; hostname: string | null }
  | { type: "run"; dagId: string; runId: string; state: RunState; at: number }
  | { type: "dags"; at: number };

/**
 * Figures for metrics, measured as changes are committed: how long each group commit took, how
 * long a try waited between queued and running, and how long a try ran.
 */
export type SchedulerMeasure =
  | { type: "commit"; seconds: number; operations: number }
  | { type: "try-started"; dagId: string; taskId: string; queuedSeconds: number }
  | { type: "try-ended"; dagId: string; taskId: string; state: TaskState; durationSeconds: number };

/** High-resolution wall-clock time in ms (sub-millisecond), comparable across threads. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();
