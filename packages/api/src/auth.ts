// Authentication and authorisation: `Authorization: Bearer <token>` (tokens stored hashed, with
// a scope and maybe DAG id patterns), HTTP Basic with a user (as Airflow's basic_auth backend),
// or, without an Authorization header, the web UI's session cookie (changes then need the CSRF
// header). 401 when there are no valid credentials, 403 when they do not allow the call, as
// Airflow answers.
import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { csrfMatches, verifySession, verifyToken, verifyUser, type Store, type TokenScope } from "@updraft/store";
import { canSeeDag } from "./dag-visibility.ts";
import { ApiError } from "./problem.ts";
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, sessionIdOf } from "./session-cookies.ts";

export { canSeeDag };

import type { ApiEnv, Principal } from "./types.ts";

export type { ApiEnv, Principal };

/** Methods that change nothing: they need no CSRF token, and the scope of a read. */
export function isReadMethod(method: string): boolean {
  return method === "GET" || method === "HEAD" || method === "OPTIONS";
}

const RANK: Record<TokenScope, number> = { read: 0, trigger: 1, edit: 2, admin: 3, worker: -1 };

/** Whether `have` allows what `need` names: scopes are ordered read < trigger < edit < admin; worker stands apart. */
export function allows(have: TokenScope, need: TokenScope): boolean {
  if (need === "worker") return have === "worker" || have === "admin";
  return RANK[have] >= RANK[need];
}

const BASIC_CACHE_MS = 60_000;

/**
 * Checks an `Authorization` header's credentials: the principal, or null when there are none or
 * they are not valid. Used by every route but health, and by the worker socket's handshake.
 * @example const check = credentialsChecker(store); await check("Bearer updr_…") // { name: "token:3", scope: "worker" }
 */
export function credentialsChecker(store: Store): (header: string) => Promise<Principal | null> {
  // scrypt costs ~50 ms: a successful Basic check is remembered briefly, keyed by a hash.
  const basicCache = new Map<string, { principal: Principal; until: number }>();
  return async (header) => {
    const [kind, value] = [header.slice(0, header.indexOf(" ")).toLowerCase(), header.slice(header.indexOf(" ") + 1).trim()];
    if (kind === "bearer" && value) {
      const t = await verifyToken(store, value);
      return t ? { name: `token:${t.id}`, scope: t.scope, dags: t.dags } : null;
    }
    if (kind !== "basic" || !value) return null;
    const key = createHash("sha256").update(value).digest("hex");
    const cached = basicCache.get(key);
    if (cached && cached.until > Date.now()) return cached.principal;
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = colon > 0 ? await verifyUser(store, decoded.slice(0, colon), decoded.slice(colon + 1)) : null;
    if (!user) return null;
    const principal: Principal = { name: `user:${user.username}`, scope: user.role, dags: null };
    basicCache.set(key, { principal, until: Date.now() + BASIC_CACHE_MS });
    return principal;
  };
}

/** Why a request without valid credentials is refused (401). */
export function unauthenticated(header: string): string {
  return header
    ? "the credentials are not valid (unknown, revoked or expired token, or wrong user/password)"
    : "no credentials: send Authorization: Bearer <token> (see `updraft tokens create`) or HTTP Basic, or log in (POST /api/updraft/auth/login)";
}

/**
 * Reads the credentials of a request; every route but health, the UI's files and the login is
 * behind it. An Authorization header wins; without one, the session cookie is read, and a request
 * that changes something must then carry the session's CSRF token in `x-csrf-token` (a page on
 * another site can make the browser send the cookie, but cannot read the token).
 */
export function authenticate(store: Store): MiddlewareHandler<ApiEnv> {
  const check = credentialsChecker(store);
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const sessionId = header ? undefined : sessionIdOf(c);
    if (sessionId !== undefined) {
      const session = await verifySession(store, sessionId);
      if (!session) throw new ApiError(401, "the session has ended (expired, logged out, or its token was revoked); log in again");
      if (!isReadMethod(c.req.method) && !csrfMatches(session, c.req.header(CSRF_HEADER))) {
        throw new ApiError(403, `the ${CSRF_HEADER} header is missing or wrong: a change made with the ${SESSION_COOKIE} cookie must send the ${CSRF_COOKIE} cookie's value in the ${CSRF_HEADER} header`);
      }
      c.set("principal", { name: session.principal, scope: session.scope, dags: session.dags });
      await next();
      return;
    }
    const principal = await check(header);
    if (!principal) throw new ApiError(401, unauthenticated(header));
    c.set("principal", principal);
    await next();
  };
}

/** Refuses the call (403) unless the caller's scope allows `need`. */
export function requireScope(need: TokenScope): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const p = c.get("principal");
    if (!allows(p.scope, need)) throw new ApiError(403, `this call needs the "${need}" scope; the credentials have "${p.scope}"`);
    await next();
  };
}
