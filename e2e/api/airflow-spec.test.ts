// The response validator itself: Airflow's document is loaded and converted, and it accepts what
// Airflow returns and rejects what it does not, naming the field and the rule.
import { describe, expect, it } from "vitest";
import { AirflowSpec, convertSchema, matchTemplate } from "./airflow-spec.ts";

const spec = AirflowSpec.load();

const goodDagRun = {
  dag_run_id: "manual__2026-01-01T00:00:00+00:00",
  dag_id: "etl",
  logical_date: "2026-01-01T00:00:00+00:00",
  execution_date: "2026-01-01T00:00:00+00:00",
  start_date: "2026-01-01T00:00:01.123+00:00",
  end_date: null,
  data_interval_start: "2026-01-01T00:00:00+00:00",
  data_interval_end: "2026-01-01T00:00:00+00:00",
  last_scheduling_decision: null,
  run_type: "manual",
  state: "running",
  external_trigger: true,
  conf: { region: "eu" },
  note: null,
};

const goodDag = {
  dag_id: "etl",
  dag_display_name: "etl",
  is_paused: false,
  is_active: true,
  fileloc: "/dags/etl.ts",
  file_token: "abc",
  owners: ["airflow"],
  description: null,
  schedule_interval: { __type: "CronExpression", value: "@daily" },
  tags: [{ name: "etl" }],
  next_dagrun: null,
  max_active_tasks: 16,
};

