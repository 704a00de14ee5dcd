// The SQL of the scheduler's hot path: plain parameterised statements over the store's tables,
// queued on the group-commit writer. (drizzle builds the rest; here a statement per change must
// cost microseconds.) Each write carries the whole task-instance row, so replaying is harmless.
import type { InStatement } from "@libsql/client";
import type { ErrorData, Json } from "@updraft/sdk";
import type { RunModel, TaskGroup, TaskInstanceModel } from "./run-model.ts";

const TI_COLUMNS = [
  "dag_id", "run_id", "task_id", "map_index", "state", "try_number", "max_tries", "start_date", "end_date", "duration",
  "hostname", "queue", "pool", "pool_slots", "priority_weight", "operator", "queued_dttm", "next_retry_at", "next_poke_at",
  "sensor_started_at", "executor", "updated_at",
] as const;
const KEY = new Set(["dag_id", "run_id", "task_id", "map_index"]);
const UPSERT_TI =
  `INSERT INTO task_instance (${TI_COLUMNS.join(", ")}) VALUES (${TI_COLUMNS.map(() => "?").join(", ")}) ` +
  `ON CONFLICT (dag_id, run_id, task_id, map_index) DO UPDATE SET ` +
  TI_COLUMNS.filter((c) => !KEY.has(c)).map((c) => `${c} = excluded.${c}`).join(", ");

export function tiRow(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, executor: string | null): InStatement {
  const s = group.spec;
  const duration = ti.startDate != null && ti.endDate != null ? (ti.endDate - ti.startDate) / 1000 : null;
  return {
    sql: UPSERT_TI,
    args: [
      run.dagId, run.runId, ti.taskId, ti.mapIndex, ti.state === "none" ? null : ti.state, ti.tryNumber, ti.maxTries,
      ti.startDate, ti.endDate, duration, ti.hostname, s.queue, s.pool, s.poolSlots, s.priorityWeight, s.kind,
      ti.queuedAt, ti.nextRetryAt, ti.nextPokeAt, ti.sensorStartedAt, executor, Date.now(),
    ],
  };
}

export function deleteTiRow(run: RunModel, taskId: string, mapIndex: number): InStatement {
  return { sql: "DELETE FROM task_instance WHERE dag_id = ? AND run_id = ? AND task_id = ? AND map_index = ?", args: [run.dagId, run.runId, taskId, mapIndex] };
}

export function historyRow(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, error: ErrorData | null): InStatement {
  const duration = ti.startDate != null && ti.endDate != null ? (ti.endDate - ti.startDate) / 1000 : null;
  return {
    sql: "INSERT OR REPLACE INTO task_instance_history (dag_id, run_id, task_id, map_index, try_number, state, start_date, end_date, duration, hostname, queue, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    args: [run.dagId, run.runId, ti.taskId, ti.mapIndex, ti.tryNumber, ti.state === "none" ? null : ti.state, ti.startDate, ti.endDate, duration, ti.hostname, group.spec.queue, error ? JSON.stringify(error) : null],
  };
}

export function xcomRow(run: RunModel, taskId: string, mapIndex: number, key: string, value: Json): InStatement {
  return {
    sql: "INSERT OR REPLACE INTO xcom (dag_id, run_id, task_id, map_index, key, value, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)",
    args: [run.dagId, run.runId, taskId, mapIndex, key, JSON.stringify(value), Date.now()],
  };
}

export function clearXcomRows(run: RunModel, taskId: string, mapIndex: number): InStatement {
  return { sql: "DELETE FROM xcom WHERE dag_id = ? AND run_id = ? AND task_id = ? AND map_index = ?", args: [run.dagId, run.runId, taskId, mapIndex] };
}

export function runRow(run: RunModel): InStatement {
  return {
    sql: "UPDATE dag_run SET state = ?, start_date = ?, end_date = ?, last_scheduling_decision = ?, updated_at = ? WHERE id = ?",
    args: [run.state, run.startDate, run.endDate, Date.now(), Date.now(), run.id],
  };
}
