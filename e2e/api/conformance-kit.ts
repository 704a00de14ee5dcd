// The shared setup of the API conformance suites (conformance-*.test.ts, one per resource): a real
// `updraft standalone` on 127.0.0.1 (server.ts) with fixtures made through the CLI (runs that
// succeeded, failed and ran a shell command; a variable, a connection, a pool, a user), the routes
// the server lists in its own /openapi.json, ids to call them with, request bodies generated from
// the server's schemas, and the assertions: a response validated against Airflow 2.10's document
// (airflow-spec.ts), an RFC 7807 problem. Each suite file that imports this module gets its own
// server (vitest isolates modules per file); `conformanceSuite(name)` stops it after the file and
// adds the checks every file makes of all its responses (no 5xx, problems, documented statuses).
//
// Data-driven: a route added to the server is covered by conformance-routes.test.ts's sweeps
// without touching these files; a write route also needs a happy-path step in the file of its
// resource, listed in STEPPED.
import { readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AirflowSpec, API_PREFIX, matchTemplate, type ResponseCheck } from "./airflow-spec.ts";
import { DAGS, GRACE_MS, startServer, type ApiResponse, type RequestOptions } from "./server.ts";

export type Obj = Record<string, any>;

export type { ApiResponse, RequestOptions };
export const spec = AirflowSpec.load();
/** The server of the suite file that imports this module; /api/v1/config is exposed, as an operator would to check it. */
export const server = await startServer({ env: { UPDRAFT_EXPOSE_CONFIG: "true" } });

// ---------------------------------------------------------------------------------------------
// Fixtures: runs that succeeded, failed and ran a shell command; a variable, a connection, a pool.

export const RUN = {
  mapped: "conformance_mapped_run",
  fails: "conformance_fails_run",
  shell: "conformance_shell_run",
};
export const VARIABLE = "conformance_var";
export const CONNECTION = "conformance_conn";
export const POOL = "conformance_pool";
/** A user made with `updraft users create` (role read = Viewer). */
export const USER = "conformance_fixture_user";

export async function fixture(args: string[], expectCode: number): Promise<void> {
  // Generous: on a loaded machine each CLI process takes seconds to start, and --wait lasts the whole run.
  const r = await server.cli(args, 300_000);
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
  fixture(["users", "create", USER, "--role", "read", "--password", "conformance user pw"], 0),
]);

// ---------------------------------------------------------------------------------------------
// The routes the server describes.

export interface Route {
  method: string;
  /** With the /api/v1 prefix, as /openapi.json lists it. */
  template: string;
  op: Obj;
  key: string;
}

const openapiRes = await server.request("GET", "/openapi.json");
if (openapiRes.status !== 200) throw new Error(`/openapi.json: ${openapiRes.status} ${openapiRes.text.slice(0, 500)}`);
export const openapi = openapiRes.json as Obj;
export const routes: Route[] = [];
for (const [template, item] of Object.entries(openapi.paths as Record<string, Obj>)) {
  for (const [method, op] of Object.entries(item)) {
    if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
    routes.push({ method: method.toUpperCase(), template, op: op as Obj, key: `${method.toUpperCase()} ${template}` });
  }
}
routes.sort((a, b) => a.template.localeCompare(b.template) || a.method.localeCompare(b.method));
export const listed = new Set(routes.map((r) => r.key));

