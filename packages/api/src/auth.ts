// Authentication and authorisation: `Authorization: Bearer <token>` (tokens stored hashed, with
// a scope) or HTTP Basic with a user (as Airflow's basic_auth backend). 401 when there are no
// valid credentials, 403 when they do not allow the call, as Airflow answers.
import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { verifyToken, verifyUser, type Store, type TokenScope } from "@updraft/store";
import { ApiError } from "./problem.ts";

export interface Principal {
  /** `token:<id>` or `user:<name>`: who made the call, for the event log. */
  name: string;
  scope: TokenScope;
}

export type ApiEnv = { Variables: { principal: Principal } };

const RANK: Record<TokenScope, number> = { read: 0, trigger: 1, edit: 2, admin: 3, worker: -1 };

/** Whether `have` allows what `need` names: scopes are ordered read < trigger < edit < admin; worker stands apart. */
export function allows(have: TokenScope, need: TokenScope): boolean {
  if (need === "worker") return have === "worker" || have === "admin";
  return RANK[have] >= RANK[need];
}

const BASIC_CACHE_MS = 60_000;

/** Reads the credentials of a request; every route but health is behind it. */
export function authenticate(store: Store): MiddlewareHandler<ApiEnv> {
  // scrypt costs ~50 ms: a successful Basic check is remembered briefly, keyed by a hash.
  const basicCache = new Map<string, { principal: Principal; until: number }>();
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const [kind, value] = [header.slice(0, header.indexOf(" ")).toLowerCase(), header.slice(header.indexOf(" ") + 1).trim()];
    let principal: Principal | null = null;
    if (kind === "bearer" && value) {
      const t = await verifyToken(store, value);
      if (t) principal = { name: `token:${t.id}`, scope: t.scope };
    } else if (kind === "basic" && value) {
      const key = createHash("sha256").update(value).digest("hex");
      const cached = basicCache.get(key);
      if (cached && cached.until > Date.now()) principal = cached.principal;
      else {
        const decoded = Buffer.from(value, "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        const user = colon > 0 ? await verifyUser(store, decoded.slice(0, colon), decoded.slice(colon + 1)) : null;
        if (user) {
          principal = { name: `user:${user.username}`, scope: user.role };
          basicCache.set(key, { principal, until: Date.now() + BASIC_CACHE_MS });
        }
      }
    }
    if (!principal) {
      throw new ApiError(401, header ? "the credentials are not valid (unknown, revoked or expired token, or wrong user/password)" : "no credentials: send Authorization: Bearer <token> (see `updraft tokens create`) or HTTP Basic");
    }
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
