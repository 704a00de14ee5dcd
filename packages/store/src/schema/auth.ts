// Who may call the API: bearer tokens (stored as sha256 hashes, with a scope and optionally DAG id
// patterns), users for HTTP Basic (stored as salted scrypt hashes), and the UI's login sessions
// (stored as the sha256 of the cookie's random id).
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * What a token or user may do, from least to most: read, trigger runs, edit resources,
 * administer; `worker` is for remote workers only.
 */
export const TokenScope = {
  read: "read",
  trigger: "trigger",
  edit: "edit",
  admin: "admin",
  worker: "worker",
} as const;
export type TokenScope = (typeof TokenScope)[keyof typeof TokenScope];

/** A bearer token. Only the sha256 of the token is stored; the token itself is shown once. */
export const apiToken = sqliteTable("api_token", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique("api_token_token_hash_key"),
  scope: text("scope").$type<TokenScope>().notNull(),
  /** DAG id patterns (`sales_*`) the token is restricted to; null for every DAG. */
  dags: text("dags", { mode: "json" }).$type<string[]>(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
  revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
});
export type ApiToken = typeof apiToken.$inferSelect;
export type NewApiToken = typeof apiToken.$inferInsert;

/** A user for HTTP Basic auth (Airflow's `ab_user`); `role` uses the token scopes' names. */
export const abUser = sqliteTable("ab_user", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  username: text("username").notNull().unique("ab_user_username_key"),
  passwordHash: text("password_hash").notNull(),
  role: text("role").$type<TokenScope>().notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  /** Airflow's user fields, for the /users API; not used for authentication. */
  email: text("email"),
  firstName: text("first_name"),
  lastName: text("last_name"),
  changedOn: integer("changed_on", { mode: "timestamp_ms" }),
});
export type AbUser = typeof abUser.$inferSelect;
export type NewAbUser = typeof abUser.$inferInsert;

/**
 * A login session of the web UI. The cookie holds a random id; only its sha256 is stored, with
 * the principal it stands for (copied from the user or token that logged in), the sha256 of its
 * CSRF token, and a sliding expiry. A session opened with a token ends with that token.
 */
export const uiSession = sqliteTable(
  "ui_session",
  {
    idHash: text("id_hash").primaryKey(),
    principal: text("principal").notNull(),
    scope: text("scope").$type<TokenScope>().notNull(),
    dags: text("dags", { mode: "json" }).$type<string[]>(),
    /** The token it was opened with, so that revoking the token ends it; null for a user's login. */
    tokenId: integer("token_id"),
    csrfHash: text("csrf_hash").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("idx_ui_session_expires_at").on(t.expiresAt)],
);
export type UiSession = typeof uiSession.$inferSelect;
export type NewUiSession = typeof uiSession.$inferInsert;
