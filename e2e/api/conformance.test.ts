// Conformance of the REST API with Airflow's stable API, over real HTTP against a real
// `updraft standalone` on 127.0.0.1 (DESIGN.md, Contract 4; issue 3).
//
// Data-driven: the routes come from the server's own /openapi.json, so a route added later is
// covered without touching this file. For each route:
// - GET routes are called with real ids (runs, task instances, mapped instances, tries, XComs,
//   variables, connections, pools, import errors, event log entries made by the fixtures) and
//   every 2xx body is validated against Airflow 2.10's document (shared/reference);
// - every route answers 401 without credentials or with bad ones, 403 to a read token when it
//   writes, 404 to each unknown id, 400 to bad JSON, to bodies of the wrong shape, to each field
//   of the wrong type and to query parameters of the wrong type, always with an RFC 7807 body;
// - the write routes are exercised for real (variables, pools, connections, pause, trigger,
//   note, state, clear, delete) and their answers validated too;
// - nothing ever answers 5xx.
// The server starts while the file is collected (top-level await) so that the tests can be
// generated from what it serves.
import { readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AirflowSpec, API_PREFIX, matchTemplate, type ResponseCheck } from "./airflow-spec.ts";
import { DAGS, GRACE_MS, startServer, type ApiResponse, type RequestOptions } from "./server.ts";

type Obj = Record<string, any>;

const spec = AirflowSpec.load();
const server = await startServer();
afterAll(async () => {
  await server.stop();
  writeSummary();
}, 30_000);

// ---------------------------------------------------------------------------------------------
// Fixtures: runs that succeeded, failed and ran a shell command; a variable, a connection, a pool.

const RUN = {
  mapped: "conformance_mapped_run",
  fails: "conformance_fails_run",
  shell: "conformance_shell_run",
};
const VARIABLE = "conformance_var";
const CONNECTION = "conformance_conn";
const POOL = "conformance_pool";

async function fixture(args: string[], expectCode: number): Promise<void> {
  const r = await server.cli(args, 120_000);
  if (r.code !== expectCode) {
    await server.stop();
    throw new Error(`fixture \`updraft ${args.join(" ")}\` exited ${r.code} (expected ${expectCode})\n${r.stdout}\n${r.stderr}\n--- server ---\n${server.log().slice(-3000)}`);
  }
}

await Promise.all([
  fixture(["dags", "trigger", DAGS.mapped, "--run-id", RUN.mapped, "--conf", '{"region":"us"}', "--wait"], 0),
  fixture(["dags", "trigger", DAGS.fails, "--run-id", RUN.fails, "--wait"], 1),
  fixture(["dags", "trigger", DAGS.shell, "--run-id", RUN.shell, "--wait"], 0),
  fixture(["variables", "set", VARIABLE, '{"answer": 42}'], 0),
  fixture(["connections", "add", CONNECTION, "--conn-type", "http", "--conn-host", "example.org", "--conn-login", "me", "--conn-password", "s3cret", "--conn-port", "8443"], 0),
  fixture(["pools", "set", POOL, "4", "pool of the conformance suite"], 0),
]);

// ---------------------------------------------------------------------------------------------
// The routes the server describes.

interface Route {
  method: string;
  /** With the /api/v1 prefix, as /openapi.json lists it. */
  template: string;
  op: Obj;
  key: string;
}

const openapiRes = await server.request("GET", "/openapi.json");
if (openapiRes.status !== 200) throw new Error(`/openapi.json: ${openapiRes.status} ${openapiRes.text.slice(0, 500)}`);
const openapi = openapiRes.json as Obj;
const routes: Route[] = [];
for (const [template, item] of Object.entries(openapi.paths as Record<string, Obj>)) {
  for (const [method, op] of Object.entries(item)) {
    if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
    routes.push({ method: method.toUpperCase(), template, op: op as Obj, key: `${method.toUpperCase()} ${template}` });
  }
}
routes.sort((a, b) => a.template.localeCompare(b.template) || a.method.localeCompare(b.method));
const listed = new Set(routes.map((r) => r.key));

