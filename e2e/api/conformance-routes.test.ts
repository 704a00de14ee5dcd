// Conformance of the REST API with Airflow's stable API (DESIGN.md, Contract 4; issues 3 and 10),
// over real HTTP against a real `updraft standalone` (conformance-kit.ts): the sweeps over every
// route the server lists in /openapi.json — GET routes called with real ids and validated against
// Airflow 2.10's document; 401 without or with bad credentials; 403 to a read token on every
// write; 404 for each unknown id; 400 for bad JSON, bodies of the wrong shape, each field and
// query parameter of the wrong type — and the README's table of operations checked against
// Airflow's document and /openapi.json. The happy paths of the write routes are in the files of
// their resource (conformance-dags, -runs, -admin).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_PREFIX, matchTemplate } from "./airflow-spec.ts";
import {
  STEPPED, addQuery, airflowOp, common, conformanceSuite, CONTEXTS, expectProblem, expectValid, fill, isMappedTemplate, isPublic, listed,
  noRoute, OWN_ROUTE_PROBES, OWN_ROUTE_SCOPE, pathOf, pathParams, pathsFor, readsOnly, req, resolveAirflowRef, routes, sampleBody,
  server, show, spec, T, withQuery, wrongValue, bodyProperties, bodySchema, writeParams, openapi, record, RUN, CONNECTION, POOL,
  type Obj, type RequestOptions,
} from "./conformance-kit.ts";
import { DAGS, REPO } from "./server.ts";


describe("the routes the server serves", () => {
  it("serves /openapi.json describing the /api/v1 routes", () => {
    expect(routes.length, JSON.stringify(Object.keys(openapi.paths ?? {}))).toBeGreaterThan(5);
    expect(openapi.openapi).toMatch(/^3\./);
    for (const key of ["GET /api/v1/dags", "GET /api/v1/dags/{dag_id}", "POST /api/v1/dags/{dag_id}/dagRuns"]) expect(listed, key).toContain(key);
  });

  it("uses Airflow's paths: every /api/v1 route of /openapi.json is an operation of Airflow's API", () => {
    const foreign = routes.filter((r) => r.template.startsWith(`${API_PREFIX}/`) && !airflowOp(r)).map((r) => r.key);
    expect(foreign).toEqual([]);
  });

  it("lists every route it answers: Airflow's GET routes that are implemented are in /openapi.json", async () => {
    const unlisted: string[] = [];
    for (const op of spec.operations.filter((o) => o.method === "GET")) {
      const template = `${API_PREFIX}${op.template}`;
      if (listed.has(`GET ${template}`)) continue;
      const [first] = pathsFor(template);
      const path = first?.path ?? fill(template, { ...CONTEXTS[0]!.params, map_index: "0", uri: "x", section: "core", option: "x", username: "x", role_name: "x" });
      if (!path) continue;
      const res = await req("GET", path, { bodyTimeoutMs: 2_000 });
      if (!noRoute(res)) unlisted.push(`GET ${template} (answered ${res.status})`);
    }
    // Updraft's own routes (DESIGN.md: workers, live events, bundles, metrics) are described there too.
    for (const path of OWN_ROUTE_PROBES) {
      if ([...listed].some((k) => matchTemplate([k.slice(k.indexOf(" ") + 1)], path))) continue;
      const res = await req("GET", path, { auth: "admin", bodyTimeoutMs: 1_500 });
      if (!noRoute(res)) unlisted.push(`GET ${path} (answered ${res.status} ${res.contentType})`);
    }
    expect(unlisted).toEqual([]);
  }, 60_000);

  it("answers /api/v1/health without credentials, in Airflow's shape", async () => {
    const res = await req("GET", "/api/v1/health", { auth: null });
    const body = expectValid(res, "no credentials");
    expect(body.metadatabase?.status).toBe("healthy");
    expect(body.scheduler?.status).toBe("healthy");
  });

  it("answers /api/v1/version without credentials, in Airflow's shape", async () => {
    expectValid(await req("GET", "/api/v1/version", { auth: null }), "no credentials");
    expectValid(await req("GET", "/api/v1/version", { auth: "read" }), "read token");
  });

  it("answers an unknown route with a 404 problem", async () => {
    expectProblem(await req("GET", "/api/v1/noSuchThing"), 404);
    expectProblem(await req("GET", "/api/v1/dags/x/noSuchThing"), 404);
  });
});

