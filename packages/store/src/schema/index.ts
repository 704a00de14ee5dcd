// Every table of the metadata database, gathered for drizzle (`drizzle(client, { schema })`) and
// for drizzle-kit, which reads this file to generate migrations.
export { dag, dagVersion, bundle, importError, dagPriorityParsingRequest } from "./dag.ts";
export { dagRun } from "./dag-run.ts";
export { taskInstance, taskInstanceHistory, xcom } from "./task-instance.ts";
export { variable, connection, slotPool } from "./admin.ts";
export { apiToken, abUser, uiSession } from "./auth.ts";
export { eventLog, job, schedulerLease } from "./monitoring.ts";