const airflowOp = (r: { method: string; template: string }) => (r.template.startsWith(`${API_PREFIX}/`) ? spec.operation(r.method, r.template) : undefined);
const pathParams = (template: string) => [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
/** Routes that only read although they are POSTs (Airflow's batch list endpoints). */
const readsOnly = (r: Route) => r.method === "GET" || /\/list$/.test(r.template);
/** Routes that declare `security: []` (health, the UI's login and logout) are public by design. */
const isPublic = (r: Route) => Array.isArray(r.op.security) && r.op.security.length === 0;

// Ids the fixtures made that only the API can tell.
async function firstId(path: string, field: string, listKey: string): Promise<string | undefined> {
  const r = await server.request("GET", path);
  const item = r.status === 200 ? (r.json as Obj)?.[listKey]?.[0] : undefined;
  return item?.[field] === undefined ? undefined : String(item[field]);
}
const dagRes = await server.request("GET", `/api/v1/dags/${DAGS.mapped}`);
const fileToken = String((dagRes.json as Obj | undefined)?.file_token ?? "bm8tZmlsZQ");

const common: Record<string, string> = {
  file_token: fileToken,
  variable_key: VARIABLE,
  connection_id: CONNECTION,
  pool_name: POOL,
  import_error_id: (await firstId("/api/v1/importErrors", "import_error_id", "import_errors")) ?? "1",
  event_log_id: (await firstId("/api/v1/eventLogs", "event_log_id", "event_logs")) ?? "1",
  // A bundle the DAG processor stored (it also writes them to <home>/bundles/<hash>.mjs).
  hash: readdirSync(join(server.home, "bundles")).find((f) => f.endsWith(".mjs"))?.replace(/\.mjs$/, "") ?? "no-bundle",
};

/**
 * GET routes a read token may not call, with the scope they need: bundles are for workers; a
 * variable's value and connections need `edit`, as Airflow's Viewer reads neither.
 */
const OWN_ROUTE_SCOPE: Record<string, "worker" | "edit"> = {
  "GET /api/updraft/bundles/{hash}": "worker",
  "GET /api/v1/variables/{variable_key}": "edit",
  "GET /api/v1/connections": "edit",
  "GET /api/v1/connections/{connection_id}": "edit",
};

interface IdContext {
  name: string;
  params: Record<string, string>;
  /** For templates with {map_index} and …/listMapped (and only those). */
  mapped: boolean;
}

/** A DAG's current stored version (the UI's source view names versions by id). */
async function versionOf(dagId: string): Promise<string> {
  const r = await server.request("GET", `/api/updraft/ui/dags/${dagId}/versions`);
  const id = (r.json as Obj | undefined)?.versions?.[0]?.id;
  if (id === undefined) throw new Error(`no stored version of ${dagId}: ${r.status} ${r.text.slice(0, 200)}`);
  return String(id);
}
const VERSION = { mapped: await versionOf(DAGS.mapped), fails: await versionOf(DAGS.fails), shell: await versionOf(DAGS.shell), paused: await versionOf(DAGS.paused) };

// Airflow's routes name a run dag_run_id; the UI's own routes (as Airflow 3's) name it run_id.
const CONTEXTS: IdContext[] = [
  { name: "succeeded run, task collect", mapped: false, params: { dag_id: DAGS.mapped, dag_run_id: RUN.mapped, run_id: RUN.mapped, version_id: VERSION.mapped, task_id: "collect", task_try_number: "1", xcom_key: "return_value" } },
  { name: "mapped task double[1]", mapped: true, params: { dag_id: DAGS.mapped, dag_run_id: RUN.mapped, run_id: RUN.mapped, version_id: VERSION.mapped, task_id: "double", map_index: "1", task_try_number: "1", xcom_key: "return_value" } },
  { name: "failed run, failed task boom", mapped: false, params: { dag_id: DAGS.fails, dag_run_id: RUN.fails, run_id: RUN.fails, version_id: VERSION.fails, task_id: "boom", task_try_number: "1" } },
  { name: "failed run, upstream_failed task after", mapped: false, params: { dag_id: DAGS.fails, dag_run_id: RUN.fails, run_id: RUN.fails, version_id: VERSION.fails, task_id: "after" } },
  { name: "shell run, shell task hello", mapped: false, params: { dag_id: DAGS.shell, dag_run_id: RUN.shell, run_id: RUN.shell, version_id: VERSION.shell, task_id: "hello", task_try_number: "1", xcom_key: "return_value" } },
  { name: "paused DAG", mapped: false, params: { dag_id: DAGS.paused, version_id: VERSION.paused, task_id: "noop" } },
];

/** Paths where Updraft's own routes may be (probed: when one answers, /openapi.json must list it). */
const OWN_ROUTE_PROBES = ["/api/updraft/events", "/api/updraft/workers", "/api/updraft/bundles", "/api/updraft/metrics", "/metrics", "/api/v1/workers"];

const noRoute = (res: ApiResponse) => res.status === 404 && /no route/i.test(String((res.json as Obj | undefined)?.detail ?? ""));

const isMappedTemplate = (t: string) => t.includes("{map_index}") || t.endsWith("/listMapped");

function fill(template: string, params: Record<string, string>): string | null {
  let missing = false;
  const path = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = params[name] ?? common[name];
    if (v === undefined) missing = true;
    return encodeURIComponent(v ?? "");
  });
  return missing ? null : path;
}

