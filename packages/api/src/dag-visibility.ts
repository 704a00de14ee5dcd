// What credentials restricted to DAG id patterns (a portal's token) may see, in one place: the
// check of a single DAG id, the SQL condition that filters lists, the middleware and handler
// guard that answer 404 for a DAG named in the path that the credentials may not see (as for one
// that does not exist, so that a portal token cannot probe for names), and the middleware that
// refuses the routes that are not about DAGs (variables, connections, pools, config, metrics).
import { or, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Context, MiddlewareHandler } from "hono";
import type { ApiApp, ApiEnv, Principal } from "./types.ts";
import { ApiError, notFound, problem } from "./problem.ts";

/** The 404 a DAG that does not exist gets; a hidden DAG gets the same. */
export const dagNotFound = (dagId: string): ApiError => notFound(`DAG with dag_id: '${dagId}' not found`);

const globCache = new Map<string, RegExp>();
function globToRegExp(pattern: string): RegExp {
  let re = globCache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "u");
    if (globCache.size > 1000) globCache.clear();
    globCache.set(pattern, re);
  }
  return re;
}

/**
 * Whether the credentials may see this DAG: their `dags` patterns, `*` matching any run of
 * characters, case-sensitively (DAG ids are).
 * @example canSeeDag({ name: "token:3", scope: "read", dags: ["sales_*"] }, "sales_daily") // true
 */
export function canSeeDag(p: Principal, dagId: string): boolean {
  if (p.dags === null) return true;
  return p.dags.some((pattern) => globToRegExp(pattern).test(dagId));
}

/**
 * A pattern as SQLite's GLOB reads it: `*` stays the wildcard, `?` and `[` are made literal.
 * GLOB rather than LIKE because LIKE ignores case in SQLite, and `sales_*` must not match `SALES_X`.
 */
function globLiteral(pattern: string): string {
  return pattern.replace(/[?[]/g, (m) => `[${m}]`);
}

/**
 * The condition that keeps the rows of DAGs the credentials may see, to spread into a list's
 * `where`: nothing when they see every DAG. Rows whose DAG column is null (an event about no
 * DAG) are left out for restricted credentials.
 * @example where.push(...visibleDags(c.get("principal"), dagRun.dagId));
 */
export function visibleDags(p: Principal, column: SQLiteColumn | SQL): SQL[] {
  if (p.dags === null) return [];
  const parts = p.dags.map((pattern) => sql`${column} GLOB ${globLiteral(pattern)}`);
  return [parts.length === 1 ? parts[0]! : or(...parts)!];
}

/** The request's hidden DAG, set by `hideInvisibleDag` for the handler guard of `guardHiddenDags`. */
export const HIDDEN_DAG = "hiddenDag" as const;

/**
 * For a route whose path names a DAG (`:dag_id`): marks a DAG the credentials may not see, so
 * that the route's handler answers 404 as it would for a DAG that does not exist. The answer
 * waits for the handler (see `guardHiddenDags`) rather than coming from here, so that the scope
 * check (403) and the request's validation (400) come first, as they do for a missing DAG. A
 * handler that was not guarded and answered anyway has its answer replaced by the 404.
 */
export function hideInvisibleDag(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const dagId = c.req.param("dag_id");
    const p = c.get("principal");
    const hidden = dagId !== undefined && dagId !== "~" && p !== undefined && !canSeeDag(p, dagId);
    if (hidden) c.set(HIDDEN_DAG, dagId);
    await next();
    if (hidden && c.get(HIDDEN_DAG) !== undefined && c.res.status < 400) {
      console.error(`api: ${c.req.method} ${c.req.path} answered for a DAG hidden from ${p.name}; its handler is not guarded (register it with app.openapi)`);
      c.res = undefined;
      c.res = problem(c, 404, dagNotFound(dagId).message);
    }
  };
}

type AnyHandler = (c: Parameters<MiddlewareHandler<ApiEnv>>[0], ...rest: unknown[]) => unknown;

/**
 * Makes every handler registered afterwards with `app.openapi` begin with the hidden-DAG check:
 * one guard for all routes instead of a check in each.
 */
export function guardHiddenDags(app: ApiApp): void {
  const register = app.openapi as unknown as (route: unknown, handler: AnyHandler, ...rest: unknown[]) => ApiApp;
  const guarded = (route: unknown, handler: AnyHandler, ...rest: unknown[]): ApiApp =>
    register(route, (c, ...more) => {
      const hidden = c.get(HIDDEN_DAG);
      if (hidden !== undefined) {
        c.set(HIDDEN_DAG, undefined);
        throw dagNotFound(hidden);
      }
      return handler(c, ...more);
    }, ...rest);
  (app as unknown as { openapi: typeof guarded }).openapi = guarded;
}

/**
 * Routes that DAG-restricted credentials may call: those about DAGs (filtered), plus the server's
 * version, the OpenAPI document and the caller's own identity. Everything else (variables,
 * connections, pools, config, metrics, bundles) is not DAG-scoped and answers 403.
 */
const DAG_SCOPED = [
  /^\/api\/v1\/(?:dags|eventLogs|importErrors|dagStats|parseDagFile)(?:\/|$)/,
  /^\/api\/v1\/dagSources\//,
  /^\/api\/v1\/version$/,
  /^\/api\/updraft\/(?:events|workers)$/,
  /^\/api\/updraft\/ui\/(?!(?:variables|connections|pools|config|users|tokens)(?:\/|$))/,
  /^\/openapi\.json$/,
];

/** Whether DAG-restricted credentials may call this path at all. */
export function isDagScopedPath(path: string): boolean {
  return DAG_SCOPED.some((re) => re.test(path));
}

/** Refuses (403) DAG-restricted credentials on routes that are not about DAGs. */
export function dagScopedRoutesOnly(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const p = c.get("principal");
    if (p && p.dags !== null && !isDagScopedPath(c.req.path)) {
      throw new ApiError(403, `these credentials are restricted to the DAGs ${p.dags.map((d) => `"${d}"`).join(", ")}; ${c.req.path} is not about a DAG`);
    }
    await next();
  };
}

/** 404 (as for a missing DAG) unless the caller may see this DAG; for handlers whose DAG is not a path parameter. */
export function requireVisibleDagOf(c: Context<ApiEnv>, dagId: string): void {
  if (!canSeeDag(c.get("principal"), dagId)) throw dagNotFound(dagId);
}
