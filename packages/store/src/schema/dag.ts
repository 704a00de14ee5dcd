// Tables the DAG processor writes: one row per DAG, its versions (serialized structure + source),
// the content-addressed bundles workers download, and the files that failed to load.
import { index, integer, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import type { SerializedDag } from "@updraft/sdk";

/**
 * Airflow's `dag` table: the current state of each DAG the processor has seen.
 * `next_dagrun*` columns are the scheduler's cursor; `version_hash` names the current version.
 * @example await store.db.select().from(dag).where(eq(dag.isPaused, false));
 */
export const dag = sqliteTable(
  "dag",
  {
    dagId: text("dag_id").primaryKey(),
    fileloc: text("fileloc").notNull(),
    isPaused: integer("is_paused", { mode: "boolean" }).notNull().default(false),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
    hasImportErrors: integer("has_import_errors", { mode: "boolean" }).notNull().default(false),
    lastParsedTime: integer("last_parsed_time", { mode: "timestamp_ms" }),
    versionHash: text("version_hash"),
    description: text("description"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** Human-readable schedule, e.g. "@daily" or "0 6 * * *" (Airflow's `schedule_interval`). */
    scheduleInterval: text("schedule_interval"),
    timetableDescription: text("timetable_description"),
    maxActiveRuns: integer("max_active_runs").notNull().default(16),
    maxActiveTasks: integer("max_active_tasks").notNull().default(16),
    /** Logical date of the next scheduled run. */
    nextDagrun: integer("next_dagrun", { mode: "timestamp_ms" }),
    nextDagrunDataIntervalStart: integer("next_dagrun_data_interval_start", { mode: "timestamp_ms" }),
    nextDagrunDataIntervalEnd: integer("next_dagrun_data_interval_end", { mode: "timestamp_ms" }),
    /** The scheduler creates the next run once the clock passes this instant. */
    nextDagrunCreateAfter: integer("next_dagrun_create_after", { mode: "timestamp_ms" }),
  },
  (t) => [index("idx_next_dagrun_create_after").on(t.nextDagrunCreateAfter)],
);
export type Dag = typeof dag.$inferSelect;
export type NewDag = typeof dag.$inferInsert;

/**
 * One row per distinct version of a DAG: its serialized structure, the file's source text and the
 * hash of the bundle that runs it. Runs point at the version they were created from.
 */
export const dagVersion = sqliteTable(
  "dag_version",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    dagId: text("dag_id")
      .notNull()
      .references(() => dag.dagId, { onDelete: "cascade" }),
    versionHash: text("version_hash").notNull(),
    bundleHash: text("bundle_hash"),
    serialized: text("serialized", { mode: "json" }).$type<SerializedDag>().notNull(),
    source: text("source").notNull(),
    fileloc: text("fileloc").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [unique("dag_version_dag_id_version_hash_key").on(t.dagId, t.versionHash)],
);
export type DagVersion = typeof dagVersion.$inferSelect;
export type NewDagVersion = typeof dagVersion.$inferInsert;

/** A DAG file with its imports, built by esbuild, keyed by the hash of its content. */
export const bundle = sqliteTable("bundle", {
  hash: text("hash").primaryKey(),
  code: text("code").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});
export type Bundle = typeof bundle.$inferSelect;
export type NewBundle = typeof bundle.$inferInsert;

/** A DAG file that failed to load: at most one row per file, replaced on each parse. */
export const importError = sqliteTable("import_error", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  filename: text("filename").notNull().unique("import_error_filename_key"),
  stackTrace: text("stack_trace").notNull(),
  timestamp: integer("timestamp", { mode: "timestamp_ms" }).notNull(),
});
export type ImportError = typeof importError.$inferSelect;
export type NewImportError = typeof importError.$inferInsert;

/**
 * A request to parse a DAG file soon (Airflow 2.10's `dag_priority_parsing_request`): PUT
 * /api/v1/parseDagFile writes one, and the DAG processor of whichever process parses the folder
 * loads that file again at its next pass (even unchanged) and deletes the row. The id is the
 * file's path, so that asking twice before the next pass makes one request.
 */
export const dagPriorityParsingRequest = sqliteTable("dag_priority_parsing_request", {
  fileloc: text("fileloc").primaryKey(),
  requestedAt: integer("requested_at", { mode: "timestamp_ms" }).notNull(),
});
export type DagPriorityParsingRequest = typeof dagPriorityParsingRequest.$inferSelect;