describe("Airflow's REST API document as a validator", () => {
  it("loads every operation of Airflow 2.10's document", () => {
    expect(spec.operations.length).toBeGreaterThan(80);
    expect(spec.operation("POST", "/dags/{dag_id}/dagRuns")?.operationId).toBe("post_dag_run");
    expect(spec.operation("GET", "/api/v1/dags/{dag_id}")?.operationId).toBe("get_dag");
  });

  it("matches concrete paths to the most specific template", () => {
    expect(spec.matchPath("/api/v1/dags/~/dagRuns/list")?.template).toBe("/dags/~/dagRuns/list");
    expect(spec.matchPath("/api/v1/dags/a%2Fb/dagRuns?limit=1")).toEqual({ template: "/dags/{dag_id}/dagRuns", params: { dag_id: "a/b" } });
    expect(spec.matchPath("/api/v1/dags/d/dagRuns/r/taskInstances/t/tries")?.template).toBe("/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/tries");
    expect(spec.matchPath("/api/v1/dags/d/dagRuns/r/taskInstances/t/2")?.params.map_index).toBe("2");
    expect(spec.matchPath("/api/v1/nowhere")).toBeNull();
    expect(matchTemplate(["/a/{x}", "/a/b"], "/api/v1/a/b")?.template).toBe("/a/b");
  });

  it("accepts a known-good DAG run (nullable fields, date-times with an offset, free-form conf)", () => {
    const r = spec.validateResponse({ method: "GET", path: "/api/v1/dags/etl/dagRuns/x", status: 200, body: goodDagRun });
    expect(r).toEqual({ ok: true, operation: "GET /dags/{dag_id}/dagRuns/{dag_run_id}", errors: [], extraFields: [] });
  });

  it("accepts a known-good collection (allOf with CollectionInfo) and a schedule by discriminator", () => {
    const r = spec.validateResponse({ method: "GET", path: "/api/v1/dags", status: 200, body: { dags: [goodDag, { ...goodDag, schedule_interval: { __type: "TimeDelta", days: 0, seconds: 3600, microseconds: 0 } }], total_entries: 2 } });
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it("rejects a known-bad DAG run, naming each field and rule", () => {
    const bad = { ...goodDagRun, state: "exploded", external_trigger: "yes", logical_date: "yesterday", conf: "{}" };
    const r = spec.validateResponse({ method: "GET", path: "/api/v1/dags/etl/dagRuns/x", status: 200, body: bad });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\/state: must be equal to one of the allowed values: \["queued","running","success","failed"(,null)?\], got "exploded"/),
      expect.stringMatching(/^\/external_trigger: must be boolean, got "yes"/),
      expect.stringMatching(/^\/logical_date: must match format "date-time", got "yesterday"/),
      expect.stringMatching(/^\/conf: must be object, got "\{\}"/),
    ]));
  });

  it("checks the discriminated branch only: a TimeDelta without its fields names them", () => {
    const r = spec.validateResponse({ method: "GET", path: "/api/v1/dags/etl", status: 200, body: { ...goodDag, schedule_interval: { __type: "TimeDelta", days: 1 } } });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual(expect.arrayContaining([expect.stringContaining("/schedule_interval: must have required property 'seconds'")]));
    const none = spec.validateResponse({ method: "GET", path: "/api/v1/dags/etl", status: 200, body: { ...goodDag, schedule_interval: null } });
    expect(none.errors).toEqual([]); // ScheduleInterval is nullable: null picks no branch
    const unknown = spec.validateResponse({ method: "GET", path: "/api/v1/dags/etl", status: 200, body: { ...goodDag, schedule_interval: { __type: "Cron", value: "@daily" } } });
    expect(unknown.errors.join("\n")).toContain("/schedule_interval/__type: must be equal to one of the allowed values");
  });

  it("rejects a write-only field in a response (a connection's password)", () => {
    const r = spec.validateResponse({ method: "GET", path: "/api/v1/connections/c", status: 200, body: { connection_id: "c", conn_type: "http", password: "hunter2" } });
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatch(/^\/password: must not be present \(writeOnly/);
  });

  it("reports fields Airflow does not define apart from errors", () => {
    const r = spec.validateResponse({ method: "GET", path: "/api/v1/dags/etl", status: 200, body: { ...goodDag, colour: "red", tags: [{ name: "a", weight: 1 }] } });
    expect(r.ok).toBe(true);
    expect(r.extraFields.sort()).toEqual(["/colour", "/tags/0/weight"]);
  });

  it("checks the status and the body of responses without content", () => {
    expect(spec.validateResponse({ method: "DELETE", path: "/api/v1/dags/etl", status: 204, body: undefined }).ok).toBe(true);
    const wrongStatus = spec.validateResponse({ method: "POST", path: "/api/v1/dags/etl/dagRuns", status: 201, body: goodDagRun });
    expect(wrongStatus.errors).toEqual(["status 201 is not documented for POST /dags/{dag_id}/dagRuns (documented: 200, 400, 401, 403, 404, 409)"]);
    expect(spec.validateResponse({ method: "DELETE", path: "/api/v1/dags/etl", status: 204, body: { deleted: true } }).ok).toBe(false);
  });

  it("validates RFC 7807 problem bodies against Airflow's Error schema", () => {
    expect(spec.validateComponent("Error", { type: "about:blank", title: "Not Found", status: 404, detail: "no such DAG" }).ok).toBe(true);
    const bad = spec.validateComponent("Error", { title: 404, status: "404" });
    expect(bad.ok).toBe(false);
    expect(bad.errors.join("\n")).toMatch(/must have required property 'type'[\s\S]*\/status: must be number/);
  });

  it("converts OpenAPI 3.0 nullable into JSON Schema types", () => {
    const ctx = { closed: false, closeHere: true, at: "t" };
    expect(convertSchema({ type: "string", nullable: true }, ctx)).toEqual({ type: ["string", "null"] });
    expect(convertSchema({ type: "string", enum: ["a"], nullable: true }, ctx)).toEqual({ type: ["string", "null"], enum: ["a", null] });
    expect(convertSchema({ $ref: "#/components/schemas/X", nullable: true }, ctx)).toEqual({ anyOf: [{ type: "null" }, { $ref: "https://updraft.invalid/airflow-rest-api-v1#/$defs/open__X" }] });
    expect(() => convertSchema({ type: "string", frobnicate: 1 }, ctx)).toThrow(/unsupported schema keyword "frobnicate"/);
  });
});
