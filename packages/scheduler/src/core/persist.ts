// The rows of the scheduler's hot path. Changes are described as row operations, and the
// group-commit writer turns each batch into a few multi-row statements per table (a prepared
// statement per row would cost more than the scheduling itself). Within one transaction the last
// write to a row wins; a row always carries its whole state, so replaying is harmless.
import type { InStatement, InValue } from "@libsql/client";
import type { ErrorData, Json } from "@updraft/sdk";
import type { RunModel, TaskGroup, TaskInstanceModel } from "./run-model.ts";

export type RowOp =
  | { kind: "ti"; key: string; values: InValue[] }
  | { kind: "ti_delete"; key: string; values: InValue[] }
  | { kind: "history"; key: string; values: InValue[] }
  | { kind: "xcom"; key: string; values: InValue[] }
  | { kind: "xcom_clear"; key: string; values: InValue[] }
  | { kind: "sql"; statement: InStatement };

const TI_COLUMNS = [
  "dag_id", "run_id", "task_id", "map_index", "state", "try_number", "max_tries", "start_date", "end_date", "duration",
  "hostname", "queue", "pool", "pool_slots", "priority_weight", "operator", "queued_dttm", "next_retry_at", "next_poke_at",
  "sensor_started_at", "executor", "parent_task_id", "parent_map_index", "submit_seq", "submit_args", "rendered_map_index", "updated_at",
] as const;
const HISTORY_COLUMNS = ["dag_id", "run_id", "task_id", "map_index", "try_number", "state", "start_date", "end_date", "duration", "hostname", "queue", "error"] as const;
const XCOM_COLUMNS = ["dag_id", "run_id", "task_id", "map_index", "key", "value", "timestamp"] as const;
const TI_KEY = ["dag_id", "run_id", "task_id", "map_index"] as const;

const tiKeyOf = (dagId: string, runId: string, taskId: string, mapIndex: number) => `${dagId}\u0000${runId}\u0000${taskId}\u0000${mapIndex}`;

/** How a submitted child is labelled where Airflow shows a mapped instance's rendered index: its parent and call. */
export function childLabel(submit: NonNullable<TaskInstanceModel["submit"]>): string {
  const parent = submit.parentMapIndex >= 0 ? `${submit.parentTaskId}[${submit.parentMapIndex}]` : submit.parentTaskId;
  return submit.seq === null ? `from ${parent}` : `from ${parent} #${submit.seq}`;
}

export function tiRow(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, executor: string | null): RowOp {
  const s = group.spec;
  const duration = ti.startDate != null && ti.endDate != null ? (ti.endDate - ti.startDate) / 1000 : null;
  const c = ti.submit;
  return {
    kind: "ti",
    key: tiKeyOf(run.dagId, run.runId, ti.taskId, ti.mapIndex),
    values: [
      run.dagId, run.runId, ti.taskId, ti.mapIndex, ti.state === "none" ? null : ti.state, ti.tryNumber, ti.maxTries,
      ti.startDate, ti.endDate, duration, ti.hostname, s.queue, s.pool, s.poolSlots, s.priorityWeight, s.kind,
      ti.queuedAt, ti.nextRetryAt, ti.nextPokeAt, ti.sensorStartedAt, executor,
      c?.parentTaskId ?? null, c?.parentMapIndex ?? null, c?.seq ?? null, c?.argsJson ?? null, c ? childLabel(c) : null, Date.now(),
    ],
  };
}

export function deleteTiRow(run: RunModel, taskId: string, mapIndex: number): RowOp {
  return { kind: "ti_delete", key: tiKeyOf(run.dagId, run.runId, taskId, mapIndex), values: [run.dagId, run.runId, taskId, mapIndex] };
}

export function historyRow(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, error: ErrorData | null): RowOp {
  const duration = ti.startDate != null && ti.endDate != null ? (ti.endDate - ti.startDate) / 1000 : null;
  return {
    kind: "history",
    key: `${tiKeyOf(run.dagId, run.runId, ti.taskId, ti.mapIndex)}\u0000${ti.tryNumber}`,
    values: [run.dagId, run.runId, ti.taskId, ti.mapIndex, ti.tryNumber, ti.state === "none" ? null : ti.state, ti.startDate, ti.endDate, duration, ti.hostname, group.spec.queue, error ? JSON.stringify(error) : null],
  };
}

