// What the scheduler tells the world after each change is committed: the live event stream the
// CLI's --wait, the UI and the API follow.
import type { RunState, TaskState } from "@updraft/sdk";

export type SchedulerEvent =
  | { type: "task"; dagId: string; runId: string; taskId: string; mapIndex: number; state: TaskState; tryNumber: number; at: number; hostname: string | null }
  | { type: "run"; dagId: string; runId: string; state: RunState; at: number }
  | { type: "dags"; at: number };

/** High-resolution wall-clock time in ms (sub-millisecond), comparable across threads. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();