/** Like fill, but a template with a parameter no id context knows is an error that says which. */
function pathOf(template: string, params: Record<string, string>): string {
  const path = fill(template, params);
  if (path === null) {
    const missing = pathParams(template).filter((n) => params[n] === undefined && common[n] === undefined);
    throw new Error(`no id for {${missing.join("}, {")}} of ${template}: add one to CONTEXTS or common in ${import.meta.url.split("/").pop()}`);
  }
  return path;
}

/** Concrete paths for a template: one per id context that provides every parameter, deduplicated. */
function pathsFor(template: string): Array<{ ctx: string; path: string }> {
  const out: Array<{ ctx: string; path: string }> = [];
  const seen = new Set<string>();
  for (const ctx of CONTEXTS) {
    if (isMappedTemplate(template) !== ctx.mapped) continue;
    const path = fill(template, ctx.params);
    if (path && !seen.has(path)) {
      seen.add(path);
      out.push({ ctx: ctx.name, path });
    }
  }
  return out;
}

/** The ids a write route is probed with: the failed run (nothing there to lose), or the mapped instance. */
function writeParams(template: string): Record<string, string> {
  const ctx = isMappedTemplate(template) ? CONTEXTS[1]! : CONTEXTS[2]!;
  return { ...common, ...ctx.params };
}

// ---------------------------------------------------------------------------------------------
// Request bodies from the server's own schemas (with a few values that make sense to the route).

function deref(schema: Obj | undefined): Obj | undefined {
  let s = schema;
  for (let i = 0; s && typeof s.$ref === "string" && i < 10; i++) {
    s = (s.$ref as string).replace(/^#\//, "").split("/").reduce<Obj | undefined>((acc, p) => acc?.[p], openapi);
  }
  return s;
}

function bodySchema(r: Route): Obj | undefined {
  return deref(r.op.requestBody?.content?.["application/json"]?.schema);
}

function bodyProperties(schema: Obj | undefined): Record<string, Obj> {
  const out: Record<string, Obj> = {};
  const s = deref(schema);
  if (!s) return out;
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Obj>)) out[k] = deref(v) ?? {};
  for (const sub of (s.allOf ?? []) as Obj[]) Object.assign(out, bodyProperties(sub));
  return out;
}

function sampleValue(s: Obj | undefined, name: string): unknown {
  const d = deref(s) ?? {};
  if (d.default !== undefined) return d.default;
  if (Array.isArray(d.enum)) return d.enum.find((v: unknown) => v !== null);
  const type = Array.isArray(d.type) ? d.type.find((t: string) => t !== "null") : d.type;
  switch (type) {
    case "string":
      return /date|_gte|_lte/.test(name) || d.format === "date-time" ? new Date().toISOString() : `conformance_${name}`;
    case "integer":
    case "number":
      return Math.max(typeof d.minimum === "number" ? d.minimum : 0, 1);
    case "boolean":
      return true;
    case "array":
      return d.minItems ? [sampleValue(d.items, name)] : [];
    case "object":
      return {};
    default:
      return "conformance";
  }
}

