// The web UI's two cookies: `updraft_session` (HttpOnly: the random session id, which scripts
// never see) and `updraft_csrf` (readable: the CSRF token the UI echoes in `x-csrf-token` on every
// request that changes something). Both SameSite=Strict, Path=/, and Secure over https.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/** The HttpOnly cookie holding the session id. */
export const SESSION_COOKIE = "updraft_session";
/** The readable cookie holding the session's CSRF token. */
export const CSRF_COOKIE = "updraft_csrf";
/** The header that must carry the CSRF token on a cookie-authenticated change. */
export const CSRF_HEADER = "x-csrf-token";

/** Whether the client reached us over https (directly, or through a proxy that says so). */
function isHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  return c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

/** The session id the request's cookie carries, if any. */
export function sessionIdOf(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined;
}

/**
 * Sets both cookies after a login. They are browser-session cookies: the server ends the session
 * itself (sliding expiry), and closing the browser forgets them.
 */
export function setSessionCookies(c: Context, sessionId: string, csrfToken: string): void {
  const secure = isHttps(c);
  setCookie(c, SESSION_COOKIE, sessionId, { path: "/", httpOnly: true, sameSite: "Strict", secure });
  setCookie(c, CSRF_COOKIE, csrfToken, { path: "/", httpOnly: false, sameSite: "Strict", secure });
}

/** Clears both cookies (logout, or a session that has ended). */
export function clearSessionCookies(c: Context): void {
  const secure = isHttps(c);
  deleteCookie(c, SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "Strict", secure });
  deleteCookie(c, CSRF_COOKIE, { path: "/", sameSite: "Strict", secure });
}
