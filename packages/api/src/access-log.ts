// The API's access log: one record per request, written when the answer is sent, with the
// method, the path, the status, the time taken, the size, the caller and who they signed in as.
// Credentials never reach it: headers are not logged, and query values whose names look like
// secrets (`token`, `password`, …) are replaced by `***`. Health checks log at debug level, so a
// load balancer's probe does not drown the log.
import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import type { ApiEnv } from "./auth.ts";

const SECRET_PARAM = /token|password|passwd|secret|key|auth|session|signature/i;
const QUIET = new Set(["/api/v1/health", "/health"]);

/** The path and query as logged: secret-looking query values masked. */
export function loggedPath(url: string): string {
  const u = new URL(url, "http://x");
  if (!u.search) return u.pathname;
  const query = [...u.searchParams].map(([k, v]) => `${encodeURIComponent(k)}=${SECRET_PARAM.test(k) ? "***" : encodeURIComponent(v)}`);
  return `${u.pathname}?${query.join("&")}`;
}

/**
 * Logs every request once its answer is ready: info for answers below 500, error above.
 * @example app.use("*", accessLog(logger));
 */
export function accessLog(logger: Logger): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const record: Record<string, unknown> = {
      method: c.req.method,
      path: loggedPath(c.req.url),
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    const bytes = c.res.headers.get("content-length");
    if (bytes) record.bytes = Number(bytes);
    const forwarded = c.req.header("x-forwarded-for");
    const remote = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
    if (forwarded ?? remote) record.remote = forwarded ?? remote;
    const principal = c.get("principal") as { name?: string } | undefined;
    if (principal?.name) record.user = principal.name;
    const agent = c.req.header("user-agent");
    if (agent) record.agent = agent;
    const line = `${c.req.method} ${record.path as string} ${status}`;
    if (status >= 500) logger.error(record, line);
    else if (QUIET.has(c.req.path) && status < 400) logger.debug(record, line);
    else logger.info(record, line);
  };
}