describe("GET routes with real ids validate against Airflow's spec", () => {
  const gets = routes.filter((r) => r.method === "GET");
  for (const r of gets) {
    const paths = pathsFor(r.template).map((p) => ({ ...p, path: withQuery(r.key, p.path) }));
    if (paths.length === 0) {
      it(`${r.key}: has ids to call it with`, () => {
        expect.fail(`no id context provides ${pathParams(r.template).join(", ")}`);
      });
      continue;
    }
    for (const { ctx, path } of paths) {
      it(`${r.key} (${ctx})`, async () => {
        const res = await req("GET", path, { auth: OWN_ROUTE_SCOPE[r.key] ?? "read", bodyTimeoutMs: r.template.startsWith(API_PREFIX) ? undefined : 1_500 });
        if (!r.template.startsWith(`${API_PREFIX}/`)) {
          // Updraft's own route: not in Airflow's document; a 2xx is all that is asked here.
          expect(res.status, show(res)).toBeGreaterThanOrEqual(200);
          expect(res.status, show(res)).toBeLessThan(300);
          return;
        }
        expectValid(res, ctx);
      }, T);
    }
    const limitParam = ((r.op.parameters ?? []) as Obj[]).some((p) => p.in === "query" && p.name === "limit");
    // Airflow's offset-paged collections; the UI's own routes page otherwise (the grid by run date) and test it themselves.
    if (limitParam && paths[0] && r.template.startsWith(`${API_PREFIX}/`)) {
      it(`${r.key}?limit=1&offset=0: one page of one, total_entries counts them all`, async () => {
        const res = await req("GET", addQuery(paths[0]!.path, "limit=1&offset=0"), { auth: OWN_ROUTE_SCOPE[r.key] ?? "read" });
        const body = expectValid(res, "limit=1");
        const list = Object.values(body).find(Array.isArray) as unknown[] | undefined;
        expect(list, show(res)).toBeDefined();
        expect(list!.length).toBeLessThanOrEqual(1);
        expect(body.total_entries, show(res)).toBeGreaterThanOrEqual(list!.length);
      }, T);
    }
    const airflow = airflowOp(r);
    const ok200 = airflow?.raw.responses?.["200"] as Obj | undefined;
    const textual = Object.keys((ok200?.$ref ? resolveAirflowRef(ok200.$ref as string) : ok200)?.content ?? {}).some((ct) => /text/.test(ct));
    if (textual && paths[0]) {
      it(`${r.key} with Accept: text/plain answers text`, async () => {
        const res = await req("GET", paths[0]!.path, { auth: OWN_ROUTE_SCOPE[r.key] ?? "read", headers: { accept: "text/plain" } });
        expect(res.status, show(res)).toBe(200);
        expect(res.contentType, show(res)).toMatch(/^text\/plain/);
        record(r.key, "Accept: text/plain", res);
      }, T);
    }
  }

  it("returns the values the fixtures made (spot checks)", async () => {
    const ti = expectValid(await req("GET", `/api/v1/dags/${DAGS.mapped}/dagRuns/${RUN.mapped}/taskInstances/double/1`, { auth: "read" }), "double[1]");
    expect(ti).toMatchObject({ task_id: "double", map_index: 1, state: "success", try_number: 1 });
    const run = expectValid(await req("GET", `/api/v1/dags/${DAGS.mapped}/dagRuns/${RUN.mapped}`, { auth: "read" }), "run");
    expect(run).toMatchObject({ dag_run_id: RUN.mapped, state: "success", conf: { region: "us" }, run_type: "manual", external_trigger: true });
    const failed = expectValid(await req("GET", `/api/v1/dags/${DAGS.fails}/dagRuns/${RUN.fails}/taskInstances`, { auth: "read" }), "fails");
    expect(Object.fromEntries((failed.task_instances as Obj[]).map((t) => [t.task_id, t.state]))).toEqual({ boom: "failed", after: "upstream_failed" });
    const xcom = expectValid(await req("GET", `/api/v1/dags/${DAGS.mapped}/dagRuns/${RUN.mapped}/taskInstances/collect/xcomEntries/return_value`, { auth: "read" }), "xcom");
    expect(String(xcom.value)).toBe("12");
    const conn = expectValid(await req("GET", `/api/v1/connections/${CONNECTION}`, { auth: "edit" }), "connection");
    expect(conn).toMatchObject({ connection_id: CONNECTION, conn_type: "http", host: "example.org", login: "me", port: 8443 });
    expect(conn).not.toHaveProperty("password");
    const pool = expectValid(await req("GET", `/api/v1/pools/${POOL}`, { auth: "read" }), "pool");
    expect(pool).toMatchObject({ name: POOL, slots: 4, occupied_slots: 0, running_slots: 0, queued_slots: 0, open_slots: 4 });
    const errors = expectValid(await req("GET", "/api/v1/importErrors", { auth: "read" }), "import errors");
    expect(JSON.stringify(errors.import_errors)).toContain("conformance_broken.ts");
  }, T);
});

