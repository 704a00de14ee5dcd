// The `dag_run` table: one row per run of a DAG, scheduled, manual or backfill.
import { index, integer, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import type { Json, RunState, RunType } from "@updraft/sdk";
import { dagVersion } from "./dag.ts";

/**
 * A run of a DAG for one logical date. `run_id` is unique within a DAG (`scheduled__<iso>`,
 * `manual__<iso>`, `backfill__<iso>`), and so is `logical_date`: two runs never cover the same
 * interval.
 * @example await store.db.select().from(dagRun).where(eq(dagRun.state, "running"));
 */
export const dagRun = sqliteTable(
  "dag_run",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    dagId: text("dag_id").notNull(),
    runId: text("run_id").notNull(),
    runType: text("run_type").$type<RunType>().notNull(),
    state: text("state").$type<RunState>().notNull().default("queued"),
    logicalDate: integer("logical_date", { mode: "timestamp_ms" }).notNull(),
    dataIntervalStart: integer("data_interval_start", { mode: "timestamp_ms" }),
    dataIntervalEnd: integer("data_interval_end", { mode: "timestamp_ms" }),
    queuedAt: integer("queued_at", { mode: "timestamp_ms" }),
    startDate: integer("start_date", { mode: "timestamp_ms" }),
    endDate: integer("end_date", { mode: "timestamp_ms" }),
    conf: text("conf", { mode: "json" }).$type<Record<string, Json>>(),
    externalTrigger: integer("external_trigger", { mode: "boolean" }).notNull().default(false),
    dagVersionId: integer("dag_version_id").references(() => dagVersion.id, { onDelete: "set null" }),
    note: text("note"),
    lastSchedulingDecision: integer("last_scheduling_decision", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date())
      .$onUpdateFn(() => new Date()),
  },
  (t) => [
    unique("dag_run_dag_id_run_id_key").on(t.dagId, t.runId),
    unique("dag_run_dag_id_logical_date_key").on(t.dagId, t.logicalDate),
    index("idx_dag_run_state").on(t.state),
    index("idx_dag_run_updated_at").on(t.updatedAt),
    index("idx_dag_run_dag_id_state").on(t.dagId, t.state),
  ],
);
export type DagRun = typeof dagRun.$inferSelect;
export type NewDagRun = typeof dagRun.$inferInsert;
