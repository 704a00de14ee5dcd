// Airflow's task-instance and run states, and its trigger rules: the vocabulary every package
// shares. `as const` objects with derived unions, so values exist at run time for validation.

/** Task instance states, as Airflow names them. */
export const TaskState = {
  none: "none",
  scheduled: "scheduled",
  queued: "queued",
  running: "running",
  success: "success",
  failed: "failed",
  up_for_retry: "up_for_retry",
  up_for_reschedule: "up_for_reschedule",
  upstream_failed: "upstream_failed",
  skipped: "skipped",
  removed: "removed",
} as const;
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/** States a task instance never leaves unless it is cleared. */
export const FINISHED_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  "success", "failed", "upstream_failed", "skipped", "removed",
]);

/** Run states. */
export const RunState = {
  queued: "queued",
  running: "running",
  success: "success",
  failed: "failed",
} as const;
export type RunState = (typeof RunState)[keyof typeof RunState];

/** Airflow's trigger rules; `all_success` is the default. */
export const TriggerRule = {
  all_success: "all_success",
  all_failed: "all_failed",
  all_done: "all_done",
  all_done_min_one_success: "all_done_min_one_success",
  all_skipped: "all_skipped",
  one_success: "one_success",
  one_failed: "one_failed",
  one_done: "one_done",
  none_failed: "none_failed",
  none_failed_min_one_success: "none_failed_min_one_success",
  none_skipped: "none_skipped",
  always: "always",
} as const;
export type TriggerRule = (typeof TriggerRule)[keyof typeof TriggerRule];

/** How a run came to be; the prefix of its run id. */
export const RunType = { scheduled: "scheduled", manual: "manual", backfill: "backfill" } as const;
export type RunType = (typeof RunType)[keyof typeof RunType];