describe("authentication: 401 without or with bad credentials, on every route", () => {
  const BAD: Array<[string, RequestOptions["auth"]]> = [
    ["no Authorization", null],
    ["unknown bearer token", { header: `Bearer updr_${"A".repeat(43)}` }],
    ["malformed bearer token", { header: "Bearer not-a-token" }],
    ["empty bearer", { header: "Bearer " }],
    ["wrong Basic user", { header: `Basic ${Buffer.from("nobody:wrong").toString("base64")}` }],
    ["garbage Basic", { header: "Basic !!!" }],
    ["unknown scheme", { header: "Token abc" }],
  ];
  // Public routes (health, the UI's login and logout) answer without credentials by design.
  for (const r of routes.filter((x) => !isPublic(x))) {
    it(`${r.key}`, async () => {
      const params = r.method === "GET" ? { ...common, ...CONTEXTS[isMappedTemplate(r.template) ? 1 : 0]!.params } : writeParams(r.template);
      const path = withQuery(r.key, pathOf(r.template, params));
      for (const [what, auth] of BAD) {
        const res = await req(r.method, path, { auth, body: sampleBody(r, params), bodyTimeoutMs: 1_500 });
        expect.soft(res.status, `${what}: ${show(res)}`).toBe(401);
        if (res.status === 401) expectProblem(res, 401);
      }
    }, T);
  }
});

describe("credentials that exist but must not work, and HTTP Basic", () => {
  it("a revoked token and an expired token are refused with 401 (`updraft tokens create --expires`, `tokens revoke`)", async () => {
    const create = async (args: string[]) => {
      const r = await server.cli(["tokens", "create", "--scope", "admin", ...args]);
      expect(r.code, r.stderr).toBe(0);
      return { token: r.stdout.trim(), id: /token (\d+)/.exec(r.stderr)?.[1] ?? "" };
    };
    const revoked = await create(["--name", "e2e-revoked"]);
    // Long enough that a loaded machine's `tokens create` (a CLI start, seconds under load) still
    // leaves the token valid for the first request.
    const expiresAt = Date.now() + 15_000;
    const expiring = await create(["--name", "e2e-expiring", "--expires", new Date(expiresAt).toISOString()]);
    expectValid(await req("GET", "/api/v1/dags", { auth: { header: `Bearer ${revoked.token}` } }), "token before revocation");
    expectValid(await req("GET", "/api/v1/dags", { auth: { header: `Bearer ${expiring.token}` } }), "token before expiry");
    const r = await server.cli(["tokens", "revoke", revoked.id]);
    expect(r.code, r.stderr).toBe(0);
    expectProblem(await req("GET", "/api/v1/dags", { auth: { header: `Bearer ${revoked.token}` } }), 401);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 200)));
    expectProblem(await req("GET", "/api/v1/dags", { auth: { header: `Bearer ${expiring.token}` } }), 401);
  }, T);

  it("HTTP Basic with a user works as Airflow's basic_auth backend; its role limits it", async () => {
    const made = await server.cli(["users", "create", "conformance_user", "--role", "read", "--password", "pa:ss word"]);
    expect(made.code, made.stderr).toBe(0);
    const basic = (user: string, password: string) => ({ header: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });
    expectValid(await req("GET", "/api/v1/dags", { auth: basic("conformance_user", "pa:ss word") }), "Basic user");
    expectProblem(await req("GET", "/api/v1/dags", { auth: basic("conformance_user", "wrong") }), 401);
    expectProblem(await req("POST", `/api/v1/dags/${DAGS.fails}/dagRuns`, { auth: basic("conformance_user", "pa:ss word"), body: { conf: {} } }), 403);
  }, T);
});