/** Bodies that a route accepts, by route; others are generated from the required fields. */
const SAMPLE_BODIES: Record<string, (p: Record<string, string>) => Obj> = {
  "POST /api/v1/dags/{dag_id}/dagRuns": () => ({ conf: {} }),
  "PATCH /api/v1/dags/{dag_id}": () => ({ is_paused: false }),
  "PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}": () => ({ state: "failed" }),
  "PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/setNote": () => ({ note: "conformance" }),
  "POST /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/clear": () => ({ dry_run: true }),
  "POST /api/v1/dags/{dag_id}/clearTaskInstances": (p) => ({ dry_run: true, dag_run_id: p.dag_run_id ?? RUN.fails, only_failed: true }),
  "POST /api/v1/dags/{dag_id}/updateTaskInstancesState": (p) => ({ dry_run: true, task_id: p.task_id ?? "boom", dag_run_id: p.dag_run_id ?? RUN.fails, new_state: "failed" }),
  "PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}": () => ({ dry_run: true, new_state: "failed" }),
  "PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}": () => ({ dry_run: true, new_state: "success" }),
  "PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/setNote": () => ({ note: "conformance" }),
  "PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}/setNote": () => ({ note: "conformance" }),
  "POST /api/v1/variables": () => ({ key: "conformance_probe_var", value: "v" }),
  "PATCH /api/v1/variables/{variable_key}": (p) => ({ key: p.variable_key, value: "v" }),
  "POST /api/v1/connections": () => ({ connection_id: "conformance_probe_conn", conn_type: "http" }),
  "PATCH /api/v1/connections/{connection_id}": (p) => ({ connection_id: p.connection_id, conn_type: "http" }),
  "POST /api/v1/connections/test": () => ({ connection_id: "conformance_probe_conn", conn_type: "http" }),
  "POST /api/v1/pools": () => ({ name: "conformance_probe_pool", slots: 2 }),
  "PATCH /api/v1/pools/{pool_name}": (p) => ({ name: p.pool_name, slots: 4 }),
  "POST /api/v1/dags/~/dagRuns/list": () => ({ dag_ids: [DAGS.mapped] }),
  "POST /api/v1/dags/~/dagRuns/~/taskInstances/list": () => ({ dag_ids: [DAGS.mapped] }),
};

function sampleBody(r: Route, params: Record<string, string>): Obj | undefined {
  const schema = bodySchema(r);
  if (!schema) return undefined;
  const known = SAMPLE_BODIES[r.key];
  if (known) return known(params);
  const props = bodyProperties(schema);
  const body: Obj = {};
  for (const name of (schema.required ?? []) as string[]) body[name] = sampleValue(props[name], name);
  return body;
}