export const airflowOp = (r: { method: string; template: string }) => (r.template.startsWith(`${API_PREFIX}/`) ? spec.operation(r.method, r.template) : undefined);
export const pathParams = (template: string) => [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
/** Routes that only read although they are POSTs (Airflow's batch list endpoints). */
export const readsOnly = (r: Route) => r.method === "GET" || /\/list$/.test(r.template);
/** Routes that declare `security: []` (health, the UI's login and logout) are public by design. */
export const isPublic = (r: Route) => Array.isArray(r.op.security) && r.op.security.length === 0;

// Ids the fixtures made that only the API can tell.
export async function firstId(path: string, field: string, listKey: string): Promise<string | undefined> {
  const r = await server.request("GET", path);
  const item = r.status === 200 ? (r.json as Obj)?.[listKey]?.[0] : undefined;
  return item?.[field] === undefined ? undefined : String(item[field]);
}
const dagRes = await server.request("GET", `/api/v1/dags/${DAGS.mapped}`);
const fileToken = String((dagRes.json as Obj | undefined)?.file_token ?? "bm8tZmlsZQ");

export const common: Record<string, string> = {
  file_token: fileToken,
  variable_key: VARIABLE,
  connection_id: CONNECTION,
  pool_name: POOL,
  import_error_id: (await firstId("/api/v1/importErrors", "import_error_id", "import_errors")) ?? "1",
  event_log_id: (await firstId("/api/v1/eventLogs", "event_log_id", "event_logs")) ?? "1",
  username: USER,
  role_name: "Viewer",
  section: "core",
  option: "executor",
  // A bundle the DAG processor stored (it also writes them to <home>/bundles/<hash>.mjs).
  hash: readdirSync(join(server.home, "bundles")).find((f) => f.endsWith(".mjs"))?.replace(/\.mjs$/, "") ?? "no-bundle",
};

/**
 * GET routes a read token may not call, with the scope they need: bundles are for workers; a
 * variable's value and connections need `edit`, as Airflow's Viewer reads neither.
 */
export const OWN_ROUTE_SCOPE: Record<string, "worker" | "edit" | "admin"> = {
  "GET /api/updraft/bundles/{hash}": "worker",
  "GET /api/v1/variables/{variable_key}": "edit",
  "GET /api/v1/connections": "edit",
  "GET /api/v1/connections/{connection_id}": "edit",
  "GET /api/v1/config": "admin",
  "GET /api/v1/config/section/{section}/option/{option}": "admin",
  "GET /api/v1/users": "admin",
  "GET /api/v1/users/{username}": "admin",
  "GET /api/v1/roles": "admin",
  "GET /api/v1/roles/{role_name}": "admin",
  "GET /api/v1/permissions": "admin",
};

/**
 * The query a route cannot be called without (Airflow's required query parameters), added to
 * every path the sweeps make for it. PATCH /dags names a pattern that matches no DAG, so that the
 * sweeps pause nothing.
 */
export const REQUIRED_QUERY: Record<string, string> = {
  "GET /api/v1/dagStats": `dag_ids=${encodeURIComponent("conformance_mapped,conformance_fails")}`,
  "PATCH /api/v1/dags": "dag_id_pattern=conformance_matches_no_dag",
};

/** A path with a query added (`?` or `&` as fits). */
export function addQuery(path: string, query: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}${query}`;
}

/** A path with the route's required query, if it has one (`?` or `&` as fits). */
export function withQuery(key: string, path: string): string {
  const q = REQUIRED_QUERY[key];
  return q ? addQuery(path, q) : path;
}

export interface IdContext {
  name: string;
  params: Record<string, string>;
  /** For templates with {map_index} and …/listMapped (and only those). */
  mapped: boolean;
}

/** A DAG's current stored version (the UI's source view names versions by id). */
export async function versionOf(dagId: string): Promise<string> {
  const r = await server.request("GET", `/api/updraft/ui/dags/${dagId}/versions`);
  const id = (r.json as Obj | undefined)?.versions?.[0]?.id;
  if (id === undefined) throw new Error(`no stored version of ${dagId}: ${r.status} ${r.text.slice(0, 200)}`);
  return String(id);
}
export const VERSION = { mapped: await versionOf(DAGS.mapped), fails: await versionOf(DAGS.fails), shell: await versionOf(DAGS.shell), paused: await versionOf(DAGS.paused) };

// Airflow's routes name a run dag_run_id; the UI's own routes (as Airflow 3's) name it run_id.
export const CONTEXTS: IdContext[] = [
  { name: "succeeded run, task collect", mapped: false, params: { dag_id: DAGS.mapped, dag_run_id: RUN.mapped, run_id: RUN.mapped, version_id: VERSION.mapped, task_id: "collect", task_try_number: "1", xcom_key: "return_value" } },
  { name: "mapped task double[1]", mapped: true, params: { dag_id: DAGS.mapped, dag_run_id: RUN.mapped, run_id: RUN.mapped, version_id: VERSION.mapped, task_id: "double", map_index: "1", task_try_number: "1", xcom_key: "return_value" } },
  { name: "failed run, failed task boom", mapped: false, params: { dag_id: DAGS.fails, dag_run_id: RUN.fails, run_id: RUN.fails, version_id: VERSION.fails, task_id: "boom", task_try_number: "1" } },
  { name: "failed run, upstream_failed task after", mapped: false, params: { dag_id: DAGS.fails, dag_run_id: RUN.fails, run_id: RUN.fails, version_id: VERSION.fails, task_id: "after" } },
  { name: "shell run, shell task hello", mapped: false, params: { dag_id: DAGS.shell, dag_run_id: RUN.shell, run_id: RUN.shell, version_id: VERSION.shell, task_id: "hello", task_try_number: "1", xcom_key: "return_value" } },
  { name: "paused DAG", mapped: false, params: { dag_id: DAGS.paused, version_id: VERSION.paused, task_id: "noop" } },
];

/** Paths where Updraft's own routes may be (probed: when one answers, /openapi.json must list it). */
export const OWN_ROUTE_PROBES = ["/api/updraft/events", "/api/updraft/workers", "/api/updraft/bundles", "/api/updraft/metrics", "/metrics", "/api/v1/workers"];

export const noRoute = (res: ApiResponse) => res.status === 404 && /no route/i.test(String((res.json as Obj | undefined)?.detail ?? ""));

export const isMappedTemplate = (t: string) => t.includes("{map_index}") || t.endsWith("/listMapped");

export function fill(template: string, params: Record<string, string>): string | null {
  let missing = false;
  const path = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = params[name] ?? common[name];
    if (v === undefined) missing = true;
    return encodeURIComponent(v ?? "");
  });
  return missing ? null : path;
}

/** Like fill, but a template with a parameter no id context knows is an error that says which. */
export function pathOf(template: string, params: Record<string, string>): string {
  const path = fill(template, params);
  if (path === null) {
    const missing = pathParams(template).filter((n) => params[n] === undefined && common[n] === undefined);
    throw new Error(`no id for {${missing.join("}, {")}} of ${template}: add one to CONTEXTS or common in ${import.meta.url.split("/").pop()}`);
  }
  return path;
}

/** Concrete paths for a template: one per id context that provides every parameter, deduplicated. */
export function pathsFor(template: string): Array<{ ctx: string; path: string }> {
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
export function writeParams(template: string): Record<string, string> {
  const ctx = isMappedTemplate(template) ? CONTEXTS[1]! : CONTEXTS[2]!;
  return { ...common, ...ctx.params };
}

// ---------------------------------------------------------------------------------------------
// Request bodies from the server's own schemas (with a few values that make sense to the route).

export function deref(schema: Obj | undefined): Obj | undefined {
  let s = schema;
  for (let i = 0; s && typeof s.$ref === "string" && i < 10; i++) {
    s = (s.$ref as string).replace(/^#\//, "").split("/").reduce<Obj | undefined>((acc, p) => acc?.[p], openapi);
  }
  return s;
}

export function bodySchema(r: Route): Obj | undefined {
  return deref(r.op.requestBody?.content?.["application/json"]?.schema);
}

export function bodyProperties(schema: Obj | undefined): Record<string, Obj> {
  const out: Record<string, Obj> = {};
  const s = deref(schema);
  if (!s) return out;
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Obj>)) out[k] = deref(v) ?? {};
  for (const sub of (s.allOf ?? []) as Obj[]) Object.assign(out, bodyProperties(sub));
  return out;
}

export function sampleValue(s: Obj | undefined, name: string): unknown {
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
export const SAMPLE_BODIES: Record<string, (p: Record<string, string>) => Obj> = {
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

export function sampleBody(r: Route, params: Record<string, string>): Obj | undefined {
  const schema = bodySchema(r);
  if (!schema) return undefined;
  const known = SAMPLE_BODIES[r.key];
  if (known) return known(params);
  const props = bodyProperties(schema);
  const body: Obj = {};
  for (const name of (schema.required ?? []) as string[]) body[name] = sampleValue(props[name], name);
  return body;
}

export function wrongValue(s: Obj): unknown {
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

export interface Finding {
  route: string;
  variant: string;
  status: number;
  check: ResponseCheck | null;
}
export const findings: Finding[] = [];

export function record(route: string, variant: string, res: ApiResponse): ResponseCheck | null {
  const op = spec.matchPath(res.path) && res.path.startsWith(API_PREFIX) ? spec.validateResponse({ method: res.method, path: res.path, status: res.status, body: res.json ?? (res.text === "" ? undefined : res.text), contentType: res.contentType }) : null;
  findings.push({ route, variant, status: res.status, check: op });
  return op;
}

export const show = (res: ApiResponse) => `${res.method} ${res.path} → ${res.status} ${res.contentType}\n${res.text.slice(0, 800)}`;

/** An RFC 7807 problem with this status (Airflow's `Error` schema), never a 5xx. */
export function expectProblem(res: ApiResponse, status: number | number[], detailMentions?: string): void {
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
export function expectValid(res: ApiResponse, variant: string, status: number | number[] = [200]): Obj {
  const check = record(`${res.method} ${spec.matchPath(res.path)?.template ?? res.path}`, variant, res);
  expect([status].flat(), show(res)).toContain(res.status);
  if (check) expect(check.errors, `${show(res)}\nagainst Airflow's ${check.operation}`).toEqual([]);
  return (res.json ?? {}) as Obj;
}