describe("scopes: a read token cannot write (403)", () => {
  for (const r of routes.filter((x) => !readsOnly(x) && !isPublic(x))) {
    it(`${r.key}`, async () => {
      const params = writeParams(r.template);
      const res = await req(r.method, withQuery(r.key, pathOf(r.template, params)), { auth: "read", body: sampleBody(r, params) });
      expectProblem(res, 403);
    }, T);
  }

  it("a trigger token can trigger (the CI case) but not pause a DAG", async () => {
    if (!listed.has("PATCH /api/v1/dags/{dag_id}")) return;
    expectProblem(await req("PATCH", `/api/v1/dags/${DAGS.fails}`, { auth: "trigger", body: { is_paused: true } }), 403);
  }, T);
});

describe("unknown ids: 404, one id at a time", () => {
  for (const r of routes.filter((x) => pathParams(x.template).length > 0)) {
    it(`${r.key}`, async () => {
      const base = r.method === "GET" ? { ...common, ...CONTEXTS[isMappedTemplate(r.template) ? 1 : 0]!.params } : writeParams(r.template);
      for (const name of pathParams(r.template)) {
        const intParam = ((r.op.parameters ?? []) as Obj[]).some((p) => p.in === "path" && p.name === name && p.schema?.type === "integer");
        const params = { ...base, [name]: intParam ? "999999" : `conformance_no_such_${name}` };
        const res = await req(r.method, withQuery(r.key, pathOf(r.template, params)), { auth: "admin", body: sampleBody(r, params), bodyTimeoutMs: 1_500 });
        expect.soft(res.status, `${name} unknown: ${show(res)}`).toBe(404);
        if (res.status === 404) expectProblem(res, 404);
        else expect(res.status, show(res)).toBeLessThan(500);
      }
    }, T);
  }

  it("integer path parameters that are not integers are a 4xx problem", async () => {
    for (const r of routes) {
      for (const p of ((r.op.parameters ?? []) as Obj[]).filter((x) => x.in === "path" && x.schema?.type === "integer")) {
        const base = r.method === "GET" ? { ...common, ...CONTEXTS[isMappedTemplate(r.template) ? 1 : 0]!.params } : writeParams(r.template);
        const params = { ...base, [p.name as string]: "not-a-number" };
        const res = await req(r.method, pathOf(r.template, params), { auth: "admin", body: sampleBody(r, params) });
        expectProblem(res, [400, 404]);
      }
    }
  }, 60_000);
});

describe("bad request bodies: 400 naming the field", () => {
  for (const r of routes.filter((x) => bodySchema(x))) {
    const params = writeParams(r.template);
    const filled = fill(r.template, params);
    const path = filled === null ? null : withQuery(r.key, filled);
    if (path === null) {
      it(`${r.key}: has ids to call it with`, () => void pathOf(r.template, params));
      continue;
    }

    it(`${r.key}: malformed JSON`, async () => {
      for (const raw of ['{"conf": ', "{not json}", "", "\u0000"]) {
        expectProblem(await req(r.method, path, { auth: "admin", rawBody: raw }), 400);
      }
    }, T);

    it(`${r.key}: JSON that is not an object`, async () => {
      for (const raw of ["[]", '"text"', "42", "null", "true"]) {
        expectProblem(await req(r.method, path, { auth: "admin", rawBody: raw }), 400);
      }
    }, T);

    const props = bodyProperties(bodySchema(r));
    const typed = Object.entries(props).filter(([, s]) => wrongValue(s) !== undefined);
    if (typed.length > 0) {
      it(`${r.key}: a field of the wrong type (${typed.map(([k]) => k).join(", ")})`, async () => {
        for (const [name, s] of typed) {
          const body = { ...sampleBody(r, params), [name]: wrongValue(s) };
          const res = await req(r.method, path, { auth: "admin", body });
          expect.soft(res.status, `${name}=${JSON.stringify(body[name])}: ${show(res)}`).toBe(400);
          if (res.status === 400) expectProblem(res, 400, name);
          else expect(res.status, show(res)).toBeLessThan(500);
        }
      }, T);
    }

    const required = ((bodySchema(r)?.required ?? []) as string[]);
    if (required.length > 0) {
      it(`${r.key}: a required field missing, and no body at all`, async () => {
        for (const name of required) {
          const body = { ...sampleBody(r, params) };
          delete body[name];
          expectProblem(await req(r.method, path, { auth: "admin", body }), 400, name);
        }
        expectProblem(await req(r.method, path, { auth: "admin" }), [400, 415]);
        expectProblem(await req(r.method, path, { auth: "admin", rawBody: JSON.stringify(sampleBody(r, params)), headers: { "content-type": "text/plain" } }), [400, 415]);
      }, T);
    }
  }
});

