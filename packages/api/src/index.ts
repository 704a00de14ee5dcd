// @updraft/api: the HTTP API (Hono): Airflow's stable REST API under /api/v1 and Updraft's own routes.
export { createApiApp } from "./app.ts";
export type { ApiDeps, ApiApp, TriggerRequest, LiveEvent, LiveEventSource } from "./types.ts";
export { allows, type Principal } from "./auth.ts";
export { storeEventSource } from "./store-events.ts";
export { attachWorkerSocket, NO_SCHEDULER, type WorkerGateway, type WorkerSocketOptions, type UpgradingServer } from "./worker-socket.ts";
