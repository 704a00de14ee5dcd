// @updraft/store: the metadata database (libSQL through drizzle). Open it, migrate it, and use
// the tables directly or through the small repositories for secrets, pools, tokens and users.
export { openStore } from "./open-store.ts";
export type { Store } from "./open-store.ts";
export { migrateStore, migrationStatus } from "./migrate.ts";
export { cleanStore, resetStore, CLEANABLE_TABLES } from "./db-maintenance.ts";
export type { CleanableTable } from "./db-maintenance.ts";
export { rotateSecrets } from "./rotate-secrets.ts";
export type { RotateResult } from "./rotate-secrets.ts";
export { redactUrl } from "./store-url.ts";
export { AlreadyExistsError, InvalidValueError, DefaultPoolDeletionError, constraintViolation } from "./errors.ts";

export { getVariable, setVariable, listVariables, deleteVariable } from "./variables.ts";
export { byteLimitFromEnv } from "./limits.ts";
export type { VariableEntry } from "./variables.ts";
export { addConnection, getConnection, listConnections, deleteConnection } from "./connections.ts";
export type { ConnectionInput, ConnectionEntry } from "./connections.ts";
export { DEFAULT_POOL, setPool, getPool, listPools, deletePool } from "./pools.ts";
export { replaceImportError, clearImportError, listImportErrors } from "./import-errors.ts";
export { recordEvent } from "./event-log.ts";
export { dagRunPages, findDagRun, findDagRunByLogicalDate, latestDagRun } from "./dag-runs.ts";
export { deleteDag } from "./delete-dag.ts";
export { currentDagVersion, runDagVersion } from "./dag-versions.ts";
export { latestSchedulerHeartbeat, schedulerHealthy } from "./scheduler-health.ts";
export { createToken, verifyToken, revokeToken, listTokens, hashToken, normalizeDagPatterns } from "./api-tokens.ts";
export { createSession, verifySession, csrfMatches, deleteSession, purgeSessions } from "./ui-sessions.ts";
export type { SessionPrincipal } from "./ui-sessions.ts";
export { createUser, verifyUser, hashPassword } from "./users.ts";
export { listUsers, deleteUser, setUserPassword } from "./user-admin.ts";

export { dag, dagVersion, bundle, importError, dagRun, taskInstance, taskInstanceHistory, xcom, variable, connection, slotPool, apiToken, abUser, uiSession, eventLog, job, schedulerLease, dagPriorityParsingRequest } from "./schema/index.ts";
export { TokenScope } from "./schema/auth.ts";
export type { Dag, ImportError, DagPriorityParsingRequest } from "./schema/dag.ts";
export type { DagRun } from "./schema/dag-run.ts";
export type { TaskInstance, TaskInstanceHistory, Xcom, StoredTaskState } from "./schema/task-instance.ts";
export type { Variable, Connection, SlotPool } from "./schema/admin.ts";
export type { AbUser } from "./schema/auth.ts";
export type { EventLog } from "./schema/monitoring.ts";
