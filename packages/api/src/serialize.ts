// Rows of the store as Airflow's API shapes them: snake_case fields, ISO dates with an offset.
import type { ScheduleSpec, SerializedDag } from "@updraft/sdk";
import type { Dag, DagRun } from "@updraft/store";
import type { DataInterval } from "@updraft/scheduler";
import { iso } from "./pagination.ts";
import { dagOwners, timetableDescription } from "./dag-schedule-info.ts";

/** Airflow's `schedule_interval`: a CronExpression or TimeDelta object, or null. */
export function scheduleInterval(spec: ScheduleSpec | null): Record<string, unknown> | null {
  if (!spec) return null;
  switch (spec.kind) {
    case "cron":
      return { __type: "CronExpression", value: spec.preset ?? spec.expression };
    case "once":
      return { __type: "CronExpression", value: "@once" };
    case "interval": {
      const seconds = Math.floor(spec.everyMs / 1000);
      return { __type: "TimeDelta", days: Math.floor(seconds / 86_400), seconds: seconds % 86_400, microseconds: (spec.everyMs % 1000) * 1000 };
    }
    default:
      return spec satisfies never;
  }
}

/** What `dagJson` adds to the row: the signed file token and the next scheduled interval. */
export interface DagJsonExtras {
  fileToken: string;
  next: DataInterval | null;
}

/** Airflow's `DAG` object: the row, its current version's structure, and what is derived from them. */
export function dagJson(d: Dag, s: SerializedDag | null, extras: DagJsonExtras) {
  return {
    dag_id: d.dagId,
    dag_display_name: d.dagId,
    root_dag_id: null,
    is_paused: d.isPaused,
    is_active: d.isActive,
    is_subdag: false,
    last_parsed_time: iso(d.lastParsedTime),
    last_pickled: null,
    last_expired: null,
    scheduler_lock: null,
    pickle_id: null,
    default_view: "grid",
    fileloc: d.fileloc,
    file_token: extras.fileToken,
    owners: dagOwners(s),
    description: d.description,
    schedule_interval: s ? scheduleInterval(s.schedule) : null,
    timetable_description: s ? timetableDescription(s.schedule) : d.timetableDescription,
    tags: d.tags.map((name) => ({ name })),
    max_active_tasks: d.maxActiveTasks,
    max_active_runs: d.maxActiveRuns,
    max_consecutive_failed_dag_runs: 0,
    has_task_concurrency_limits: false,
    has_import_errors: d.hasImportErrors,
    next_dagrun: iso(extras.next?.start),
    next_dagrun_data_interval_start: iso(extras.next?.start),
    next_dagrun_data_interval_end: iso(extras.next?.end),
    next_dagrun_create_after: iso(extras.next?.end),
  };
}

export function dagRunJson(r: DagRun) {
  return {
    dag_run_id: r.runId,
    dag_id: r.dagId,
    logical_date: iso(r.logicalDate),
    execution_date: iso(r.logicalDate),
    start_date: iso(r.startDate),
    end_date: iso(r.endDate),
    data_interval_start: iso(r.dataIntervalStart),
    data_interval_end: iso(r.dataIntervalEnd),
    last_scheduling_decision: iso(r.lastSchedulingDecision),
    run_type: r.runType,
    state: r.state,
    external_trigger: r.externalTrigger,
    conf: r.conf ?? {},
    note: r.note,
  };
}
