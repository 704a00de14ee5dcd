// The web UI's login over the real app on a real store: cookies and their attributes, the session
// standing in for credentials, CSRF on changes, logout, token logins that end with their token,
// and the failed-login limit.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createToken, createUser, migrateStore, openStore, revokeToken, type Store } from "@updraft/store";
import { createApiApp } from "../app.ts";
import type { ApiApp } from "../types.ts";
import { storeEventSource } from "../store-events.ts";

let store: Store;
let app: ApiApp;

beforeEach(async () => {
  store = await openStore({ url: ":memory:" });
  await migrateStore(store);
  await createUser(store, { username: "alice", password: "wonderland", role: "edit" });
  app = createApiApp({
    store, home: "/nonexistent", version: "test", trigger: () => Promise.reject(new Error("no triggers here")),
    events: storeEventSource(store), loginLimits: { max: 3, windowMs: 60_000 },
  });
});

afterEach(async () => {
  await store.close();
});

interface Session {
  cookie: string;
  csrf: string;
  setCookies: string[];
}

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function login(body: unknown, url = "http://localhost/api/updraft/auth/login", headers: Record<string, string> = {}): Promise<Response> {
  const init = json(body);
  return app.request(url, { ...init, headers: { ...init.headers, ...headers } });
}

/** Logs in and returns the cookies as a browser would send them back. */
async function session(body: unknown = { username: "alice", password: "wonderland" }): Promise<Session> {
  const res = await login(body);
  expect(res.status, await res.clone().text()).toBe(204);
  const setCookies = res.headers.getSetCookie();
  const value = (name: string) => setCookies.find((c) => c.startsWith(`${name}=`))!.split(";")[0]!.slice(name.length + 1);
  return { cookie: `updraft_session=${value("updraft_session")}; updraft_csrf=${value("updraft_csrf")}`, csrf: value("updraft_csrf"), setCookies };
}

/** A problem body's fields. */
const problemOf = async (res: Response) => (await res.json()) as { detail: string; status: number; instance: string | null };

const withCookie = (s: Session, init: RequestInit & { headers?: Record<string, string> } = {}) => ({ ...init, headers: { cookie: s.cookie, ...init.headers } });

