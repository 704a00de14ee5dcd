// Task instances, their tries and logs, and XCom entries over real HTTP requests to the Hono
// app. The data is real: two DAG files parsed by the DAG processor and run by the scheduler in
// worker threads (a mapped task, a retried task, XComs, log files), on a libSQL file; plus one
// run written by hand whose instances have not started.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, dagRun, migrateStore, openStore, taskInstance, type Store, type TokenScope } from "@updraft/store";
import { DagProcessor, Scheduler, SchedulerTaskHost, TaskLogWriter } from "@updraft/scheduler";
import { ThreadsExecutor } from "@updraft/executor";
import { createApiApp } from "../app.ts";
import type { ApiApp } from "../types.ts";

const DAG_TI = `import { dag, task } from "@updraft/sdk";
const extract = task("extract", (ctx) => { ctx.log.info("extracting rows"); ctx.xcom.push("count", 3); return [1, 2, 3]; });
const double = task("double", (ctx, n: number) => { ctx.log.info(\`doubling \${n}\`); return { n, doubled: n * 2, label: "it's" }; });
const flaky = task({ id: "flaky", retries: 1, retryDelay: "100ms" }, (ctx) => {
  ctx.log.info(\`try \${ctx.tryNumber} starting\`);
  if (ctx.tryNumber === 1) throw new Error("first try fails");
  return "ok";
});
export default dag({ id: "api_ti" }, () => { double.expand(extract()); flaky(); });
`;
const DAG_OTHER = `import { dag, task } from "@updraft/sdk";
const solo = task("solo", (ctx) => { ctx.log.warn("solo ran"); return null; });
export default dag({ id: "api_other" }, () => { solo(); });
`;

const RUN1 = "manual__2026-03-01T00:00:00+00:00";
const RUN2 = "manual__2026-03-02T00:00:00+00:00";
const PENDING = "manual__pending";
const enc = encodeURIComponent;
/** The first run's logical date as the API writes dates (ISO, explicit offset). */
const MARCH_1 = expect.stringMatching(/^2026-03-01T00:00:00(\.000)?\+00:00$/);

/** Every field of the spec's TaskInstance, and only those. */
const TI_FIELDS = [
  "dag_id", "dag_run_id", "duration", "end_date", "execution_date", "executor", "executor_config", "hostname", "map_index", "max_tries",
  "note", "operator", "pid", "pool", "pool_slots", "priority_weight", "queue", "queued_when", "rendered_fields", "rendered_map_index",
  "sla_miss", "start_date", "state", "task_display_name", "task_id", "trigger", "triggerer_job", "try_number", "unixname",
].sort();

interface Reply {
  status: number;
  body: any;
  text: string;
  type: string | null;
}

let dir: string;
let store: Store;
let app: ApiApp;
const tokens = {} as Record<TokenScope, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-ti-api-"));
  const home = join(dir, "home");
  const dagsFolder = join(dir, "dags");
  await mkdir(dagsFolder, { recursive: true });
  await writeFile(join(dagsFolder, "api_ti.ts"), DAG_TI);
  await writeFile(join(dagsFolder, "api_other.ts"), DAG_OTHER);
  store = await openStore({ url: `file:${join(dir, "updraft.db")}` });
  await migrateStore(store);
  const results = await new DagProcessor({ store, dagsFolder, home }).processAll();
  const failed = results.filter((r) => r.error);
  if (failed.length) throw new Error(`DAG files failed to load: ${failed.map((r) => r.error).join("\n")}`);

  const logs = new TaskLogWriter();
  const host = new SchedulerTaskHost(store, logs);
  const executor = new ThreadsExecutor({ host, maxThreads: 2 });
  const errors: unknown[] = [];
  const scheduler = new Scheduler({ store, executor, host, logs, home, sweepMs: 100, scheduleRuns: false, onError: (e) => errors.push(e) });
  await executor.start();
  await scheduler.start();
  try {
    for (const [dagId, day] of [["api_ti", 1], ["api_ti", 2], ["api_other", 1]] as const) {
      const { runId } = await scheduler.triggerRun(dagId, { logicalDate: new Date(Date.UTC(2026, 2, day)) });
      await scheduler.waitForRun(dagId, runId);
    }
    await scheduler.flushed();
  } finally {
    await scheduler.stop(); // closes the log files too
  }
  if (errors.length) throw errors[0];

  // A run whose instances have not started: one queued (its first try has no log yet), one with no state.
  await store.write(async (tx) => {
    await tx.insert(dagRun).values({ dagId: "api_other", runId: PENDING, runType: "manual", state: "running", logicalDate: new Date(Date.UTC(2026, 2, 10)) });
    await tx.insert(taskInstance).values([
      { dagId: "api_other", runId: PENDING, taskId: "solo", state: "queued", tryNumber: 1, pool: "etl", queue: "remote", executor: "remote", queuedDttm: new Date() },
      { dagId: "api_other", runId: PENDING, taskId: "later", state: null, tryNumber: 0 },
    ]);
  });

  for (const scope of ["read", "worker"] as const) tokens[scope] = (await createToken(store, { name: `${scope}-token`, scope })).token;
  app = createApiApp({ store, home, version: "test", trigger: () => Promise.reject(new Error("not triggered in these tests")) });
}, 120_000);