function wrongValue(s: Obj): unknown {
  const d = deref(s) ?? {};
  const type = Array.isArray(d.type) ? d.type.find((t: string) => t !== "null") : d.type;
  switch (type) {
    case "string":
      return 12345;
    case "integer":
    case "number":
      return "not-a-number";
    case "boolean":
      return "not-a-boolean";
    case "array":
      return "not-an-array";
    case "object":
      return "not-an-object";
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Assertions and the record of what was found.

interface Finding {
  route: string;
  variant: string;
  status: number;
  check: ResponseCheck | null;
}
const findings: Finding[] = [];

function record(route: string, variant: string, res: ApiResponse): ResponseCheck | null {
  const op = spec.matchPath(res.path) && res.path.startsWith(API_PREFIX) ? spec.validateResponse({ method: res.method, path: res.path, status: res.status, body: res.json ?? (res.text === "" ? undefined : res.text), contentType: res.contentType }) : null;
  findings.push({ route, variant, status: res.status, check: op });
  return op;
}

const show = (res: ApiResponse) => `${res.method} ${res.path} → ${res.status} ${res.contentType}\n${res.text.slice(0, 800)}`;

/** An RFC 7807 problem with this status (Airflow's `Error` schema), never a 5xx. */
function expectProblem(res: ApiResponse, status: number | number[], detailMentions?: string): void {
  const allowed = [status].flat();
  expect(res.status, show(res)).toBeLessThan(500);
  expect(allowed, show(res)).toContain(res.status);
  expect(res.contentType, show(res)).toMatch(/^application\/(problem\+)?json/);
  const body = res.json as Obj | undefined;
  expect(body, show(res)).toBeTypeOf("object");
  expect(body, show(res)).toMatchObject({ type: expect.any(String), title: expect.any(String), status: res.status, detail: expect.any(String) });
  const error = spec.validateComponent("Error", body);
  expect(error.errors, show(res)).toEqual([]);
  if (detailMentions) expect(String(body?.detail), `the problem should name "${detailMentions}"\n${show(res)}`).toContain(detailMentions);
}

/** A 2xx whose body validates against Airflow's schema for the operation (when Airflow has it). */
function expectValid(res: ApiResponse, variant: string, status: number | number[] = [200]): Obj {
  const check = record(`${res.method} ${spec.matchPath(res.path)?.template ?? res.path}`, variant, res);
  expect([status].flat(), show(res)).toContain(res.status);
  if (check) expect(check.errors, `${show(res)}\nagainst Airflow's ${check.operation}`).toEqual([]);
  return (res.json ?? {}) as Obj;
}

const req = (method: string, path: string, opts?: RequestOptions) => server.request(method, path, opts);

async function waitForRunState(dagId: string, runId: string, states: string[], timeoutMs = 60_000): Promise<Obj> {
  const end = Date.now() + timeoutMs;
  let last: ApiResponse | undefined;
  for (;;) {
    last = await req("GET", `/api/v1/dags/${encodeURIComponent(dagId)}/dagRuns/${encodeURIComponent(runId)}`, { auth: "read" });
    const state = (last.json as Obj | undefined)?.state;
    if (last.status === 200 && states.includes(state)) return last.json as Obj;
    if (Date.now() > end) throw new Error(`run ${dagId}/${runId} did not reach ${states.join("|")} in time; last: ${show(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const T = 30_000;

// ---------------------------------------------------------------------------------------------

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

  it("answers /api/v1/version in Airflow's shape", async () => {
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
    const paths = pathsFor(r.template);
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
        const res = await req("GET", `${paths[0]!.path}?limit=1&offset=0`, { auth: OWN_ROUTE_SCOPE[r.key] ?? "read" });
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
      const path = pathOf(r.template, params);
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
    const expiresAt = Date.now() + 3_000;
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
      const res = await req(r.method, pathOf(r.template, params), { auth: "read", body: sampleBody(r, params) });
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
        const res = await req(r.method, pathOf(r.template, params), { auth: "admin", body: sampleBody(r, params), bodyTimeoutMs: 1_500 });
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
    const path = fill(r.template, params);
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
        const res = await req("GET", `${first.path}?${name}=${encodeURIComponent(value)}`, { auth: OWN_ROUTE_SCOPE[r.key] ?? "read" });
        expect.soft(res.status, `${name}=${value}: ${show(res)}`).toBe(400);
        if (res.status === 400) expectProblem(res, 400, name);
        else expect(res.status, show(res)).toBeLessThan(500);
      }
    }, T);
  }
});

function resolveAirflowRef(ref: string): Obj | undefined {
  return ref.replace(/^#\//, "").split("/").reduce<Obj | undefined>((acc, p) => acc?.[p], spec.doc);
}

describe("the CI trigger: the curl that works against Airflow", () => {
  it("POST /api/v1/dags/{dag_id}/dagRuns with {\"conf\": {}} creates a run that reaches success", async () => {
    const res = await req("POST", `/api/v1/dags/${DAGS.mapped}/dagRuns`, { auth: "trigger", rawBody: '{"conf": {}}', headers: { "content-type": "application/json" } });
    const run = expectValid(res, "trigger token, {conf: {}}");
    expect(run).toMatchObject({ dag_id: DAGS.mapped, run_type: "manual", external_trigger: true, conf: {} });
    expect(run.dag_run_id).toMatch(/^manual__/);
    expect(["queued", "running", "success"]).toContain(run.state);
    const done = await waitForRunState(DAGS.mapped, run.dag_run_id as string, ["success", "failed"]);
    expect(done.state).toBe("success");
    const tis = expectValid(await req("GET", `/api/v1/dags/${DAGS.mapped}/dagRuns/${encodeURIComponent(run.dag_run_id as string)}/taskInstances`, { auth: "read" }), "the triggered run");
    expect((tis.task_instances as Obj[]).map((t) => `${t.task_id}[${t.map_index}]=${t.state}`).sort()).toEqual(["collect[-1]=success", "double[0]=success", "double[1]=success", "double[2]=success"]);
  }, 90_000);

  it("with a run id, a logical date, conf and a note; the same run id again is a 409", async () => {
    const body = { dag_run_id: "conformance_manual_1", logical_date: "2026-03-01T00:00:00+00:00", conf: { region: "apac" }, note: "from the suite" };
    const run = expectValid(await req("POST", `/api/v1/dags/${DAGS.mapped}/dagRuns`, { auth: "trigger", body }), "full body");
    expect(run).toMatchObject({ dag_run_id: "conformance_manual_1", conf: { region: "apac" }, note: "from the suite" });
    expect(Date.parse(run.logical_date as string)).toBe(Date.parse(body.logical_date));
    expectProblem(await req("POST", `/api/v1/dags/${DAGS.mapped}/dagRuns`, { auth: "trigger", body }), 409);
    await waitForRunState(DAGS.mapped, "conformance_manual_1", ["success"]);
  }, 90_000);
});

describe("trigger semantics", () => {
  it("a run triggered on a paused DAG is created and stays queued, as in Airflow", async () => {
    const run = expectValid(await req("POST", `/api/v1/dags/${DAGS.paused}/dagRuns`, { auth: "trigger", body: { dag_run_id: "conformance_paused_run", conf: {} } }), "paused DAG");
    expect(run.state).toBe("queued");
    await new Promise((r) => setTimeout(r, 2_000));
    const again = expectValid(await req("GET", `/api/v1/dags/${DAGS.paused}/dagRuns/conformance_paused_run`, { auth: "read" }), "paused DAG, later");
    expect(again.state).toBe("queued");
  }, T);

  it("a second run with the same logical date is a 409, as Airflow's unique (dag_id, logical_date)", async () => {
    const body = { dag_run_id: "conformance_same_date_2", logical_date: "2026-03-01T00:00:00+00:00", conf: {} };
    expectProblem(await req("POST", `/api/v1/dags/${DAGS.mapped}/dagRuns`, { auth: "trigger", body }), 409);
  }, T);

  it("an unknown DAG is a 404 and a DAG that does not load is a 404 too", async () => {
    expectProblem(await req("POST", "/api/v1/dags/conformance_broken/dagRuns", { auth: "trigger", body: { conf: {} } }), 404);
  }, T);
});

describe("write routes, for real, validated against Airflow's spec", () => {
  const has = (key: string) => listed.has(key);
  const step = (key: string, name: string, fn: () => Promise<void>, timeout = 30_000) =>
    it(`${key}: ${name}`, async (c) => {
      if (!has(key)) c.skip();
      await fn();
    }, timeout);

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

  step("PATCH /api/v1/dags/{dag_id}", "pauses and unpauses (update_mask=is_paused)", async () => {
    const d = expectValid(await req("PATCH", `/api/v1/dags/${DAGS.shell}?update_mask=is_paused`, { auth: "edit", body: { is_paused: true } }), "pause");
    expect(d.is_paused).toBe(true);
    const paused = expectValid(await req("GET", "/api/v1/dags?paused=true&only_active=false", { auth: "read" }), "paused=true");
    expect((paused.dags as Obj[]).map((x) => x.dag_id).sort()).toEqual([DAGS.paused, DAGS.shell].sort());
    expect(expectValid(await req("PATCH", `/api/v1/dags/${DAGS.shell}`, { auth: "edit", body: { is_paused: false } }), "unpause").is_paused).toBe(false);
  });

  step("PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/setNote", "sets a note", async () => {
    const r = expectValid(await req("PATCH", `/api/v1/dags/${DAGS.mapped}/dagRuns/${RUN.mapped}/setNote`, { body: { note: "checked" } }), "note");
    expect(r.note).toBe("checked");
  });
  step("PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}", "marks a run failed", async () => {
    const r = expectValid(await req("PATCH", `/api/v1/dags/${DAGS.mapped}/dagRuns/conformance_manual_1`, { body: { state: "failed" } }), "state");
    expect(r.state).toBe("failed");
  });
  step("POST /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/clear", "dry run lists the task instances; a real clear runs the run again", async () => {
    const dry = expectValid(await req("POST", `/api/v1/dags/${DAGS.mapped}/dagRuns/conformance_manual_1/clear`, { body: { dry_run: true } }), "dry run");
    expect(Array.isArray(dry.task_instances), JSON.stringify(dry)).toBe(true);
    const real = expectValid(await req("POST", `/api/v1/dags/${DAGS.mapped}/dagRuns/conformance_manual_1/clear`, { body: { dry_run: false } }), "clear");
    expect(real.dag_run_id ?? real.task_instances).toBeDefined();
    const done = await waitForRunState(DAGS.mapped, "conformance_manual_1", ["success", "failed"]);
    expect(done.state).toBe("success");
  }, 90_000);
  step("POST /api/v1/dags/{dag_id}/clearTaskInstances", "dry run names the failed instances", async () => {
    const r = expectValid(await req("POST", `/api/v1/dags/${DAGS.fails}/clearTaskInstances`, { body: { dry_run: true, dag_run_id: RUN.fails, only_failed: true } }), "dry run");
    expect((r.task_instances as Obj[]).map((t) => t.task_id).sort()).toEqual(expect.arrayContaining(["boom"]));
  });
  step("POST /api/v1/dags/{dag_id}/updateTaskInstancesState", "dry run", async () => {
    const r = expectValid(await req("POST", `/api/v1/dags/${DAGS.fails}/updateTaskInstancesState`, { body: { dry_run: true, task_id: "boom", dag_run_id: RUN.fails, new_state: "success" } }), "dry run");
    expect((r.task_instances as Obj[]).map((t) => t.task_id)).toContain("boom");
  });
  step("PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}", "dry run", async () => {
    const r = expectValid(await req("PATCH", `/api/v1/dags/${DAGS.fails}/dagRuns/${RUN.fails}/taskInstances/boom`, { body: { dry_run: true, new_state: "success" } }), "dry run");
    expect(r.task_id).toBe("boom");
  });
  step("PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}", "dry run", async () => {
    const r = expectValid(await req("PATCH", `/api/v1/dags/${DAGS.mapped}/dagRuns/${RUN.mapped}/taskInstances/double/0`, { body: { dry_run: true, new_state: "failed" } }), "dry run");
    expect(r.task_id).toBe("double");
  });
  step("POST /api/v1/dags/~/dagRuns/list", "lists runs of several DAGs (a read token is enough)", async () => {
    const r = expectValid(await req("POST", "/api/v1/dags/~/dagRuns/list", { auth: "read", body: { dag_ids: [DAGS.mapped, DAGS.fails], states: ["failed"] } }), "batch");
    expect((r.dag_runs as Obj[]).every((x) => x.state === "failed")).toBe(true);
    expect((r.dag_runs as Obj[]).map((x) => x.dag_run_id)).toContain(RUN.fails);
  });
  step("POST /api/v1/dags/~/dagRuns/~/taskInstances/list", "lists task instances (a read token is enough)", async () => {
    const r = expectValid(await req("POST", "/api/v1/dags/~/dagRuns/~/taskInstances/list", { auth: "read", body: { dag_ids: [DAGS.fails] } }), "batch");
    expect((r.task_instances as Obj[]).length).toBeGreaterThanOrEqual(2);
  });
  step("POST /api/v1/connections/test", "answers in Airflow's shape, or 403 when testing is disabled (Airflow's default)", async () => {
    const res = await req("POST", "/api/v1/connections/test", { body: { connection_id: "t", conn_type: "http" } });
    if (res.status === 403) expectProblem(res, 403, "disabled");
    else expectValid(res, "test");
  });
  step("DELETE /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}", "deletes a run", async () => {
    await waitForRunState(DAGS.mapped, "conformance_manual_1", ["success", "failed"]);
    expectValid(await req("DELETE", `/api/v1/dags/${DAGS.mapped}/dagRuns/conformance_manual_1`), "delete", 204);
    expectProblem(await req("GET", `/api/v1/dags/${DAGS.mapped}/dagRuns/conformance_manual_1`, { auth: "read" }), 404);
  });
  step("GET /api/v1/eventLogs", "records the mutating calls: who, what, when", async () => {
    const r = expectValid(await req("GET", "/api/v1/eventLogs?limit=100&order_by=-when", { auth: "read" }), "after writes");
    const events = r.event_logs as Obj[];
    expect(events.length).toBeGreaterThan(0);
    expect(events.some((e) => /variables/.test(String(e.event)) && /^token:/.test(String(e.owner)))).toBe(true);
    for (const e of events) expect(e.when, JSON.stringify(e)).toBeTruthy();
  });
  step("DELETE /api/v1/dags/{dag_id}", "deletes a DAG's metadata", async () => {
    // The run queued on the paused DAG (above) is failed first: a DAG with queued or running runs may be refused (409).
    const queued = await req("PATCH", `/api/v1/dags/${DAGS.paused}/dagRuns/conformance_paused_run`, { body: { state: "failed" } });
    expect([200, 404], show(queued)).toContain(queued.status);
    const before = expectValid(await req("GET", `/api/v1/dags/${DAGS.paused}/dagRuns`, { auth: "read" }), "before delete");
    expect(before.total_entries, "the paused DAG has runs").toBeGreaterThan(0);
    expectValid(await req("DELETE", `/api/v1/dags/${DAGS.paused}`), "delete", 204);
    // The file is still in the folder, so the DAG processor may list the DAG again at once; its
    // runs, though, are gone either way.
    const after = await req("GET", `/api/v1/dags/${DAGS.paused}/dagRuns`, { auth: "read" });
    if (after.status === 404) expectProblem(after, 404);
    else expect(expectValid(after, "after delete").total_entries).toBe(0);
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

  it("every write route has a step here (else it is exercised by the error-path tests only)", () => {
    const stepped = new Set(["POST /api/v1/dags/{dag_id}/dagRuns", ...STEPPED]);
    const missing = routes.filter((r) => r.method !== "GET" && !stepped.has(r.key)).map((r) => r.key);
    if (missing.length) console.warn(`write routes without a happy-path step: ${missing.join(", ")}`);
    expect(missing).toEqual([]);
  });
});

const STEPPED = [
  "POST /api/v1/variables", "PATCH /api/v1/variables/{variable_key}", "DELETE /api/v1/variables/{variable_key}",
  "POST /api/v1/pools", "PATCH /api/v1/pools/{pool_name}", "DELETE /api/v1/pools/{pool_name}",
  "POST /api/v1/connections", "PATCH /api/v1/connections/{connection_id}", "DELETE /api/v1/connections/{connection_id}", "POST /api/v1/connections/test",
  "PATCH /api/v1/dags/{dag_id}", "DELETE /api/v1/dags/{dag_id}",
  "PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/setNote", "PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}",
  "POST /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/clear", "POST /api/v1/dags/{dag_id}/clearTaskInstances",
  "POST /api/v1/dags/{dag_id}/updateTaskInstancesState", "PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}",
  "PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}",
  "POST /api/v1/dags/~/dagRuns/list", "POST /api/v1/dags/~/dagRuns/~/taskInstances/list",
  "DELETE /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}",
  "POST /api/updraft/auth/login", "POST /api/updraft/auth/logout",
];

describe("overall", () => {
  it("no response of the whole suite was a 5xx", () => {
    const bad = server.responses.filter((r) => r.status >= 500).map((r) => `${r.method} ${r.path} → ${r.status}: ${r.text.slice(0, 300)}`);
    expect(bad).toEqual([]);
  });

  it("every 4xx of the whole suite was an RFC 7807 problem with the same status", () => {
    const bad = server.responses
      .filter((r) => r.status >= 400)
      .filter((r) => {
        const b = r.json as Obj | undefined;
        return !b || typeof b.type !== "string" || typeof b.title !== "string" || b.status !== r.status || typeof b.detail !== "string";
      })
      .map((r) => `${r.method} ${r.path} → ${r.status} ${r.contentType}: ${r.text.slice(0, 200)}`);
    expect(bad).toEqual([]);
  });

  it("/openapi.json documents every status the server answered", () => {
    const undocumented = new Set<string>();
    const templates = routes.map((r) => r.template);
    for (const res of server.responses) {
      const m = matchTemplate(templates, res.path.replace(/^\/api\/v1(?=\/)/, "/api/v1"));
      const route = m && routes.find((r) => r.template === m.template && r.method === res.method);
      if (!route) continue;
      const documented = Object.keys(route.op.responses ?? {});
      if (!documented.includes(String(res.status)) && !documented.includes("default")) undocumented.add(`${route.key} → ${res.status} (documents ${documented.join(", ")})`);
    }
    expect([...undocumented].sort()).toEqual([]);
  });

  it("the server stops on SIGTERM within the grace period", async () => {
    const r = await server.stop();
    expect(r, server.log().slice(-2000)).toMatchObject({ graceful: true, code: 0 });
    expect(r.ms).toBeLessThan(GRACE_MS);
  }, GRACE_MS + 10_000);
});

function writeSummary(): void {
  const failing = findings.filter((f) => f.check && !f.check.ok);
  const extras = new Map<string, Set<string>>();
  for (const f of findings) for (const x of f.check?.extraFields ?? []) {
    const key = f.check!.operation ?? f.route;
    if (!extras.has(key)) extras.set(key, new Set());
    extras.get(key)!.add(x.replace(/\/\d+(?=\/|$)/g, "/*"));
  }
  const file = join(tmpdir(), "updraft-api-conformance.json");
  const report = {
    routes: routes.map((r) => r.key),
    validated: [...new Set(findings.filter((f) => f.check).map((f) => f.check!.operation))].sort(),
    failures: failing.map((f) => ({ route: f.route, variant: f.variant, status: f.status, errors: f.check!.errors })),
    extraFields: Object.fromEntries([...extras].map(([k, v]) => [k, [...v].sort()])),
    responses: server.responses.length,
  };
  writeFileSync(file, JSON.stringify(report, null, 2));
  const lines = [
    `API conformance: ${report.routes.length} routes in /openapi.json, ${report.validated.length} Airflow operations validated, ${server.responses.length} requests; report in ${file}`,
    ...failing.map((f) => `  ✗ ${f.route} (${f.variant}) ${f.status}: ${f.check!.errors.join("; ")}`),
  ];
  if (extras.size) lines.push("  fields Airflow does not define (allowed):", ...[...extras].map(([k, v]) => `    ${k}: ${[...v].join(", ")}`));
  console.log(lines.join("\n"));
}
