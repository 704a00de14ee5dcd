// What answers without credentials (the version, /openapi.json, the Swagger UI's page and files,
// served from swagger-ui-dist under the app's CSP), the WWW-Authenticate challenge of a 401, and
// /plugins and /providers (empty, in Airflow's shape).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeExtrasFixture, type ExtrasFixture } from "./extras.fixture.ts";

let f: ExtrasFixture;
beforeEach(async () => {
  f = await makeExtrasFixture();
});
afterEach(() => f.close());

describe("the Swagger UI and the public routes", () => {
  it("serves the page, its start-up script and swagger-ui-dist's files without credentials", async () => {
    const page = await f.app.request("/api/v1/ui/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    const html = await page.text();
    expect(html).not.toMatch(/<script>(?!<)/); // no inline script: the CSP would block it
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
      const res = await f.app.request(src);
      expect(res.status, src).toBe(200);
      expect((await res.arrayBuffer()).byteLength, src).toBeGreaterThan(0);
    }
    expect(await (await f.app.request("/api/v1/ui/init.js")).text()).toContain('url: "/openapi.json"');
    expect((await f.app.request("/api/v1/ui")).status).toBe(301);
    expect((await f.app.request("/api/v1/ui/secret_key")).status).toBe(404);
    expect((await f.app.request("/api/v1/ui/..%2Fpackage.json")).status).toBe(404);
  });

  it("answers /api/v1/version and /openapi.json without credentials", async () => {
    expect(await (await f.app.request("/api/v1/version")).json()).toEqual({ version: "test", git_version: null });
    const doc = (await (await f.app.request("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/dagStats", "/api/v1/users", "/api/v1/parseDagFile/{file_token}"]));
  });

  it("challenges with Basic and Bearer on a 401 of /api/v1, Bearer only to a page's scripts", async () => {
    const plain = await f.app.request("/api/v1/dags");
    expect(plain.status).toBe(401);
    expect(plain.headers.get("www-authenticate")).toBe('Basic realm="Updraft", Bearer realm="Updraft"');
    const script = await f.app.request("/api/v1/dags", { headers: { "sec-fetch-mode": "cors", "sec-fetch-site": "same-origin" } });
    expect(script.headers.get("www-authenticate")).toBe('Bearer realm="Updraft"');
    // Node's fetch sends Sec-Fetch-Mode alone: a script, not a page, so it is offered Basic.
    const node = await f.app.request("/api/v1/dags", { headers: { "sec-fetch-mode": "cors" } });
    expect(node.headers.get("www-authenticate")).toBe('Basic realm="Updraft", Bearer realm="Updraft"');
    const navigation = await f.app.request("/api/v1/dags", { headers: { "sec-fetch-mode": "navigate", "sec-fetch-site": "none" } });
    expect(navigation.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect((await f.app.request("/api/v1/dags", { headers: { authorization: "Bearer nope" } })).headers.get("www-authenticate")).toMatch(/Bearer/);
    expect((await f.app.request("/api/updraft/ui/me")).headers.get("www-authenticate")).toBeNull();
  });
});

describe("/plugins and /providers", () => {
  it("list nothing loaded, in Airflow's shape", async () => {
    expect((await f.call("GET", "/api/v1/plugins?limit=10", f.tokens.read)).body).toEqual({ plugins: [], total_entries: 0 });
    expect((await f.call("GET", "/api/v1/providers", f.tokens.read)).body).toEqual({ providers: [], total_entries: 0 });
    expect((await f.call("GET", "/api/v1/plugins", null)).status).toBe(401);
  });
});
