// Login sessions of the web UI. The browser holds a random session id in an HttpOnly cookie and a
// CSRF token in a readable one; the store keeps only the sha256 of each, with the principal the
// session stands for and a sliding expiry. A session opened with a token ends with that token.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { eq, inArray, isNotNull, lte, or } from "drizzle-orm";
import type { Store } from "./open-store.ts";
import { apiToken, uiSession, type TokenScope } from "./schema/auth.ts";

/** A session unused for this long ends (each use within it pushes the end back). */
export const SESSION_IDLE_MS = 12 * 3_600_000;
/** However often it is used, a session ends this long after the login. */
export const SESSION_MAX_MS = 7 * 86_400_000;
/** The sliding expiry is written at most this often, so a session is not a write per request. */
const TOUCH_RESOLUTION_MS = 60_000;
const ID_BYTES = 32;
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Who a session stands for: copied from the user or token that logged in. */
export interface SessionPrincipal {
  /** `user:<name>` or `token:<id>`. */
  principal: string;
  scope: TokenScope;
  /** DAG id patterns the session is restricted to, or null for every DAG. */
  dags: string[] | null;
  /** The token the session was opened with (revoking it ends the session); null for a user. */
  tokenId: number | null;
}

/** A live session, as `verifySession` returns it. */
export interface VerifiedSession extends SessionPrincipal {
  expiresAt: Date;
  /** sha256 (hex) of the session's CSRF token; compare with `csrfMatches`. */
  csrfHash: string;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const random = () => randomBytes(ID_BYTES).toString("base64url");

/**
 * Opens a session; the id and CSRF token returned are the only copies (the store keeps hashes).
 * @example
 * const s = await createSession(store, { principal: "user:alice", scope: "edit", dags: null, tokenId: null });
 * // cookie updraft_session=s.sessionId (HttpOnly), updraft_csrf=s.csrfToken (readable)
 */
export async function createSession(
  store: Store,
  who: SessionPrincipal,
  now: Date = new Date(),
): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
  const sessionId = random();
  const csrfToken = random();
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
  await store.write((tx) =>
    tx.insert(uiSession).values({
      idHash: sha256(sessionId), principal: who.principal, scope: who.scope, dags: who.dags, tokenId: who.tokenId,
      csrfHash: sha256(csrfToken), createdAt: now, lastSeenAt: now, expiresAt,
    }),
  );
  return { sessionId, csrfToken, expiresAt };
}

/**
 * The session a cookie names, or null when it is unknown, has expired, or was opened with a token
 * that has since been revoked or has expired. Each use pushes its expiry back (to the minute), up
 * to `SESSION_MAX_MS` after the login.
 */
export async function verifySession(store: Store, sessionId: string, now: Date = new Date()): Promise<VerifiedSession | null> {
  if (!ID_PATTERN.test(sessionId)) return null;
  const idHash = sha256(sessionId);
  const [row] = await store.db
    .select({ s: uiSession, tokenRevokedAt: apiToken.revokedAt, tokenExpiresAt: apiToken.expiresAt, tokenKnown: apiToken.id })
    .from(uiSession)
    .leftJoin(apiToken, eq(apiToken.id, uiSession.tokenId))
    .where(eq(uiSession.idHash, idHash));
  if (!row) return null;
  const { s } = row;
  const tokenGone = s.tokenId !== null
    && (row.tokenKnown === null || row.tokenRevokedAt !== null || (row.tokenExpiresAt !== null && row.tokenExpiresAt.getTime() <= now.getTime()));
  if (s.expiresAt.getTime() <= now.getTime() || tokenGone) {
    await store.write((tx) => tx.delete(uiSession).where(eq(uiSession.idHash, idHash)));
    return null;
  }
  let expiresAt = s.expiresAt;
  if (now.getTime() - s.lastSeenAt.getTime() >= TOUCH_RESOLUTION_MS) {
    expiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, s.createdAt.getTime() + SESSION_MAX_MS));
    await store.write((tx) => tx.update(uiSession).set({ lastSeenAt: now, expiresAt }).where(eq(uiSession.idHash, idHash)));
  }
  return { principal: s.principal, scope: s.scope, dags: s.dags ?? null, tokenId: s.tokenId, expiresAt, csrfHash: s.csrfHash };
}

/** Whether a presented CSRF token is the session's (compared in constant time). */
export function csrfMatches(session: Pick<VerifiedSession, "csrfHash">, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(sha256(presented), "hex");
  const b = Buffer.from(session.csrfHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Ends a session (logout); false when the id names none. */
export async function deleteSession(store: Store, sessionId: string): Promise<boolean> {
  if (!ID_PATTERN.test(sessionId)) return false;
  const deleted = await store.write((tx) => tx.delete(uiSession).where(eq(uiSession.idHash, sha256(sessionId))).returning({ id: uiSession.idHash }));
  return deleted.length > 0;
}

/** Deletes sessions that have expired, and those opened with a token since revoked or expired; returns how many. */
export async function purgeSessions(store: Store, now: Date = new Date()): Promise<number> {
  const deadTokens = store.db.select({ id: apiToken.id }).from(apiToken).where(or(isNotNull(apiToken.revokedAt), lte(apiToken.expiresAt, now)));
  const deleted = await store.write((tx) =>
    tx.delete(uiSession).where(or(lte(uiSession.expiresAt, now), inArray(uiSession.tokenId, deadTokens))).returning({ id: uiSession.idHash }),
  );
  return deleted.length;
}
