// Task instances and their tries as Airflow's API shapes them (the `TaskInstance` schema), from
// the `task_instance` row, the run's logical date and, for a past try, its history row. Fields
// Updraft has no counterpart for get the empty values the spec allows.
import { userInfo } from "node:os";
import type { TaskInstance, TaskInstanceHistory } from "@updraft/store";
import { iso } from "./pagination.ts";

/** Who runs the tasks: the tries run in this process's threads (or a worker's, as the same service user). */
const UNIXNAME = (() => {
  try {
    return userInfo().username;
  } catch {
    return "";
  }
})();

/**
 * The `TaskInstance` object of Airflow's API.
 * @example c.json(taskInstanceJson(ti, run.logicalDate))
 */
export function taskInstanceJson(ti: TaskInstance, logicalDate: Date | null) {
  return {
    task_id: ti.taskId,
    task_display_name: ti.taskId,
    dag_id: ti.dagId,
    dag_run_id: ti.runId,
    execution_date: iso(logicalDate),
    start_date: iso(ti.startDate),
    end_date: iso(ti.endDate),
    duration: ti.duration,
    state: ti.state ?? null,
    try_number: ti.tryNumber,
    map_index: ti.mapIndex,
    max_tries: ti.maxTries,
    hostname: ti.hostname ?? "",
    unixname: UNIXNAME,
    pool: ti.pool,
    pool_slots: ti.poolSlots,
    queue: ti.queue,
    priority_weight: ti.priorityWeight,
    operator: ti.operator ?? null,
    queued_when: iso(ti.queuedDttm),
    pid: null,
    executor: ti.executor,
    executor_config: "{}",
    sla_miss: null,
    rendered_map_index: ti.renderedMapIndex,
    rendered_fields: {},
    trigger: null,
    triggerer_job: null,
    note: ti.note,
  };
}

export type TaskInstanceJson = ReturnType<typeof taskInstanceJson>;

/**
 * Every try of a task instance, oldest first: one per history row, plus the current try when it
 * has started and is not recorded yet (history gets a row as each try ends). A past try takes
 * what it recorded (state, dates, host, queue) and the instance's settings for the rest.
 */
export function triesOf(ti: TaskInstance, history: TaskInstanceHistory[], logicalDate: Date | null): TaskInstanceJson[] {
  const tries = [...history].sort((a, b) => a.tryNumber - b.tryNumber).map((h) => taskInstanceJson({
    ...ti,
    tryNumber: h.tryNumber,
    state: h.state,
    startDate: h.startDate,
    endDate: h.endDate,
    duration: h.duration,
    hostname: h.hostname,
    queue: h.queue ?? ti.queue,
    queuedDttm: h.tryNumber === ti.tryNumber ? ti.queuedDttm : null,
    note: h.tryNumber === ti.tryNumber ? ti.note : null,
  }, logicalDate));
  if (ti.tryNumber > 0 && !history.some((h) => h.tryNumber === ti.tryNumber)) tries.push(taskInstanceJson(ti, logicalDate));
  return tries;
}
