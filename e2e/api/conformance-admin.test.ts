// Conformance of the admin routes (DESIGN.md, Contract 4): variables, pools, connections, the event
// log, users and roles, the configuration, plugins and providers, and the UI's login — each
// change done for real and every answer validated against Airflow 2.10's document. The sweeps
// over every route are in conformance-routes.test.ts.
import { describe, expect, it } from "vitest";
import { conformanceSuite, expectProblem, expectValid, req, server, step, T, USER, type Obj } from "./conformance-kit.ts";


describe("admin write routes, for real, validated against Airflow's spec", () => {
  step("POST /api/v1/variables", "creates; a second time sets the value, as Airflow's Variable.set", async () => {
    const v = expectValid(await req("POST", "/api/v1/variables", { body: { key: "conformance_v2", value: "0", description: "made by the suite" } }), "create");
    expect(v).toMatchObject({ key: "conformance_v2", value: "0" });
    // Airflow documents no 409 here: POST /variables overwrites an existing key.
    expect(expectValid(await req("POST", "/api/v1/variables", { body: { key: "conformance_v2", value: "1" } }), "again").value).toBe("1");
  });
  step("PATCH /api/v1/variables/{variable_key}", "updates the value (update_mask=value)", async () => {
    const v = expectValid(await req("PATCH", "/api/v1/variables/conformance_v2?update_mask=value", { body: { key: "conformance_v2", value: "2" } }), "update");
    expect(v.value).toBe("2");
    expectValid(await req("GET", "/api/v1/variables/conformance_v2", { auth: "edit" }), "after update");
  });
  step("DELETE /api/v1/variables/{variable_key}", "deletes (204), then it is a 404", async () => {
    const res = await req("DELETE", "/api/v1/variables/conformance_v2");
    expectValid(res, "delete", 204);
    expect(res.text).toBe("");
    expectProblem(await req("GET", "/api/v1/variables/conformance_v2", { auth: "edit" }), 404);
  });

  step("POST /api/v1/pools", "creates with slot counts; a second time is 409", async () => {
    const p = expectValid(await req("POST", "/api/v1/pools", { body: { name: "conformance_p2", slots: 3, description: "suite" } }), "create");
    expect(p).toMatchObject({ name: "conformance_p2", slots: 3, open_slots: 3 });
    expectProblem(await req("POST", "/api/v1/pools", { body: { name: "conformance_p2", slots: 3 } }), 409);
  });
  step("PATCH /api/v1/pools/{pool_name}", "updates the slots", async () => {
    const p = expectValid(await req("PATCH", "/api/v1/pools/conformance_p2?update_mask=slots", { body: { name: "conformance_p2", slots: 5 } }), "update");
    expect(p.slots).toBe(5);
  });
  step("DELETE /api/v1/pools/{pool_name}", "deletes; default_pool cannot be deleted", async () => {
    expectValid(await req("DELETE", "/api/v1/pools/conformance_p2"), "delete", 204);
    expectProblem(await req("GET", "/api/v1/pools/conformance_p2", { auth: "read" }), 404);
    const res = await req("DELETE", "/api/v1/pools/default_pool");
    expectProblem(res, [400, 409]);
  });

  step("POST /api/v1/connections", "creates; the password is never returned", async () => {
    const c = expectValid(await req("POST", "/api/v1/connections", { body: { connection_id: "conformance_c2", conn_type: "postgres", host: "db", port: 5432, login: "u", password: "pw", extra: '{"sslmode": "require"}' } }), "create");
    expect(c).not.toHaveProperty("password");
    expect(JSON.stringify(c)).not.toContain('"pw"');
    const got = expectValid(await req("GET", "/api/v1/connections/conformance_c2", { auth: "edit" }), "get");
    expect(got).not.toHaveProperty("password");
    expectProblem(await req("POST", "/api/v1/connections", { body: { connection_id: "conformance_c2", conn_type: "postgres" } }), 409);
  });
  step("PATCH /api/v1/connections/{connection_id}", "updates the host", async () => {
    const c = expectValid(await req("PATCH", "/api/v1/connections/conformance_c2?update_mask=host", { body: { connection_id: "conformance_c2", conn_type: "postgres", host: "db2" } }), "update");
    expect(c.host).toBe("db2");
  });
  step("DELETE /api/v1/connections/{connection_id}", "deletes", async () => {
    expectValid(await req("DELETE", "/api/v1/connections/conformance_c2"), "delete", 204);
    expectProblem(await req("GET", "/api/v1/connections/conformance_c2", { auth: "edit" }), 404);
  });
  step("POST /api/v1/connections/test", "answers in Airflow's shape, or 403 when testing is disabled (Airflow's default)", async () => {
    const res = await req("POST", "/api/v1/connections/test", { body: { connection_id: "t", conn_type: "http" } });
    if (res.status === 403) expectProblem(res, 403, "disabled");
    else expectValid(res, "test");
  });
  step("GET /api/v1/eventLogs", "records the mutating calls: who, what, when", async () => {
    const r = expectValid(await req("GET", "/api/v1/eventLogs?limit=100&order_by=-when", { auth: "read" }), "after writes");
    const events = r.event_logs as Obj[];
    expect(events.length).toBeGreaterThan(0);
    expect(events.some((e) => /variables/.test(String(e.event)) && /^token:/.test(String(e.owner)))).toBe(true);
    for (const e of events) expect(e.when, JSON.stringify(e)).toBeTruthy();
  });
  step("POST /api/v1/users", "creates a user with a role; the password is never returned; a second time is 409", async () => {
    const u = expectValid(await req("POST", "/api/v1/users", { body: { username: "conformance_u2", password: "pw of u2", email: "u2@example.org", first_name: "U", last_name: "Two", roles: [{ name: "User" }] } }), "create");
    expect(u).toMatchObject({ username: "conformance_u2", email: "u2@example.org", roles: [{ name: "User" }] });
    expect(JSON.stringify(u)).not.toContain("pw of u2");
    expectProblem(await req("POST", "/api/v1/users", { body: { username: "conformance_u2", password: "x" } }), 409);
    expectProblem(await req("POST", "/api/v1/users", { body: { username: "conformance_u3", password: "x", roles: [{ name: "Superuser" }] } }), 400, "Superuser");
    const basic = { header: `Basic ${Buffer.from("conformance_u2:pw of u2").toString("base64")}` };
    expectValid(await req("POST", "/api/v1/dags/conformance_mapped/dagRuns", { auth: basic, body: { conf: {}, dag_run_id: "conformance_by_u2" } }), "the User role triggers");
  }, 60_000);
  step("PATCH /api/v1/users/{username}", "changes the role (update_mask=roles)", async () => {
    const u = expectValid(await req("PATCH", "/api/v1/users/conformance_u2?update_mask=roles", { body: { roles: [{ name: "Viewer" }] } }), "patch");
    expect(u.roles).toEqual([{ name: "Viewer" }]);
    expect(expectValid(await req("GET", "/api/v1/users/conformance_u2"), "get").roles).toEqual([{ name: "Viewer" }]);
  });
  step("DELETE /api/v1/users/{username}", "deletes (204), then it is a 404", async () => {
    expectValid(await req("DELETE", "/api/v1/users/conformance_u2"), "delete", 204);
    expectProblem(await req("GET", "/api/v1/users/conformance_u2"), 404);
  });
  // The UI's session: plain fetch, since the steps need the Set-Cookie headers.
  let cookie = "";
  let csrf = "";
  step("POST /api/updraft/auth/login", "a user's name and password set the HttpOnly session cookie and the CSRF cookie", async () => {
    const made = await server.cli(["users", "create", "conformance_ui", "--role", "trigger", "--password", "ui pass"]);
    expect(made.code, made.stderr).toBe(0);
    const login = (body: unknown) => fetch(`${server.baseUrl}/api/updraft/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await login({ username: "conformance_ui", password: "wrong" })).status).toBe(401);
    const res = await login({ username: "conformance_ui", password: "ui pass" });
    expect(res.status).toBe(204);
    const set = res.headers.getSetCookie();
    expect(set.find((c) => c.startsWith("updraft_session="))).toMatch(/HttpOnly; SameSite=Strict/);
    const value = (name: string) => set.find((c) => c.startsWith(`${name}=`))!.split(";")[0]!;
    cookie = `${value("updraft_session")}; ${value("updraft_csrf")}`;
    csrf = value("updraft_csrf").slice("updraft_csrf=".length);
    const me = await fetch(`${server.baseUrl}/api/updraft/ui/me`, { headers: { cookie } });
    expect(await me.json()).toMatchObject({ name: "user:conformance_ui", scope: "trigger" });
  });
  step("POST /api/updraft/auth/logout", "ends the session (with the CSRF header)", async () => {
    const logout = (headers: Record<string, string>) => fetch(`${server.baseUrl}/api/updraft/auth/logout`, { method: "POST", headers: { cookie, ...headers } });
    expect((await logout({})).status).toBe(403);
    expect((await logout({ "x-csrf-token": csrf })).status).toBe(204);
    expect((await fetch(`${server.baseUrl}/api/updraft/ui/me`, { headers: { cookie } })).status).toBe(401);
  });

});

describe("users, roles, configuration, plugins and providers", () => {
  it("GET /api/v1/users lists the users without passwords; an edit token may not", async () => {
    const r = expectValid(await req("GET", "/api/v1/users"), "list");
    expect((r.users as Obj[]).map((u) => u.username)).toContain(USER);
    expect(JSON.stringify(r)).not.toMatch(/password|scrypt/);
    expectProblem(await req("GET", "/api/v1/users", { auth: "edit" }), 403);
  }, T);

  it("GET /api/v1/roles maps the scopes to Airflow's roles", async () => {
    const r = expectValid(await req("GET", "/api/v1/roles"), "list");
    expect((r.roles as Obj[]).map((x) => x.name)).toEqual(expect.arrayContaining(["Viewer", "User", "Op", "Admin"]));
    expect(expectValid(await req("GET", "/api/v1/roles/Op"), "Op").name).toBe("Op");
  }, T);

  it("GET /api/v1/config shows the settings with secrets hidden, to the admin scope only", async () => {
    const r = expectValid(await req("GET", "/api/v1/config"), "admin");
    const core = (r.sections as Obj[]).find((s) => s.name === "core");
    expect((core?.options as Obj[]).find((o) => o.key === "fernet_key")?.value).toBe("< hidden >");
    expect((core?.options as Obj[]).find((o) => o.key === "dags_folder")?.value).toBe(server.dagsFolder);
    expectProblem(await req("GET", "/api/v1/config", { auth: "edit" }), 403);
    const one = expectValid(await req("GET", "/api/v1/config/section/webserver/option/expose_config"), "one option");
    expect(one).toEqual({ sections: [{ name: "webserver", options: [{ key: "expose_config", value: "true" }] }] });
  }, T);

  it("GET /api/v1/plugins and /providers list nothing loaded, in Airflow's shape", async () => {
    expect(expectValid(await req("GET", "/api/v1/plugins", { auth: "read" }), "plugins")).toEqual({ plugins: [], total_entries: 0 });
    expect(expectValid(await req("GET", "/api/v1/providers", { auth: "read" }), "providers")).toEqual({ providers: [], total_entries: 0 });
  }, T);
});

// Last: its checks run after every test above, and it stops the server.
conformanceSuite("admin");