describe("POST /api/updraft/auth/login", () => {
  it("sets an HttpOnly SameSite=Strict session cookie and a readable CSRF cookie, Secure over https", async () => {
    const s = await session();
    const [sessionCookie, csrfCookie] = ["updraft_session", "updraft_csrf"].map((n) => s.setCookies.find((c) => c.startsWith(`${n}=`))!);
    expect(sessionCookie).toMatch(/^updraft_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(csrfCookie).toMatch(/^updraft_csrf=[A-Za-z0-9_-]{43}; Path=\/; SameSite=Strict$/);
    for (const res of [await login({ username: "alice", password: "wonderland" }, "https://updraft.example/api/updraft/auth/login"),
      await login({ username: "alice", password: "wonderland" }, undefined, { "x-forwarded-proto": "https" })]) {
      expect(res.status).toBe(204);
      for (const c of res.headers.getSetCookie()) expect(c).toMatch(/; Secure/);
    }
  });

  it("makes the cookie stand for the user: identity, reads and the event stream without a CSRF token", async () => {
    const s = await session();
    const me = await app.request("/api/updraft/ui/me", withCookie(s));
    expect(await me.json()).toEqual({ name: "user:alice", scope: "edit", dags: null, can: { trigger: true, edit: true, admin: false } });
    expect((await app.request("/api/v1/dags", withCookie(s))).status).toBe(200);
    expect((await app.request("/api/v1/dags", withCookie(s, { method: "HEAD" }))).status).toBe(200);
    const events = await app.request("/api/updraft/events", withCookie(s));
    expect(events.status).toBe(200);
    expect(events.headers.get("content-type")).toContain("text/event-stream");
    await events.body!.cancel();
    expect((await app.request("/api/updraft/ui/me")).status).toBe(401);
  });

  it("logs in with a pasted token: the session has the token's scope and DAG restriction, and ends when it is revoked", async () => {
    const { token, id } = await createToken(store, { name: "portal", scope: "read", dags: ["sales_*"] });
    const s = await session({ token: ` ${token}\n` });
    const me = await app.request("/api/updraft/ui/me", withCookie(s));
    expect(await me.json()).toMatchObject({ name: `token:${id}`, scope: "read", dags: ["sales_*"] });
    expect((await app.request("/api/v1/variables", withCookie(s))).status).toBe(403);
    await revokeToken(store, id);
    const after = await app.request("/api/updraft/ui/me", withCookie(s));
    expect(after.status).toBe(401);
    expect((await problemOf(after)).detail).toMatch(/log in again/);
  });

  it("answers wrong credentials with the same 401 whether or not the user exists, and refuses worker tokens", async () => {
    const wrong = await login({ username: "alice", password: "nope" });
    const unknown = await login({ username: "mallory", password: "nope" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("content-type")).toContain("application/problem+json");
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const [a, b] = [await problemOf(wrong), await problemOf(unknown)];
    expect(a.detail).toBe("wrong user name or password");
    expect({ ...a, instance: null }).toEqual({ ...b, instance: null });
    expect((await login({ token: "updr_" + "x".repeat(43) })).status).toBe(401);
    const worker = await createToken(store, { name: "w", scope: "worker" });
    expect((await login({ token: worker.token })).status).toBe(403);
  });

  it("answers a body without credentials, with both kinds, or not JSON, with 400 or 415", async () => {
    expect((await problemOf(await login({ username: "alice" }))).detail).toMatch(/^password: required/);
    expect((await problemOf(await login({}))).detail).toMatch(/^username: required/);
    expect((await problemOf(await login({ username: "alice", password: "x", token: "t" }))).detail).toMatch(/either token, or username and password/);
    expect((await login({ user: "alice" })).status).toBe(400);
    const form = await app.request("/api/updraft/auth/login", { method: "POST", headers: { "content-type": "text/plain" }, body: '{"username":"alice","password":"wonderland"}' });
    expect(form.status).toBe(415);
  });

  it("refuses a user name from an address after too many failures (429 with Retry-After), even with the right password", async () => {
    for (let i = 0; i < 3; i++) expect((await login({ username: "alice", password: `guess${i}` })).status).toBe(401);
    const limited = await login({ username: "alice", password: "wonderland" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await problemOf(limited)).detail).toMatch(/too many failed logins/);
    expect((await login({ username: "bob", password: "x" })).status).toBe(401);
  });

  it("is described in /openapi.json without security requirements", async () => {
    const { token } = await createToken(store, { name: "r", scope: "read" });
    const doc = (await (await app.request("/openapi.json", { headers: { authorization: `Bearer ${token}` } })).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    expect(doc.paths["/api/updraft/auth/login"]?.post?.security).toEqual([]);
    expect(doc.paths["/api/updraft/auth/logout"]?.post?.security).toEqual([]);
  });
});

describe("CSRF on changes made with the session cookie", () => {
  const setVariable = (s: Session, headers: Record<string, string> = {}) =>
    app.request("/api/v1/variables", withCookie(s, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ key: "k", value: "v" }) }));

  it("refuses a change without the x-csrf-token header, or with another session's token, and accepts the session's own", async () => {
    const s = await session();
    const other = await session();
    const missing = await setVariable(s);
    expect(missing.status).toBe(403);
    expect((await problemOf(missing)).detail).toMatch(/x-csrf-token header is missing or wrong/);
    expect((await setVariable(s, { "x-csrf-token": other.csrf })).status).toBe(403);
    expect((await setVariable(s, { "x-csrf-token": s.csrf })).status).toBe(200);
  });

  it("needs no CSRF token with a bearer token, even when a session cookie is sent too", async () => {
    const s = await session();
    const { token } = await createToken(store, { name: "e", scope: "edit" });
    expect((await setVariable(s, { authorization: `Bearer ${token}` })).status).toBe(200);
  });
});

describe("POST /api/updraft/auth/logout", () => {
  it("needs the CSRF token, ends the session and clears both cookies", async () => {
    const s = await session();
    expect((await app.request("/api/updraft/auth/logout", withCookie(s, { method: "POST" }))).status).toBe(403);
    const out = await app.request("/api/updraft/auth/logout", withCookie(s, { method: "POST", headers: { "x-csrf-token": s.csrf } }));
    expect(out.status).toBe(204);
    const cleared = out.headers.getSetCookie();
    expect(cleared).toEqual(expect.arrayContaining([expect.stringMatching(/^updraft_session=; Max-Age=0; Path=\//), expect.stringMatching(/^updraft_csrf=; Max-Age=0; Path=\//)]));
    expect((await app.request("/api/updraft/ui/me", withCookie(s))).status).toBe(401);
    expect((await app.request("/api/updraft/auth/logout", withCookie(s, { method: "POST" }))).status).toBe(204);
    expect((await app.request("/api/updraft/auth/logout", { method: "POST" })).status).toBe(204);
  });
});
