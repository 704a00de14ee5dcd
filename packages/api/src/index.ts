// @updraft/api: the HTTP API (Hono): Airflow's stable REST API under /api/v1 and Updraft's own routes.
export { createApiApp } from "./app.ts";
export type { ApiDeps, LiveEvent } from "./types.ts";
export { allows } from "./auth.ts";
export { storeEventSource } from "./store-events.ts";
export { attachWorkerSocket } from "./worker-socket.ts";
