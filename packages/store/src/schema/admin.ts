// What Airflow's "Admin" menu edits: variables, connections and pools. Secret columns
// (`val`, `password`, `extra`) hold ciphertext when the store was opened with a secret key.
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * A key/value setting tasks read with `ctx.variables.get` or `{{ var.value.k }}`.
 * `val` is ciphertext when `is_encrypted`; read it through `getVariable`.
 */
export const variable = sqliteTable("variable", {
  key: text("key").primaryKey(),
  val: text("val").notNull(),
  description: text("description"),
  isEncrypted: integer("is_encrypted", { mode: "boolean" }).notNull().default(false),
});
export type Variable = typeof variable.$inferSelect;
export type NewVariable = typeof variable.$inferInsert;

/**
 * How to reach an external system. `password` and `extra` are ciphertext when their flag is set;
 * read them through `getConnection`.
 */
export const connection = sqliteTable("connection", {
  connId: text("conn_id").primaryKey(),
  connType: text("conn_type").notNull(),
  description: text("description"),
  host: text("host"),
  schema: text("schema"),
  login: text("login"),
  password: text("password"),
  port: integer("port"),
  /** JSON text, as in Airflow. */
  extra: text("extra"),
  isEncrypted: integer("is_encrypted", { mode: "boolean" }).notNull().default(false),
  isExtraEncrypted: integer("is_extra_encrypted", { mode: "boolean" }).notNull().default(false),
});
export type Connection = typeof connection.$inferSelect;
export type NewConnection = typeof connection.$inferInsert;

/**
 * A pool of slots limiting how many task instances run at once; `-1` slots is unlimited.
 * `default_pool` always exists (seeded by `migrateStore`).
 */
export const slotPool = sqliteTable("slot_pool", {
  pool: text("pool").primaryKey(),
  slots: integer("slots").notNull(),
  description: text("description"),
  includeDeferred: integer("include_deferred", { mode: "boolean" }).notNull().default(false),
});
export type SlotPool = typeof slotPool.$inferSelect;
export type NewSlotPool = typeof slotPool.$inferInsert;