export const req = (method: string, path: string, opts?: RequestOptions) => server.request(method, path, opts);

export async function waitForRunState(dagId: string, runId: string, states: string[], timeoutMs = 60_000): Promise<Obj> {
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

export const T = 30_000;

// ---------------------------------------------------------------------------------------------

/** Resolves a `$ref` of Airflow's document. */
export function resolveAirflowRef(ref: string): Obj | undefined {
  return ref.replace(/^#\//, "").split("/").reduce<Obj | undefined>((acc, p) => acc?.[p], spec.doc);
}

/**
 * A happy-path step of a write route: skipped when the server does not list the route. Every
 * write route needs one, in the file of its resource, and its key in STEPPED.
 */
export const step = (key: string, name: string, fn: () => Promise<void>, timeout = 30_000) =>
  it(`${key}: ${name}`, async (c) => {
    if (!listed.has(key)) c.skip();
    await fn();
  }, timeout);

/** The write routes with a happy-path step, in the conformance file of their resource. */
export const STEPPED = [
  "POST /api/v1/dags/{dag_id}/dagRuns",
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
  // conformance-dags.test.ts
  "PATCH /api/v1/dags", "PUT /api/v1/parseDagFile/{file_token}",
  // conformance-runs.test.ts
  "PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/setNote",
  "PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}/setNote",
  // conformance-admin.test.ts
  "POST /api/v1/users", "PATCH /api/v1/users/{username}", "DELETE /api/v1/users/{username}",
];

/**
 * Registers what every conformance file ends with (call it last: tests run in the order they are
 * registered): the checks of all its responses and a graceful stop; then stops the server and
 * writes the file's report (tmpdir/updraft-api-conformance-<name>.json).
 */
export function conformanceSuite(name: string): void {
  afterAll(async () => {
    await server.stop();
    writeSummary(name);
  }, 30_000);
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
}

function writeSummary(name: string): void {
  const failing = findings.filter((f) => f.check && !f.check.ok);
  const extras = new Map<string, Set<string>>();
  for (const f of findings) for (const x of f.check?.extraFields ?? []) {
    const key = f.check!.operation ?? f.route;
    if (!extras.has(key)) extras.set(key, new Set());
    extras.get(key)!.add(x.replace(/\/\d+(?=\/|$)/g, "/*"));
  }
  const file = join(tmpdir(), `updraft-api-conformance-${name}.json`);
  const report = {
    routes: routes.map((r) => r.key),
    validated: [...new Set(findings.filter((f) => f.check).map((f) => f.check!.operation))].sort(),
    failures: failing.map((f) => ({ route: f.route, variant: f.variant, status: f.status, errors: f.check!.errors })),
    extraFields: Object.fromEntries([...extras].map(([k, v]) => [k, [...v].sort()])),
    responses: server.responses.length,
  };
  writeFileSync(file, JSON.stringify(report, null, 2));
  const lines = [
    `API conformance (${name}): ${report.routes.length} routes in /openapi.json, ${report.validated.length} Airflow operations validated, ${server.responses.length} requests; report in ${file}`,
    ...failing.map((f) => `  ✗ ${f.route} (${f.variant}) ${f.status}: ${f.check!.errors.join("; ")}`),
  ];
  if (extras.size) lines.push("  fields Airflow does not define (allowed):", ...[...extras].map(([k, v]) => `    ${k}: ${[...v].join(", ")}`));
  console.log(lines.join("\n"));
}
