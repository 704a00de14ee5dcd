// @updraft/api: the HTTP API (Hono).
export { createApiApp, type ApiOptions } from "./app.ts";
