// /users and /roles: Updraft's users as Airflow's, with one role each (a scope); passwords hashed
// and never returned; changes need the admin scope; a changed password works at once for Basic.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { abUser } from "@updraft/store";
import { makeExtrasFixture, type ExtrasFixture } from "./extras.fixture.ts";

let f: ExtrasFixture;
beforeEach(async () => {
  f = await makeExtrasFixture();
});
afterEach(() => f.close());

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

describe("/api/v1/users", () => {
  it("creates a user with a role, stores the password hashed, and never returns it", async () => {
    const r = await f.call("POST", "/api/v1/users", f.tokens.admin, { username: "ana", password: "s3cret pw", email: "ana@example.org", first_name: "Ana", last_name: "Lima", roles: [{ name: "Op" }] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ username: "ana", email: "ana@example.org", first_name: "Ana", last_name: "Lima", roles: [{ name: "Op" }], active: true });
    expect(r.text).not.toContain("s3cret");
    expect(r.body).not.toHaveProperty("password");
    const [row] = await f.store.db.select().from(abUser).where(eq(abUser.username, "ana"));
    expect(row?.role).toBe("edit");
    expect(row?.passwordHash).toMatch(/^scrypt\$/);
    const me = await f.app.request("/api/updraft/ui/me", { headers: basic("ana", "s3cret pw") });
    expect(await me.json()).toMatchObject({ name: "user:ana", scope: "edit" });
  });

  it("lists, gets, patches with update_mask and deletes", async () => {
    await f.call("POST", "/api/v1/users", f.tokens.admin, { username: "bo", password: "pw1" });
    await f.call("POST", "/api/v1/users", f.tokens.admin, { username: "cy", password: "pw1", roles: [{ name: "Admin" }] });
    const list = await f.call("GET", "/api/v1/users?order_by=-username", f.tokens.admin);
    expect(list.body.total_entries).toBe(2);
    expect(list.body.users.map((u: { username: string }) => u.username)).toEqual(["cy", "bo"]);
    expect((await f.call("GET", "/api/v1/users/bo", f.tokens.admin)).body.roles).toEqual([{ name: "Viewer" }]);

    const p = await f.call("PATCH", "/api/v1/users/bo?update_mask=first_name,roles", f.tokens.admin, { first_name: "Bo", last_name: "ignored", roles: [{ name: "User" }] });
    expect(p.body).toMatchObject({ first_name: "Bo", last_name: "", roles: [{ name: "User" }] });
    expect((await f.call("PATCH", "/api/v1/users/bo?update_mask=password", f.tokens.admin, { password: "pw2" })).status).toBe(200);
    expect((await f.app.request("/api/updraft/ui/me", { headers: basic("bo", "pw2") })).status).toBe(200);
    expect((await f.app.request("/api/updraft/ui/me", { headers: basic("bo", "pw1") })).status).toBe(401);

    expect((await f.call("DELETE", "/api/v1/users/bo", f.tokens.admin)).status).toBe(204);
    expect((await f.call("GET", "/api/v1/users/bo", f.tokens.admin)).status).toBe(404);
    expect((await f.call("DELETE", "/api/v1/users/bo", f.tokens.admin)).status).toBe(404);
  });

  it("answers 409 for a taken name or email, 400 for an unknown role, two roles or a bad mask, 403 below admin", async () => {
    await f.call("POST", "/api/v1/users", f.tokens.admin, { username: "dee", password: "pw", email: "d@x.org" });
    expect((await f.call("POST", "/api/v1/users", f.tokens.admin, { username: "dee", password: "pw" })).status).toBe(409);
    expect((await f.call("POST", "/api/v1/users", f.tokens.admin, { username: "eve", password: "pw", email: "d@x.org" })).status).toBe(409);
    expect((await f.call("POST", "/api/v1/users", f.tokens.admin, { username: "eve", password: "pw", roles: [{ name: "Superuser" }] })).body.detail).toMatch(/unknown role "Superuser"/);
    expect((await f.call("POST", "/api/v1/users", f.tokens.admin, { username: "eve", password: "pw", roles: [{ name: "Op" }, { name: "Admin" }] })).status).toBe(400);
    expect((await f.call("POST", "/api/v1/users", f.tokens.admin, { username: "eve" })).body.detail).toMatch(/password/);
    expect((await f.call("PATCH", "/api/v1/users/dee?update_mask=username", f.tokens.admin, { username: "x" })).status).toBe(400);
    expect((await f.call("PATCH", "/api/v1/users/dee", f.tokens.admin, { username: "renamed" })).status).toBe(400);
    for (const scope of ["read", "edit", "worker"] as const) {
      expect((await f.call("GET", "/api/v1/users", f.tokens[scope])).status, scope).toBe(403);
      expect((await f.call("POST", "/api/v1/users", f.tokens[scope], { username: "z", password: "pw" })).status, scope).toBe(403);
    }
  });
});

describe("/api/v1/roles", () => {
  it("lists the scopes as Airflow's roles with their permissions", async () => {
    const r = await f.call("GET", "/api/v1/roles", f.tokens.admin);
    expect(r.body.total_entries).toBe(5);
    expect(r.body.roles.map((x: { name: string }) => x.name)).toEqual(["Admin", "Op", "User", "Viewer", "Worker"]);
    const viewer = (await f.call("GET", "/api/v1/roles/Viewer", f.tokens.admin)).body;
    expect(viewer.actions).toContainEqual({ action: { name: "can_read" }, resource: { name: "DAGs" } });
    expect(viewer.actions).not.toContainEqual({ action: { name: "can_create" }, resource: { name: "DAG Runs" } });
    expect((await f.call("GET", "/api/v1/roles/User", f.tokens.admin)).body.actions).toContainEqual({ action: { name: "can_create" }, resource: { name: "DAG Runs" } });
    expect((await f.call("GET", "/api/v1/roles/Nope", f.tokens.admin)).status).toBe(404);
    expect((await f.call("GET", "/api/v1/roles", f.tokens.edit)).status).toBe(403);
    const perms = (await f.call("GET", "/api/v1/permissions", f.tokens.admin)).body;
    expect(perms.actions).toEqual([{ name: "can_create" }, { name: "can_delete" }, { name: "can_edit" }, { name: "can_read" }]);
    expect(perms.total_entries).toBe(4);
  });
});
