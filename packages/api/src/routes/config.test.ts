// GET /config: off by default (403, as Airflow's expose_config), then Updraft's effective settings
// in Airflow's sections with secrets hidden, a section, one option, INI text; admin scope only.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HIDDEN } from "../settings-view.ts";
import { makeExtrasFixture, type ExtrasFixture } from "./extras.fixture.ts";

let f: ExtrasFixture;
beforeEach(async () => {
  f = await makeExtrasFixture();
});
afterEach(() => f.close());

async function get(app: ReturnType<ExtrasFixture["appWith"]>, path: string, token: string, accept = "application/json") {
  const res = await app.request(path, { headers: { authorization: `Bearer ${token}`, accept } });
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}

describe("GET /api/v1/config", () => {
  it("answers 403 while exposure is off (the default), even to an admin", async () => {
    const r = await get(f.app, "/api/v1/config", f.tokens.admin);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text).detail).toMatch(/UPDRAFT_EXPOSE_CONFIG/);
  });

  it("shows the settings by Airflow section with secrets hidden, to the admin scope only", async () => {
    const app = f.appWith({ exposeConfig: true });
    const r = await get(app, "/api/v1/config", f.tokens.admin);
    expect(r.status).toBe(200);
    const sections = JSON.parse(r.text).sections as Array<{ name: string; options: Array<{ key: string; value: string }> }>;
    const value = (s: string, k: string) => sections.find((x) => x.name === s)?.options.find((o) => o.key === k)?.value;
    expect(sections.map((s) => s.name)).toEqual(expect.arrayContaining(["core", "database", "scheduler", "webserver"]));
    expect(value("core", "fernet_key")).toBe(HIDDEN);
    expect(value("database", "sql_alchemy_conn")).toBe(HIDDEN);
    expect(value("webserver", "secret_key")).toBe(HIDDEN);
    expect(value("webserver", "expose_config")).toBeDefined();
    expect(r.text).not.toContain("extras-fixture-key");
    expect((await get(app, "/api/v1/config", f.tokens.edit)).status).toBe(403);
    expect((await get(app, "/api/v1/config", f.tokens.portal)).status).toBe(403);
  });

  it("leaves sensitive options out with non-sensitive-only", async () => {
    const app = f.appWith({ exposeConfig: "non-sensitive-only" });
    const keys = JSON.parse((await get(app, "/api/v1/config?section=core", f.tokens.admin)).text).sections[0].options.map((o: { key: string }) => o.key);
    expect(keys).toContain("executor");
    expect(keys).not.toContain("fernet_key");
    expect((await get(app, "/api/v1/config?section=database", f.tokens.admin)).status).toBe(404);
  });

  it("gives one section or one option, as JSON or INI text; unknown ones are a 404", async () => {
    const app = f.appWith({ exposeConfig: true, settings: () => ({ core: { executor: "threads", dags_folder: "/dags" }, smtp: { smtp_host: "localhost" } }) });
    expect(JSON.parse((await get(app, "/api/v1/config?section=smtp", f.tokens.admin)).text)).toEqual({ sections: [{ name: "smtp", options: [{ key: "smtp_host", value: "localhost" }] }] });
    const text = await get(app, "/api/v1/config", f.tokens.admin, "text/plain");
    expect(text.type).toMatch(/^text\/plain/);
    expect(text.text).toBe("[core]\nexecutor = threads\ndags_folder = /dags\n\n[smtp]\nsmtp_host = localhost\n");
    expect(JSON.parse((await get(app, "/api/v1/config/section/core/option/executor", f.tokens.admin)).text)).toEqual({ sections: [{ name: "core", options: [{ key: "executor", value: "threads" }] }] });
    expect((await get(app, "/api/v1/config/section/core/option/executor", f.tokens.admin, "text/plain")).text).toBe("[core]\nexecutor = threads\n");
    expect((await get(app, "/api/v1/config/section/core/option/nope", f.tokens.admin)).status).toBe(404);
    expect((await get(app, "/api/v1/config/section/nope/option/executor", f.tokens.admin)).status).toBe(404);
    expect((await get(app, "/api/v1/config?section=nope", f.tokens.admin)).status).toBe(404);
    expect((await get(app, "/api/v1/config?section=toString", f.tokens.admin)).status).toBe(404);
  });
});
