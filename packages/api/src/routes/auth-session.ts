// POST /api/updraft/auth/login and /logout: the web UI's session. Login takes a user's name and
// password (users of `updraft users create`) or a pasted token, and sets the HttpOnly session
// cookie and the readable CSRF cookie; logout ends the session and clears both. These routes
// are registered before authentication, since login has no credentials yet.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  createSession, csrfMatches, deleteSession, purgeSessions, recordEvent, verifySession, verifyToken, verifyUser,
  type SessionPrincipal,
} from "@updraft/store";
import type { ApiApp, ApiDeps } from "../types.ts";
import type { ApiEnv } from "../auth.ts";
import { LoginLimiter } from "../login-limiter.ts";
import { ApiError, badRequest } from "../problem.ts";
import { clearSessionCookies, CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, sessionIdOf, setSessionCookies } from "../session-cookies.ts";
import { jsonBody, problemJson } from "./kit.ts";

const LoginBody = z.object({
  username: z.string().min(1).max(256).optional().openapi({ description: "A user's name (`updraft users create`), with `password`." }),
  password: z.string().max(4096).optional(),
  token: z.string().max(512).optional().openapi({ description: "An API token, instead of a user name and password." }),
}).strict().openapi("LoginRequest");

const problem = (description: string) => ({ description, content: problemJson });
const cookies = `Sets \`${SESSION_COOKIE}\` (HttpOnly, SameSite=Strict, Path=/; Secure over https) and \`${CSRF_COOKIE}\` (readable: send its value in the \`${CSRF_HEADER}\` header with every request that changes something).`;

/** The client's address as the socket saw it (a proxy's `X-Forwarded-For` is not trusted: a client could make it up). */
function clientAddress(c: Context<ApiEnv>): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}

export function registerAuthSession(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  const limiter = new LoginLimiter(deps.loginLimits);

  app.openapi(
    createRoute({
      method: "post", path: "/api/updraft/auth/login", tags: ["Updraft"], summary: "Log in to the web UI (user and password, or a token)",
      description: `${cookies} A session ends after 12 hours unused, 7 days after the login, at logout, or when the token it was opened with is revoked. `
        + "Too many failures for one user name from one address answer 429 for a while.",
      security: [],
      request: { body: jsonBody(LoginBody) },
      responses: {
        204: { description: `Logged in. ${cookies}` },
        400: problem("Neither a user name and password nor a token, or both."),
        401: problem("Wrong user name or password, or a token that is not valid."),
        403: problem("A worker token: it cannot use the UI."),
        429: problem("Too many failed logins; `Retry-After` says when to try again."),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      if (body.token !== undefined && (body.username !== undefined || body.password !== undefined)) {
        throw badRequest("send either token, or username and password, not both");
      }
      if (body.token === undefined && (body.username === undefined || body.password === undefined)) {
        throw badRequest(`${body.username === undefined ? "username" : "password"}: required (or send a token instead)`);
      }
      const key = `${body.token === undefined ? `user:${body.username}` : "token"}|${clientAddress(c)}`;
      const wait = limiter.blockedFor(key);
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        throw new ApiError(429, `too many failed logins; try again in ${seconds} s`, { headers: { "Retry-After": String(seconds) } });
      }
      let who: SessionPrincipal | null = null;
      if (body.token !== undefined) {
        const t = await verifyToken(store, body.token.trim());
        if (t) who = { principal: `token:${t.id}`, scope: t.scope, dags: t.dags, tokenId: t.id };
      } else {
        const u = await verifyUser(store, body.username!, body.password!);
        if (u) who = { principal: `user:${u.username}`, scope: u.role, dags: null, tokenId: null };
      }
      if (!who) {
        limiter.fail(key);
        throw new ApiError(401, body.token === undefined ? "wrong user name or password" : "the token is not valid (unknown, revoked or expired)");
      }
      if (who.scope === "worker") throw new ApiError(403, "a worker token cannot log in to the UI; use a token of scope read, trigger, edit or admin");
      limiter.succeed(key);
      const previous = sessionIdOf(c);
      if (previous) await deleteSession(store, previous);
      await purgeSessions(store);
      const s = await createSession(store, who);
      await recordEvent(store, { event: "ui_login", owner: who.principal, extra: { address: clientAddress(c) } });
      setSessionCookies(c, s.sessionId, s.csrfToken);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: "post", path: "/api/updraft/auth/logout", tags: ["Updraft"], summary: "Log out of the web UI",
      description: `Ends the session of the \`${SESSION_COOKIE}\` cookie and clears both cookies. With a live session, the \`${CSRF_HEADER}\` header must carry its CSRF token.`,
      security: [],
      responses: {
        204: { description: "Logged out (or there was no session); both cookies are cleared." },
        403: problem(`The \`${CSRF_HEADER}\` header is missing or wrong.`),
      },
    }),
    async (c) => {
      const sessionId = sessionIdOf(c);
      if (sessionId !== undefined) {
        const session = await verifySession(store, sessionId);
        if (session && !csrfMatches(session, c.req.header(CSRF_HEADER))) {
          throw new ApiError(403, `the ${CSRF_HEADER} header is missing or wrong: logging out needs the ${CSRF_COOKIE} cookie's value in it`);
        }
        if (session) {
          await deleteSession(store, sessionId);
          await recordEvent(store, { event: "ui_logout", owner: session.principal });
        }
      }
      clearSessionCookies(c);
      return c.body(null, 204);
    },
  );
}
