// What happened and who is alive: the event log (Airflow's `log`, the REST API's eventLogs) and
// `job`, the liveness rows schedulers and triggerers heartbeat into, and `scheduler_lease`, the
// one scheduler's fenced claim on the database.
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * An audit event: a trigger, a pause, a cleared task, a CLI command. Most columns are optional
 * because most events concern only a DAG, or nothing in particular.
 */
export const eventLog = sqliteTable(
  "log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    dttm: integer("dttm", { mode: "timestamp_ms" }).notNull(),
    dagId: text("dag_id"),
    taskId: text("task_id"),
    mapIndex: integer("map_index"),
    runId: text("run_id"),
    tryNumber: integer("try_number"),
    event: text("event").notNull(),
    owner: text("owner"),
    extra: text("extra"),
  },
  (t) => [index("idx_log_dttm").on(t.dttm), index("idx_log_event").on(t.event)],
);
export type EventLog = typeof eventLog.$inferSelect;
export type NewEventLog = typeof eventLog.$inferInsert;

/**
 * A long-running process (`SchedulerJob`, `TriggererJob`, …) and its last heartbeat; a job whose
 * heartbeat is too old is considered dead and its work is adopted by others.
 */
export const job = sqliteTable(
  "job",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    jobType: text("job_type").notNull(),
    state: text("state"),
    hostname: text("hostname"),
    pid: integer("pid"),
    startDate: integer("start_date", { mode: "timestamp_ms" }),
    endDate: integer("end_date", { mode: "timestamp_ms" }),
    latestHeartbeat: integer("latest_heartbeat", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("idx_job_state_heartbeat").on(t.state, t.latestHeartbeat),
    index("idx_job_type_heartbeat").on(t.jobType, t.latestHeartbeat),
  ],
);
export type Job = typeof job.$inferSelect;
export type NewJob = typeof job.$inferInsert;

/**
 * The scheduler's claim on the database: one row (`name` = "scheduler") naming the holder's job
 * and an epoch that goes up by one at every take-over. Every commit a scheduler makes first
 * inserts into the view `scheduler_lease_fence` (see migration 0005): a trigger aborts the whole
 * transaction unless the epoch and holder are still current, and otherwise renews the lease.
 * Times are wall-clock milliseconds, as the holder saw them.
 */
export const schedulerLease = sqliteTable("scheduler_lease", {
  name: text("name").primaryKey(),
  epoch: integer("epoch").notNull(),
  /** The holder's `job.id`. */
  holder: integer("holder").notNull(),
  hostname: text("hostname"),
  pid: integer("pid"),
  renewedAt: integer("renewed_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
});
export type SchedulerLease = typeof schedulerLease.$inferSelect;
