// Per-task state inside a run: `task_instance` (current try), `task_instance_history` (one row
// per finished try) and `xcom` (values tasks pass on). Rows cascade away with their run.
import { foreignKey, index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { ErrorData, Json, TaskKind, TaskState } from "@updraft/sdk";
import { dagRun } from "./dag-run.ts";

/** A task instance's state as stored: Airflow's `none` is SQL NULL. */
export type StoredTaskState = Exclude<TaskState, "none">;

/**
 * One instance of a task in a run; mapped tasks have one row per `map_index` (unmapped: -1).
 * `state` NULL is Airflow's `none`. `duration` is in seconds, as Airflow reports it.
 * @example await store.db.select().from(taskInstance).where(eq(taskInstance.state, "queued"));
 */
export const taskInstance = sqliteTable(
  "task_instance",
  {
    dagId: text("dag_id").notNull(),
    runId: text("run_id").notNull(),
    taskId: text("task_id").notNull(),
    mapIndex: integer("map_index").notNull().default(-1),
    state: text("state").$type<StoredTaskState>(),
    tryNumber: integer("try_number").notNull().default(0),
    maxTries: integer("max_tries").notNull().default(0),
    startDate: integer("start_date", { mode: "timestamp_ms" }),
    endDate: integer("end_date", { mode: "timestamp_ms" }),
    duration: real("duration"),
    hostname: text("hostname"),
    queue: text("queue").notNull().default("default"),
    pool: text("pool").notNull().default("default_pool"),
    poolSlots: integer("pool_slots").notNull().default(1),
    priorityWeight: integer("priority_weight").notNull().default(1),
    /** The task kind (`task`, `shell`, `sensor`, …), shown where Airflow shows the operator. */
    operator: text("operator").$type<TaskKind>(),
    queuedDttm: integer("queued_dttm", { mode: "timestamp_ms" }),
    nextRetryAt: integer("next_retry_at", { mode: "timestamp_ms" }),
    nextPokeAt: integer("next_poke_at", { mode: "timestamp_ms" }),
    sensorStartedAt: integer("sensor_started_at", { mode: "timestamp_ms" }),
    heartbeatAt: integer("heartbeat_at", { mode: "timestamp_ms" }),
    executor: text("executor"),
    externalExecutorId: text("external_executor_id"),
    /** Set for instances started with `ctx.submit` from inside another running task. */
    parentTaskId: text("parent_task_id"),
    parentMapIndex: integer("parent_map_index"),
    /**
     * A submitted child's position among its parent instance's `ctx.submit` calls (0, 1, …): with
     * the parent it names the child, so a later try of the parent that submits again finds it.
     */
    submitSeq: integer("submit_seq"),
    /** A submitted child's arguments (JSON), kept so that it runs again with them after a restart. */
    submitArgs: text("submit_args", { mode: "json" }).$type<Json[]>(),
    renderedMapIndex: text("rendered_map_index"),
    note: text("note"),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date())
      .$onUpdateFn(() => new Date()),
  },
  (t) => [
    primaryKey({ name: "task_instance_pkey", columns: [t.dagId, t.runId, t.taskId, t.mapIndex] }),
    foreignKey({
      name: "task_instance_dag_run_fkey",
      columns: [t.dagId, t.runId],
      foreignColumns: [dagRun.dagId, dagRun.runId],
    }).onDelete("cascade"),
    index("ti_state").on(t.state),
    index("ti_updated_at").on(t.updatedAt),
    index("ti_dag_run_state").on(t.dagId, t.runId, t.state),
    index("ti_pool").on(t.pool, t.state, t.priorityWeight),
  ],
);
export type TaskInstance = typeof taskInstance.$inferSelect;
export type NewTaskInstance = typeof taskInstance.$inferInsert;

/** One row per finished try of a task instance, kept when the instance is retried or cleared. */
export const taskInstanceHistory = sqliteTable(
  "task_instance_history",
  {
    dagId: text("dag_id").notNull(),
    runId: text("run_id").notNull(),
    taskId: text("task_id").notNull(),
    mapIndex: integer("map_index").notNull().default(-1),
    tryNumber: integer("try_number").notNull(),
    state: text("state").$type<StoredTaskState>(),
    startDate: integer("start_date", { mode: "timestamp_ms" }),
    endDate: integer("end_date", { mode: "timestamp_ms" }),
    duration: real("duration"),
    hostname: text("hostname"),
    queue: text("queue"),
    error: text("error", { mode: "json" }).$type<ErrorData>(),
  },
  (t) => [
    primaryKey({
      name: "task_instance_history_pkey",
      columns: [t.dagId, t.runId, t.taskId, t.mapIndex, t.tryNumber],
    }),
    foreignKey({
      name: "task_instance_history_ti_fkey",
      columns: [t.dagId, t.runId, t.taskId, t.mapIndex],
      foreignColumns: [taskInstance.dagId, taskInstance.runId, taskInstance.taskId, taskInstance.mapIndex],
    }).onDelete("cascade"),
    // The workers view reads the tries finished in the last minutes (its task stream, throughput).
    index("tih_end_date").on(t.endDate),
  ],
);
export type TaskInstanceHistory = typeof taskInstanceHistory.$inferSelect;
export type NewTaskInstanceHistory = typeof taskInstanceHistory.$inferInsert;

/** A value a task instance pushed; `return_value` is the task's result. */
export const xcom = sqliteTable(
  "xcom",
  {
    dagId: text("dag_id").notNull(),
    runId: text("run_id").notNull(),
    taskId: text("task_id").notNull(),
    mapIndex: integer("map_index").notNull().default(-1),
    key: text("key").notNull(),
    value: text("value", { mode: "json" }).$type<Json>(),
    timestamp: integer("timestamp", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "xcom_pkey", columns: [t.dagId, t.runId, t.taskId, t.mapIndex, t.key] }),
    foreignKey({
      name: "xcom_task_instance_fkey",
      columns: [t.dagId, t.runId, t.taskId, t.mapIndex],
      foreignColumns: [taskInstance.dagId, taskInstance.runId, taskInstance.taskId, taskInstance.mapIndex],
    }).onDelete("cascade"),
  ],
);
export type Xcom = typeof xcom.$inferSelect;
export type NewXcom = typeof xcom.$inferInsert;