afterAll(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function call(path: string, opts: { method?: string; token?: string | null; body?: unknown; accept?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? tokens.read : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.accept) headers.accept = opts.accept;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  }
  const res = await app.request(path.startsWith("/openapi") ? path : `/api/v1${path}`, { method: opts.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // text/plain
  }
  return { status: res.status, body: parsed, text, type: res.headers.get("content-type") };
}

function expectOk(r: Reply): any {
  expect(r.status, r.text).toBe(200);
  return r.body;
}

function expectProblem(r: Reply, status: number, detail: RegExp): void {
  expect(r.status, r.text).toBe(status);
  expect(r.type).toContain("application/problem+json");
  expect(r.body).toMatchObject({ status, title: expect.any(String), type: "about:blank" });
  expect(r.body.detail).toMatch(detail);
}

const tis = (dagId: string, runId: string, rest = "") => `/dags/${enc(dagId)}/dagRuns/${enc(runId)}/taskInstances${rest}`;
const ids = (body: any) => body.task_instances.map((t: any) => `${t.task_id}/${t.map_index}`);

describe("auth", () => {
  it("answers 401 without a token or with an unknown one, and 403 to a worker token", async () => {
    expectProblem(await call(tis("api_ti", RUN1), { token: null }), 401, /no credentials/);
    expectProblem(await call(tis("api_ti", RUN1, "/extract/logs/1"), { token: "updr_not-a-token" }), 401, /not valid/);
    expectProblem(await call("/dags/~/dagRuns/~/taskInstances/list", { token: null, body: {} }), 401, /no credentials/);
    expectProblem(await call(tis("api_ti", RUN1, "/extract/xcomEntries"), { token: tokens.worker }), 403, /"read" scope/);
  });
});

describe("GET …/taskInstances", () => {
  it("lists the instances of a run with every TaskInstance field", async () => {
    const body = expectOk(await call(tis("api_ti", RUN1)));
    expect(body.total_entries).toBe(5);
    expect(ids(body).sort()).toEqual(["double/0", "double/1", "double/2", "extract/-1", "flaky/-1"]);
    for (const t of body.task_instances) expect(Object.keys(t).sort()).toEqual(TI_FIELDS);
    const extract = body.task_instances.find((t: any) => t.task_id === "extract");
    expect(extract).toMatchObject({
      task_id: "extract", task_display_name: "extract", dag_id: "api_ti", dag_run_id: RUN1, execution_date: MARCH_1,
      state: "success", try_number: 1, map_index: -1, max_tries: 0, pool: "default_pool", pool_slots: 1, queue: "default",
      priority_weight: expect.any(Number), operator: "task", executor: "threads", executor_config: "{}", pid: null, sla_miss: null,
      rendered_map_index: null, rendered_fields: {}, trigger: null, triggerer_job: null, note: null,
      duration: expect.any(Number), hostname: expect.stringMatching(/.+/), unixname: expect.any(String),
    });
    expect(Date.parse(extract.end_date)).toBeGreaterThanOrEqual(Date.parse(extract.start_date));
    expect(extract.start_date).toMatch(/\+00:00$/);
  });

  it("lists every DAG and run with ~, and a run id across DAGs with ~ as the DAG", async () => {
    expect(expectOk(await call(tis("~", "~"))).total_entries).toBe(13);
    expect(expectOk(await call(tis("api_ti", "~"))).total_entries).toBe(10);
    expect(ids(expectOk(await call(tis("~", PENDING)))).sort()).toEqual(["later/-1", "solo/-1"]);
  });

  it("filters by state (repeatable, none for no state), pool, queue, executor, dates and duration", async () => {
    const q = async (query: string) => expectOk(await call(`${tis("~", "~")}?${query}`));
    expect((await q("state=queued")).task_instances.map((t: any) => [t.task_id, t.state])).toEqual([["solo", "queued"]]);
    expect((await q("state=none")).task_instances.map((t: any) => [t.task_id, t.state])).toEqual([["later", null]]);
    expect((await q("state=none&state=queued")).total_entries).toBe(2);
    expect((await q("state=success")).total_entries).toBe(11);
    expect((await q("pool=etl")).total_entries).toBe(1);
    expect((await q("pool=etl&pool=default_pool")).total_entries).toBe(13);
    expect((await q("queue=remote")).total_entries).toBe(1);
    expect((await q("executor=threads")).total_entries).toBe(11);
    expect((await q(`execution_date_gte=${enc("2026-03-02T00:00:00+00:00")}`)).total_entries).toBe(7);
    // A `+` the client forgot to encode arrives as a space: still read as the offset.
    expect((await q("execution_date_lte=2026-03-01T00:00:00+00:00")).total_entries).toBe(6);
    expect((await q("start_date_gte=2020-01-01T00:00:00Z&end_date_lte=2100-01-01T00:00:00Z")).total_entries).toBe(11);
    expect((await q("updated_at_gte=2100-01-01T00:00:00Z")).total_entries).toBe(0);
    expect((await q("duration_gte=0&duration_lte=3600")).total_entries).toBe(11);
    expect((await q("duration_gte=3600")).total_entries).toBe(0);
  });

  it("pages with limit and offset, total_entries counting every match, in the order asked for", async () => {
    const all = ids(expectOk(await call(`${tis("api_ti", RUN1)}?order_by=-map_index`)));
    expect(all.slice(0, 3)).toEqual(["double/2", "double/1", "double/0"]);
    const pageOne = expectOk(await call(`${tis("api_ti", RUN1)}?order_by=-map_index&limit=2`));
    const pageTwo = expectOk(await call(`${tis("api_ti", RUN1)}?order_by=-map_index&limit=2&offset=2`));
    expect(pageOne.total_entries).toBe(5);
    expect(pageTwo.total_entries).toBe(5);
    expect([...ids(pageOne), ...ids(pageTwo)]).toEqual(all.slice(0, 4));
    const byDuration = expectOk(await call(`${tis("api_ti", RUN1)}?order_by=duration`)).task_instances.map((t: any) => t.duration);
    expect(byDuration).toEqual([...byDuration].sort((a, b) => a - b));
  });

  it("answers 400 naming the parameter for bad query values", async () => {
    const bad = async (query: string, detail: RegExp) => expectProblem(await call(`${tis("api_ti", RUN1)}?${query}`), 400, detail);
    await bad("limit=0", /query\.limit/);
    await bad("limit=lots", /query\.limit/);
    await bad("limit=101", /query\.limit/);
    await bad("offset=-1", /query\.offset/);
    await bad("state=sleeping", /query\.state: "sleeping" is not a task state/);
    await bad("execution_date_gte=yesterday", /query\.execution_date_gte: "yesterday" is not an ISO 8601 date-time/);
    await bad("duration_lte=long", /query\.duration_lte: "long" is not a number/);
    await bad("order_by=colour", /order_by: "colour" is not a field/);
  });

  it("answers 404 naming the DAG or run that does not exist", async () => {
    expectProblem(await call(tis("nope", RUN1)), 404, /DAG with dag_id: 'nope' not found/);
    expectProblem(await call(tis("nope", "~")), 404, /DAG with dag_id: 'nope' not found/);
    expectProblem(await call(tis("api_ti", "manual__nope")), 404, /DagRun ID: 'manual__nope' not found/);
    expectProblem(await call(tis("~", "manual__nope")), 404, /DagRun ID: 'manual__nope' not found/);
  });
});

describe("GET one task instance", () => {
  it("gets an unmapped instance, and a mapped one by its map index", async () => {
    expect(expectOk(await call(tis("api_ti", RUN1, "/flaky")))).toMatchObject({ task_id: "flaky", map_index: -1, try_number: 2, max_tries: 1, state: "success" });
    const mapped = expectOk(await call(tis("api_ti", RUN1, "/double/1")));
    expect(Object.keys(mapped).sort()).toEqual(TI_FIELDS);
    expect(mapped).toMatchObject({ task_id: "double", map_index: 1, state: "success", dag_run_id: RUN1 });
    expect(expectOk(await call(tis("api_ti", RUN1, "/extract/-1")))).toMatchObject({ task_id: "extract", map_index: -1 });
    expect(expectOk(await call(tis("api_other", PENDING, "/later")))).toMatchObject({ state: null, try_number: 0, start_date: null, duration: null, hostname: "" });
  });

  it("answers 404 naming the task, the map index, or that the task is mapped", async () => {
    expectProblem(await call(tis("api_ti", RUN1, "/double")), 404, /'double' in DAG run .* is mapped: add the map_index/);
    expectProblem(await call(tis("api_ti", RUN1, "/double/7")), 404, /'double' with map_index 7 not found in DAG run .* \(map indexes 0\.\.2\)/);
    expectProblem(await call(tis("api_ti", RUN1, "/extract/0")), 404, /'extract' in DAG run .* is not mapped: there is no map_index 0/);
    expectProblem(await call(tis("api_ti", RUN1, "/transform")), 404, /Task with id 'transform' not found in DAG 'api_ti'/);
    expectProblem(await call(tis("api_ti", "manual__nope", "/extract")), 404, /DagRun ID: 'manual__nope' not found/);
    expectProblem(await call(tis("nope", RUN1, "/extract")), 404, /DAG with dag_id: 'nope' not found/);
    // A map index that is not a number is not this route: no 500, no 400 from the wrong route.
    expectProblem(await call(tis("api_ti", RUN1, "/double/first")), 404, /no route/);
  });
});

describe("GET …/{task_id}/listMapped", () => {
  it("lists the mapped instances, filtered, ordered and paged", async () => {
    const all = expectOk(await call(tis("api_ti", RUN1, "/double/listMapped")));
    expect(all.total_entries).toBe(3);
    expect(ids(all)).toEqual(["double/0", "double/1", "double/2"]);
    const page = expectOk(await call(tis("api_ti", RUN1, "/double/listMapped?order_by=-map_index&limit=2&offset=1")));
    expect([page.total_entries, ids(page)]).toEqual([3, ["double/1", "double/0"]]);
    expect(expectOk(await call(tis("api_ti", RUN1, "/double/listMapped?state=failed"))).total_entries).toBe(0);
  });

  it("answers 404 for a task that is not mapped or does not exist, 400 for bad filters", async () => {
    expectProblem(await call(tis("api_ti", RUN1, "/extract/listMapped")), 404, /'extract' in DAG 'api_ti' is not mapped/);
    expectProblem(await call(tis("api_ti", RUN1, "/transform/listMapped")), 404, /Task with id 'transform' not found/);
    expectProblem(await call(tis("api_ti", RUN1, "/double/listMapped?start_date_gte=soon")), 400, /query\.start_date_gte/);
  });
});

describe("tries", () => {
  it("lists every try of a retried task from its history, oldest first", async () => {
    const body = expectOk(await call(tis("api_ti", RUN1, "/flaky/tries")));
    expect(body.total_entries).toBe(2);
    expect(body.task_instances.map((t: any) => [t.try_number, t.state])).toEqual([[1, "failed"], [2, "success"]]);
    for (const t of body.task_instances) {
      expect(Object.keys(t).sort()).toEqual(TI_FIELDS);
      expect(t).toMatchObject({ task_id: "flaky", dag_run_id: RUN1, max_tries: 1, pool: "default_pool", operator: "task" });
    }
    expect(Date.parse(body.task_instances[1].start_date)).toBeGreaterThanOrEqual(Date.parse(body.task_instances[0].end_date));
    const desc = expectOk(await call(tis("api_ti", RUN1, "/flaky/tries?order_by=-try_number&limit=1")));
    expect([desc.total_entries, desc.task_instances.map((t: any) => t.try_number)]).toEqual([2, [2]]);
  });

  it("gets one try, of an unmapped and of a mapped instance", async () => {
    expect(expectOk(await call(tis("api_ti", RUN1, "/flaky/tries/1")))).toMatchObject({ try_number: 1, state: "failed" });
    expect(expectOk(await call(tis("api_ti", RUN1, "/double/2/tries")))).toMatchObject({ total_entries: 1, task_instances: [{ map_index: 2, try_number: 1, state: "success" }] });
    expect(expectOk(await call(tis("api_ti", RUN1, "/double/2/tries/1")))).toMatchObject({ map_index: 2, try_number: 1, state: "success" });
  });

  it("counts the current try before it has ended, and none for an instance that never ran", async () => {
    const queued = expectOk(await call(tis("api_other", PENDING, "/solo/tries")));
    expect(queued.task_instances.map((t: any) => [t.try_number, t.state])).toEqual([[1, "queued"]]);
    expect(expectOk(await call(tis("api_other", PENDING, "/later/tries")))).toEqual({ task_instances: [], total_entries: 0 });
  });

  it("answers 404 naming the try, 400 for a try number that is not one", async () => {
    expectProblem(await call(tis("api_ti", RUN1, "/flaky/tries/3")), 404, /'flaky' in DAG run .* has no try 3; its tries are 1, 2/);
    expectProblem(await call(tis("api_ti", RUN1, "/double/0/tries/2")), 404, /'double' \(map_index 0\) .* has no try 2/);
    expectProblem(await call(tis("api_ti", RUN1, "/double/tries")), 404, /is mapped/);
    expectProblem(await call(tis("api_ti", RUN1, "/flaky/tries/first")), 400, /param\.task_try_number/);
    expectProblem(await call(tis("api_ti", RUN1, "/flaky/tries/0")), 400, /param\.task_try_number/);
    expectProblem(await call(tis("api_ti", RUN1, "/flaky/tries?order_by=colour")), 400, /order_by: "colour"/);
  });
});

describe("logs", () => {
  const line = (level: string, message: string) => new RegExp(`^\\[\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\] ${level} - ${message}`, "m");

  it("returns a try's log as JSON with a continuation token, and as text when asked for", async () => {
    const first = expectOk(await call(tis("api_ti", RUN1, "/flaky/logs/1")));
    expect(Object.keys(first).sort()).toEqual(["content", "continuation_token"]);
    expect(first.content).toMatch(line("INFO", "try 1 starting"));
    expect(first.content).toMatch(/first try fails/);
    expect(first.content).not.toMatch(/try 2 starting/);
    const token = JSON.parse(Buffer.from(first.continuation_token, "base64url").toString("utf8"));
    expect(token).toEqual({ log_pos: Buffer.byteLength(first.content), end_of_log: true });

    const text = await call(tis("api_ti", RUN1, "/flaky/logs/2"), { accept: "text/plain" });
    expect(text.status).toBe(200);
    expect(text.type).toContain("text/plain");
    expect(text.text).toMatch(line("INFO", "try 2 starting"));
    expect((await call(tis("api_other", RUN1, "/solo/logs/1"), { accept: "text/plain, application/json;q=0.5" })).text).toMatch(line("WARN", "solo ran"));
    // JSON unless text/plain is preferred.
    expect((await call(tis("api_ti", RUN1, "/flaky/logs/2"), { accept: "*/*" })).type).toContain("application/json");
    expect((await call(tis("api_ti", RUN1, "/flaky/logs/2"), { accept: "application/json, text/plain" })).type).toContain("application/json");
  });

  it("continues from a token, and gives everything again with full_content", async () => {
    const first = expectOk(await call(tis("api_ti", RUN1, "/extract/logs/1")));
    expect(first.content).toMatch(line("INFO", "extracting rows"));
    const rest = expectOk(await call(tis("api_ti", RUN1, `/extract/logs/1?token=${first.continuation_token}`)));
    expect(rest.content).toBe("");
    expect(rest.continuation_token).toBe(first.continuation_token);
    const full = expectOk(await call(tis("api_ti", RUN1, `/extract/logs/1?token=${first.continuation_token}&full_content=true`)));
    expect(full.content).toBe(first.content);
  });

  it("reads the log of a mapped instance by map_index", async () => {
    expect(expectOk(await call(tis("api_ti", RUN1, "/double/logs/1?map_index=2"))).content).toMatch(line("INFO", "doubling 3"));
    expect((await call(tis("api_ti", RUN2, "/double/logs/1?map_index=0"), { accept: "text/plain" })).text).toMatch(line("INFO", "doubling 1"));
  });

  it("gives empty content for a try that has started but written no log yet", async () => {
    const body = expectOk(await call(tis("api_other", PENDING, "/solo/logs/1")));
    expect(body.content).toBe("");
    expect(JSON.parse(Buffer.from(body.continuation_token, "base64url").toString("utf8"))).toEqual({ log_pos: 0, end_of_log: false });
    const text = await call(tis("api_other", PENDING, "/solo/logs/1"), { accept: "text/plain" });
    expect([text.status, text.text]).toEqual([200, ""]);
  });

  it("answers 404 naming the missing try, task or instance, and 400 for bad parameters", async () => {
    expectProblem(await call(tis("api_ti", RUN1, "/flaky/logs/5")), 404, /has no try 5; its tries are 1, 2/);
    expectProblem(await call(tis("api_other", PENDING, "/later/logs/1")), 404, /'later' in DAG run .* has no try 1; it has not run yet/);
    expectProblem(await call(tis("api_ti", RUN1, "/double/logs/1")), 404, /is mapped/);
    expectProblem(await call(tis("api_ti", RUN1, "/double/logs/1?map_index=9")), 404, /map_index 9 not found/);
    expectProblem(await call(tis("api_ti", RUN1, "/transform/logs/1")), 404, /Task with id 'transform' not found/);
    expectProblem(await call(tis("api_ti", RUN1, "/flaky/logs/1?map_index=one")), 400, /query\.map_index/);
    expectProblem(await call(tis("api_ti", RUN1, "/flaky/logs/1?map_index=99999999999999999999")), 400, /query\.map_index/);
    expectProblem(await call(tis("api_ti", RUN1, "/flaky/logs/1?full_content=maybe")), 400, /query\.full_content/);
    expectProblem(await call(tis("api_ti", RUN1, "/flaky/logs/1?token=garbage")), 400, /token: not a continuation token/);
    expectProblem(await call(tis("api_ti", RUN1, "/flaky/logs/zero")), 400, /param\.task_try_number/);
  });
});

describe("POST /dags/~/dagRuns/~/taskInstances/list", () => {
  const list = (body: unknown, token?: string | null) => call("/dags/~/dagRuns/~/taskInstances/list", { body, token });

  it("lists across DAGs and runs with the form's filters and paging", async () => {
    expect(expectOk(await list({})).total_entries).toBe(13);
    expect(expectOk(await list({ dag_ids: ["api_ti"], task_ids: ["flaky"] })).task_instances.map((t: any) => t.dag_run_id)).toEqual([RUN1, RUN2]);
    expect(expectOk(await list({ dag_run_ids: [PENDING], state: [null] })).task_instances.map((t: any) => t.task_id)).toEqual(["later"]);
    expect(expectOk(await list({ state: ["none", "queued"] })).total_entries).toBe(2);
    expect(expectOk(await list({ pool: ["etl"], queue: ["remote"], executor: ["remote"] })).total_entries).toBe(1);
    expect(expectOk(await list({ execution_date_gte: "2026-03-02T00:00:00+00:00", execution_date_lte: "2026-03-02T00:00:00Z" })).total_entries).toBe(5);
    expect(expectOk(await list({ duration_gte: 3600 })).total_entries).toBe(0);
    const page = expectOk(await list({ dag_ids: ["api_ti"], order_by: "-map_index", page_limit: 2, page_offset: 1 }));
    expect([page.total_entries, ids(page)]).toEqual([10, ["double/2", "double/1"]]);
  });

  it("answers 400 naming the field for unknown fields, wrong types and bad JSON, and 401 without a token", async () => {
    expectProblem(await list({ dag_id: "api_ti" }), 400, /dag_id/);
    expectProblem(await list({ dag_ids: "api_ti" }), 400, /json\.dag_ids/);
    expectProblem(await list({ state: ["sleeping"] }), 400, /json\.state\.0/);
    expectProblem(await list({ page_limit: 0 }), 400, /json\.page_limit/);
    expectProblem(await list({ start_date_gte: "soon" }), 400, /json\.start_date_gte/);
    expectProblem(await list({ order_by: "colour" }), 400, /order_by: "colour"/);
    const broken = await list("{not json");
    expect(broken.status).toBe(400);
    expectProblem(await list({}, null), 401, /no credentials/);
  });
});

describe("XCom entries", () => {
  const xcoms = (dagId: string, runId: string, taskId: string, rest = "") => tis(dagId, runId, `/${enc(taskId)}/xcomEntries${rest}`);

  it("lists a task instance's entries without their values", async () => {
    const body = expectOk(await call(xcoms("api_ti", RUN1, "extract")));
    expect(body.total_entries).toBe(2);
    expect(body.xcom_entries).toEqual([
      { dag_id: "api_ti", execution_date: MARCH_1, key: "count", map_index: -1, task_id: "extract", timestamp: expect.stringMatching(/\+00:00$/) },
      { dag_id: "api_ti", execution_date: MARCH_1, key: "return_value", map_index: -1, task_id: "extract", timestamp: expect.any(String) },
    ]);
  });

  it("filters by map_index and xcom_key, and takes ~ for the DAG, run and task", async () => {
    expect(expectOk(await call(xcoms("api_ti", RUN1, "double"))).total_entries).toBe(3);
    expect(expectOk(await call(xcoms("api_ti", RUN1, "double", "?map_index=1"))).xcom_entries.map((x: any) => x.map_index)).toEqual([1]);
    expect(expectOk(await call(xcoms("api_ti", RUN1, "~", "?xcom_key=return_value"))).total_entries).toBe(5);
    expect(expectOk(await call(xcoms("~", "~", "~"))).total_entries).toBe(13);
    const paged = expectOk(await call(xcoms("~", "~", "~", "?limit=2&offset=12")));
    expect([paged.total_entries, paged.xcom_entries.length]).toEqual([13, 1]);
  });

  it("gets one entry, its value stringified as Airflow does, or as JSON", async () => {
    const entry = expectOk(await call(xcoms("api_ti", RUN1, "extract", "/return_value")));
    expect(entry).toMatchObject({ dag_id: "api_ti", task_id: "extract", key: "return_value", map_index: -1, value: "[1, 2, 3]" });
    expect(expectOk(await call(xcoms("api_ti", RUN1, "extract", "/return_value?deserialize=true"))).value).toEqual([1, 2, 3]);
    expect(expectOk(await call(xcoms("api_ti", RUN1, "extract", "/return_value?stringify=false"))).value).toEqual([1, 2, 3]);
    expect(expectOk(await call(xcoms("api_ti", RUN1, "extract", "/return_value?deserialize=true&stringify=true"))).value).toBe("[1, 2, 3]");
    expect(expectOk(await call(xcoms("api_ti", RUN1, "extract", "/count"))).value).toBe("3");
    const mapped = expectOk(await call(xcoms("api_ti", RUN1, "double", "/return_value?map_index=1")));
    expect(mapped).toMatchObject({ map_index: 1, value: `{'n': 2, 'doubled': 4, 'label': "it's"}` });
    expect(expectOk(await call(xcoms("api_ti", RUN1, "flaky", "/return_value"))).value).toBe("ok");
    expect(expectOk(await call(xcoms("api_other", RUN1, "solo", "/return_value?deserialize=true"))).value).toBeNull();
    expect(expectOk(await call(xcoms("api_other", RUN1, "solo", "/return_value"))).value).toBe("None");
  });

  it("answers 404 naming the key, task, instance or run, and 400 for bad parameters", async () => {
    expectProblem(await call(xcoms("api_ti", RUN1, "extract", "/nope")), 404, /XCom entry with key 'nope' not found for task 'extract'/);
    expectProblem(await call(xcoms("api_ti", RUN1, "double", "/return_value")), 404, /is mapped/);
    expectProblem(await call(xcoms("api_ti", RUN1, "double", "/return_value?map_index=5")), 404, /map_index 5 not found/);
    expectProblem(await call(xcoms("api_ti", RUN1, "transform")), 404, /Task with id 'transform' not found/);
    expectProblem(await call(xcoms("api_ti", "manual__nope", "extract", "/count")), 404, /DagRun ID: 'manual__nope' not found/);
    expectProblem(await call(xcoms("nope", "~", "~")), 404, /DAG with dag_id: 'nope' not found/);
    expectProblem(await call(xcoms("api_ti", RUN1, "double", "?map_index=first")), 400, /query\.map_index/);
    expectProblem(await call(xcoms("api_ti", RUN1, "extract", "/count?deserialize=maybe")), 400, /query\.deserialize/);
  });
});

describe("the OpenAPI document", () => {
  it("describes the task-instance and XCom routes with Airflow's paths", async () => {
    const doc = expectOk(await call("/openapi.json"));
    for (const path of [
      "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances", "/api/v1/dags/~/dagRuns/~/taskInstances/list",
      "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}",
      "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}/tries/{task_try_number}",
      "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{task_try_number}",
      "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries/{xcom_key}",
    ]) expect(Object.keys(doc.paths)).toContain(path);
  });
});