export function xcomRow(run: RunModel, taskId: string, mapIndex: number, key: string, value: Json): RowOp {
  return {
    kind: "xcom",
    key: `${tiKeyOf(run.dagId, run.runId, taskId, mapIndex)}\u0000${key}`,
    values: [run.dagId, run.runId, taskId, mapIndex, key, JSON.stringify(value), Date.now()],
  };
}

export function clearXcomRows(run: RunModel, taskId: string, mapIndex: number): RowOp {
  return { kind: "xcom_clear", key: tiKeyOf(run.dagId, run.runId, taskId, mapIndex), values: [run.dagId, run.runId, taskId, mapIndex] };
}

export function runRow(run: RunModel): RowOp {
  return {
    kind: "sql",
    statement: {
      sql: "UPDATE dag_run SET state = ?, start_date = ?, end_date = ?, last_scheduling_decision = ?, updated_at = ? WHERE id = ?",
      args: [run.state, run.startDate, run.endDate, Date.now(), Date.now(), run.id],
    },
  };
}

const ROWS_PER_STATEMENT = 400;

function multiRow(head: string, width: number, rows: InValue[][], tail = ""): InStatement[] {
  const out: InStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const tuple = `(${new Array(width).fill("?").join(", ")})`;
    out.push({ sql: `${head} VALUES ${new Array(chunk.length).fill(tuple).join(", ")}${tail}`, args: chunk.flat() });
  }
  return out;
}

function keyedDelete(table: string, rows: InValue[][]): InStatement[] {
  const out: InStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const cond = `(${TI_KEY.join(", ")}) IN (VALUES ${new Array(chunk.length).fill("(?, ?, ?, ?)").join(", ")})`;
    out.push({ sql: `DELETE FROM ${table} WHERE ${cond}`, args: chunk.flat() });
  }
  return out;
}

const TI_UPSERT_HEAD = `INSERT INTO task_instance (${TI_COLUMNS.join(", ")})`;
const TI_UPSERT_TAIL = ` ON CONFLICT (${TI_KEY.join(", ")}) DO UPDATE SET ${TI_COLUMNS.filter((c) => !(TI_KEY as readonly string[]).includes(c)).map((c) => `${c} = excluded.${c}`).join(", ")}`;

/**
 * Compiles a batch of row operations into statements: raw statements first (in order), then
 * task-instance deletes and upserts, history, XCom clears and XCom writes, each deduplicated so
 * the last operation on a row wins. Foreign keys (history and XCom need their task instance)
 * hold because task instances are written first.
 */
export function compileOps(ops: RowOp[]): InStatement[] {
  const raw: InStatement[] = [];
  const ti = new Map<string, RowOp>();
  const history = new Map<string, InValue[]>();
  const xcomClears = new Map<string, InValue[]>();
  const xcoms = new Map<string, InValue[]>();
  for (const op of ops) {
    switch (op.kind) {
      case "sql": raw.push(op.statement); break;
      case "ti": case "ti_delete": ti.delete(op.key); ti.set(op.key, op); break;
      case "history": history.set(op.key, op.values); break;
      case "xcom_clear":
        xcomClears.set(op.key, op.values);
        for (const k of xcoms.keys()) if (k.startsWith(`${op.key}\u0000`)) xcoms.delete(k);
        break;
      case "xcom": xcoms.set(op.key, op.values); break;
      default: return op satisfies never;
    }
  }
  const deletes: InValue[][] = [];
  const upserts: InValue[][] = [];
  for (const op of ti.values()) (op.kind === "ti_delete" ? deletes : upserts).push((op as { values: InValue[] }).values);
  return [
    ...raw,
    ...keyedDelete("task_instance", deletes),
    ...multiRow(TI_UPSERT_HEAD, TI_COLUMNS.length, upserts, TI_UPSERT_TAIL),
    ...multiRow(`INSERT OR REPLACE INTO task_instance_history (${HISTORY_COLUMNS.join(", ")})`, HISTORY_COLUMNS.length, [...history.values()]),
    ...keyedDelete("xcom", [...xcomClears.values()]),
    ...multiRow(`INSERT OR REPLACE INTO xcom (${XCOM_COLUMNS.join(", ")})`, XCOM_COLUMNS.length, [...xcoms.values()]),
  ];
}