describe("query parameters of the wrong type: 400 naming the parameter", () => {
  for (const r of routes.filter((x) => x.method === "GET" && x.template.startsWith(`${API_PREFIX}/`))) {
    const airflow = airflowOp(r);
    const airflowParams = new Map<string, Obj>();
    for (const p of [...((airflow?.raw.parameters ?? []) as Obj[]), ...((spec.doc.paths[airflow?.template ?? ""]?.parameters ?? []) as Obj[])]) {
      const d = (p.$ref ? resolveAirflowRef(p.$ref as string) : p) ?? {};
      if (d.in === "query") airflowParams.set(String(d.name), d);
    }
    const probes: Array<[string, string]> = [];
    for (const p of ((r.op.parameters ?? []) as Obj[]).filter((x) => x.in === "query")) {
      const theirs = airflowParams.get(String(p.name))?.schema ?? {};
      const ours = p.schema ?? {};
      if (ours.type === "integer" || theirs.type === "integer") probes.push([p.name, "not-a-number"]);
      else if (theirs.format === "date-time" || theirs.format === "datetime") probes.push([p.name, "not-a-date"]);
      else if (theirs.type === "boolean" || Array.isArray(ours.enum)) probes.push([p.name, "conformance-not-allowed"]);
    }
    const [first] = pathsFor(r.template);
    if (probes.length === 0 || !first) continue;
    it(`${r.key}: ${probes.map(([n]) => n).join(", ")}`, async () => {
      for (const [name, value] of probes) {
        const res = await req("GET", addQuery(withQuery(r.key, first.path), `${name}=${encodeURIComponent(value)}`), { auth: OWN_ROUTE_SCOPE[r.key] ?? "read" });
        expect.soft(res.status, `${name}=${value}: ${show(res)}`).toBe(400);
        if (res.status === 400) expectProblem(res, 400, name);
        else expect(res.status, show(res)).toBeLessThan(500);
      }
    }, T);
  }
});

describe("the README's table of Airflow's operations", () => {
  // The README lists, between these markers, one line per operation of Airflow's document:
  // "| `METHOD /path` | yes |" or "| `METHOD /path` | no: why |".
  const text = readFileSync(`${REPO}README.md`, "utf8");
  const start = text.indexOf("<!-- airflow-operations:start -->");
  const end = text.indexOf("<!-- airflow-operations:end -->");
  const rows = start >= 0 && end > start
    ? [...text.slice(start, end).matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)` \| (yes|no\b[^|]*) \|/gm)].map((m) => ({ key: `${m[1]} ${m[2]}`, served: m[3] === "yes" }))
    : [];

  it("names every operation of Airflow's document once, and nothing else", () => {
    expect(rows.length, "the README has no table between <!-- airflow-operations:start --> and <!-- airflow-operations:end -->").toBeGreaterThan(0);
    const documented = spec.operations.map((o) => `${o.method} ${o.template}`).sort();
    expect(rows.map((r) => r.key).sort()).toEqual(documented);
  });

  it("says yes exactly for the operations the server lists in /openapi.json", () => {
    const served = new Set([...listed].filter((k) => k.includes(` ${API_PREFIX}/`)).map((k) => k.replace(` ${API_PREFIX}/`, " /")));
    const wrong = rows.filter((r) => r.served !== served.has(r.key)).map((r) => `${r.key}: README says ${r.served ? "yes" : "no"}, /openapi.json ${served.has(r.key) ? "lists it" : "does not"}`);
    expect(wrong).toEqual([]);
  });

  it("counts them right in its summary line", () => {
    const summary = /(\d+) of Airflow 2\.10's (\d+) operations/.exec(text);
    expect(summary?.slice(1).map(Number)).toEqual([rows.filter((r) => r.served).length, rows.length]);
  });
});

describe("happy paths", () => {
  it("every write route has a step in the conformance file of its resource (else only the error paths exercise it)", () => {
    const stepped = new Set(STEPPED);
    const missing = routes.filter((r) => r.method !== "GET" && !stepped.has(r.key)).map((r) => r.key);
    expect(missing).toEqual([]);
  });
});

// Last: its checks run after every test above, and it stops the server.
conformanceSuite("routes");
