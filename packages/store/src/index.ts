// @updraft/store: the metadata database (libSQL through drizzle). Open it, migrate it, and use
// the tables directly or through the small repositories for secrets, pools, tokens and users.
export { openStore } from "./open-store.ts";
export type { OpenStoreOptions, Store, StoreDb, StoreTx } from "./open-store.ts";
export { migrateStore, migrationStatus, MIGRATIONS_FOLDER } from "./migrate.ts";
export type { MigrateOptions, MigrateResult, MigrationStatus } from "./migrate.ts";
export { cleanStore, resetStore, CLEANABLE_TABLES } from "./db-maintenance.ts";
export type { CleanOptions, CleanResult, CleanableTable } from "./db-maintenance.ts";
export { rotateSecrets } from "./rotate-secrets.ts";
export type { RotateResult } from "./rotate-secrets.ts";
export { parseStoreUrl, redactUrl } from "./store-url.ts";
export type { StoreTarget } from "./store-url.ts";
export { SecretBox } from "./secret-box.ts";
export {
  StoreOpenError, MigrationError, SecretKeyMissingError, DecryptionError, AlreadyExistsError,
  InvalidValueError, DefaultPoolDeletionError, constraintViolation,
} from "./errors.ts";
export type { ConstraintKind } from "./errors.ts";

export { getVariable, setVariable, listVariables, deleteVariable } from "./variables.ts";
export { byteLimitFromEnv, maxVariableBytes, DEFAULT_MAX_VARIABLE_BYTES } from "./limits.ts";
export type { VariableEntry, ListVariablesOptions } from "./variables.ts";
export { addConnection, getConnection, listConnections, deleteConnection } from "./connections.ts";
export type { ConnectionInput, ConnectionEntry } from "./connections.ts";
export { DEFAULT_POOL, DEFAULT_POOL_SLOTS, ensureDefaults, setPool, getPool, listPools, deletePool } from "./pools.ts";
export type { PoolInput } from "./pools.ts";
export { replaceImportError, clearImportError, listImportErrors } from "./import-errors.ts";
export { recordEvent } from "./event-log.ts";
export { listDagRunsPage, dagRunPages, findDagRun, findDagRunByLogicalDate, latestDagRun, MAX_DAG_RUN_PAGE } from "./dag-runs.ts";
export type { DagRunFilter } from "./dag-runs.ts";
export { deleteDag } from "./delete-dag.ts";
export { currentDagVersion, runDagVersion } from "./dag-versions.ts";
export type { DagVersionInfo } from "./dag-versions.ts";
export { SCHEDULER_HEALTHY_MS, latestSchedulerHeartbeat, schedulerHealthy } from "./scheduler-health.ts";
export type { DeleteDagResult } from "./delete-dag.ts";
export type { EventInput } from "./event-log.ts";
export { TOKEN_PREFIX, createToken, verifyToken, revokeToken, listTokens, hashToken, normalizeDagPatterns } from "./api-tokens.ts";
export type { CreateTokenInput, TokenInfo, VerifiedToken } from "./api-tokens.ts";
export { SESSION_IDLE_MS, SESSION_MAX_MS, createSession, verifySession, csrfMatches, deleteSession, purgeSessions } from "./ui-sessions.ts";
export type { SessionPrincipal, VerifiedSession } from "./ui-sessions.ts";
export { createUser, verifyUser, hashPassword, checkPassword } from "./users.ts";
export type { CreateUserInput, UserInfo } from "./users.ts";
export { listUsers, deleteUser, setUserPassword } from "./user-admin.ts";
export type { UserEntry } from "./user-admin.ts";

export {
  dag, dagVersion, bundle, importError, dagRun, taskInstance, taskInstanceHistory, xcom,
  variable, connection, slotPool, apiToken, abUser, uiSession, eventLog, job, schedulerLease, dagPriorityParsingRequest,
} from "./schema/index.ts";
export { TokenScope } from "./schema/auth.ts";
export type {
  Dag, NewDag, DagVersion, NewDagVersion, Bundle, NewBundle, ImportError, NewImportError, DagPriorityParsingRequest,
} from "./schema/dag.ts";
export type { DagRun, NewDagRun } from "./schema/dag-run.ts";
export type {
  StoredTaskState, TaskInstance, NewTaskInstance, TaskInstanceHistory, NewTaskInstanceHistory, Xcom, NewXcom,
} from "./schema/task-instance.ts";
export type {
  Variable, NewVariable, Connection, NewConnection, SlotPool, NewSlotPool,
} from "./schema/admin.ts";
export type { ApiToken, NewApiToken, AbUser, NewAbUser, UiSession, NewUiSession } from "./schema/auth.ts";
export type { EventLog, NewEventLog, Job, NewJob, SchedulerLease } from "./schema/monitoring.ts";
