// Tests of the UI's login sessions: hashes at rest, sliding and absolute expiry, CSRF tokens,
// logout, and sessions that end with the token they were opened with.
import { afterEach, describe, expect, it } from "vitest";
import { createToken, revokeToken } from "./api-tokens.ts";
import { testStores } from "./test-support.ts";
import { createSession, csrfMatches, deleteSession, purgeSessions, SESSION_IDLE_MS, SESSION_MAX_MS, verifySession } from "./ui-sessions.ts";

const t = testStores();
afterEach(() => t.cleanup());

const alice = { principal: "user:alice", scope: "edit", dags: null, tokenId: null } as const;
const at = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms);

describe("ui sessions", () => {
  it("stores only hashes of the session id and CSRF token, and verifies the session", async () => {
    const store = await t.memory();
    const s = await createSession(store, { ...alice, dags: ["sales_*"] }, at(0));
    expect(s.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.csrfToken).not.toBe(s.sessionId);
    const rows = JSON.stringify((await store.client.execute("SELECT * FROM ui_session")).rows);
    expect(rows).not.toContain(s.sessionId);
    expect(rows).not.toContain(s.csrfToken);
    const v = await verifySession(store, s.sessionId, at(1000));
    expect(v).toMatchObject({ principal: "user:alice", scope: "edit", dags: ["sales_*"], tokenId: null });
    expect(csrfMatches(v!, s.csrfToken)).toBe(true);
    expect(csrfMatches(v!, s.sessionId)).toBe(false);
    expect(csrfMatches(v!, undefined)).toBe(false);
    expect(await verifySession(store, "not-a-session", at(1000))).toBeNull();
    expect(await verifySession(store, s.sessionId.slice(0, -1) + (s.sessionId.endsWith("A") ? "B" : "A"), at(1000))).toBeNull();
  });

  it("slides the expiry with each use, up to the absolute maximum, and ends an idle session", async () => {
    const store = await t.memory();
    const s = await createSession(store, alice, at(0));
    expect(s.expiresAt).toEqual(at(SESSION_IDLE_MS));
    let now = 0;
    while (now + SESSION_IDLE_MS / 2 < SESSION_MAX_MS) {
      now += SESSION_IDLE_MS / 2;
      const v = await verifySession(store, s.sessionId, at(now));
      expect(v?.expiresAt.getTime(), `at ${now}`).toBe(Math.min(at(now + SESSION_IDLE_MS).getTime(), at(SESSION_MAX_MS).getTime()));
    }
    expect(await verifySession(store, s.sessionId, at(SESSION_MAX_MS))).toBeNull();

    const idle = await createSession(store, alice, at(0));
    expect(await verifySession(store, idle.sessionId, at(SESSION_IDLE_MS))).toBeNull();
    expect((await store.client.execute("SELECT count(*) AS n FROM ui_session")).rows[0]?.["n"]).toBe(0);
  });

  it("ends at logout", async () => {
    const store = await t.memory();
    const s = await createSession(store, alice, at(0));
    expect(await deleteSession(store, s.sessionId)).toBe(true);
    expect(await deleteSession(store, s.sessionId)).toBe(false);
    expect(await verifySession(store, s.sessionId, at(1))).toBeNull();
  });

  it("ends a session opened with a token when the token is revoked or expires", async () => {
    const store = await t.memory();
    const revoked = await createToken(store, { name: "r", scope: "read" });
    const expiring = await createToken(store, { name: "e", scope: "read", expiresAt: new Date(Date.now() + 60_000) });
    const a = await createSession(store, { principal: `token:${revoked.id}`, scope: "read", dags: null, tokenId: revoked.id });
    const b = await createSession(store, { principal: `token:${expiring.id}`, scope: "read", dags: null, tokenId: expiring.id });
    expect(await verifySession(store, a.sessionId)).not.toBeNull();
    await revokeToken(store, revoked.id);
    expect(await verifySession(store, a.sessionId)).toBeNull();
    expect(await verifySession(store, b.sessionId)).not.toBeNull();
    expect(await verifySession(store, b.sessionId, new Date(Date.now() + 120_000))).toBeNull();
  });

  it("purges expired sessions and those of revoked tokens", async () => {
    const store = await t.memory();
    const tok = await createToken(store, { name: "r", scope: "read" });
    await createSession(store, alice, new Date(Date.now() - 2 * SESSION_IDLE_MS));
    const live = await createSession(store, alice, new Date());
    await createSession(store, { principal: `token:${tok.id}`, scope: "read", dags: null, tokenId: tok.id });
    await revokeToken(store, tok.id);
    expect(await purgeSessions(store)).toBe(2);
    expect(await verifySession(store, live.sessionId)).not.toBeNull();
  });
});
