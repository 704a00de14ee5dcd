// GET /api/updraft/ui/dags over the real app and a real :memory: store: paging, search, tags,
// status, order, the latest runs per DAG, and the DAG restriction of a portal token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAs, makeListFixture, type ListFixture } from "./dag-list.fixture.ts";

let f: ListFixture;
beforeAll(async () => {
  f = await makeListFixture();
});
afterAll(() => f?.close());

const list = async (query = "", token = f.read) => getAs(f.app, `/api/updraft/ui/dags${query}`, token);
const ids = (body: any) => body.dags.map((d: any) => d.dag_id);

describe("the DAG list endpoint", () => {
  it("lists the active DAGs by id with the total, every tag and the import errors' count", async () => {
    const { status, body } = await list();
    expect(status).toBe(200);
    expect(ids(body)).toEqual(["finance_100%_ok", "marketing", "sales_daily", "sales_hourly"]);
    expect(body.total_entries).toBe(4);
    expect(body.tags).toEqual(["etl", "finance", "sales"]);
    expect(body.import_errors).toBe(2);
  });

  it("gives each DAG its schedule, next run, last run and latest runs newest first, with durations", async () => {
    const { body } = await list("?search=sales_daily&runs=5");
    const d = body.dags[0];
    expect(d).toMatchObject({
      dag_id: "sales_daily", description: "Daily sales", tags: ["sales", "etl"], is_paused: false, has_import_errors: false,
      schedule_interval: "@daily", active_runs: 1, max_active_runs: 16,
    });
    expect(d.next_dagrun).toMatch(/\+00:00$/);
    expect(d.recent_runs.map((r: any) => r.run_id)).toEqual(["scheduled__0", "scheduled__1", "scheduled__2", "scheduled__3", "scheduled__4"]);
    expect(d.recent_runs.map((r: any) => r.state)).toEqual(["running", "failed", "success", "success", "success"]);
    expect(d.recent_runs.map((r: any) => r.duration)).toEqual([null, 2, 3, 4, 5]);
    expect(d.last_run).toEqual(d.recent_runs[0]);
    const defaults = await list("?search=sales_daily");
    expect(defaults.body.dags[0].recent_runs).toHaveLength(14);
    const none = await list("?search=marketing");
    expect(none.body.dags[0]).toMatchObject({ last_run: null, recent_runs: [], active_runs: 0 });
  });

  it("pages on the server", async () => {
    const first = await list("?limit=2");
    const second = await list("?limit=2&offset=2");
    expect(ids(first.body)).toEqual(["finance_100%_ok", "marketing"]);
    expect(ids(second.body)).toEqual(["sales_daily", "sales_hourly"]);
    expect(second.body.total_entries).toBe(4);
  });

  it("searches a part of the id case-insensitively, with % and _ taken literally", async () => {
    expect(ids((await list("?search=SALES")).body)).toEqual(["sales_daily", "sales_hourly"]);
    expect(ids((await list("?search=100%25")).body)).toEqual(["finance_100%_ok"]);
    expect(ids((await list("?search=%25_ok")).body)).toEqual(["finance_100%_ok"]);
    expect(ids((await list("?search=s_d")).body)).toEqual(["sales_daily"]);
    expect((await list("?search=_")).body.total_entries).toBe(3);
  });

  it("filters by tags, any of them or all of them", async () => {
    expect(ids((await list("?tags=etl")).body)).toEqual(["finance_100%_ok", "sales_daily"]);
    expect(ids((await list("?tags=finance&tags=sales")).body)).toEqual(["finance_100%_ok", "sales_daily", "sales_hourly"]);
    expect(ids((await list("?tags=etl,sales&tags_match_mode=all")).body)).toEqual(["sales_daily"]);
  });

  it("filters by paused or active, and by the state of the latest run", async () => {
    expect(ids((await list("?status=paused")).body)).toEqual(["sales_hourly"]);
    expect(ids((await list("?status=active")).body)).toEqual(["finance_100%_ok", "marketing", "sales_daily"]);
    expect(ids((await list("?status=failed")).body)).toEqual(["finance_100%_ok"]);
    expect(ids((await list("?status=running")).body)).toEqual(["sales_daily"]);
    expect(ids((await list("?status=success")).body)).toEqual(["sales_hourly"]);
    const bad = await list("?status=broken");
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain("status");
  });

  it("orders by next run (unscheduled last either way) and by the latest run's start", async () => {
    expect(ids((await list("?order_by=next_dagrun")).body)).toEqual(["sales_hourly", "sales_daily", "finance_100%_ok", "marketing"]);
    expect(ids((await list("?order_by=-next_dagrun")).body)).toEqual(["sales_daily", "sales_hourly", "finance_100%_ok", "marketing"]);
    expect(ids((await list("?order_by=-last_run_start_date")).body)).toEqual(["sales_daily", "finance_100%_ok", "sales_hourly", "marketing"]);
    expect(ids((await list("?order_by=-dag_id")).body)).toEqual(["sales_hourly", "sales_daily", "marketing", "finance_100%_ok"]);
    const bad = await list("?order_by=constructor");
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('order_by: "constructor"');
  });

  it("shows a DAG-restricted token only its DAGs, their tags, and the import errors of their files", async () => {
    const { body } = await list("", f.sales);
    expect(ids(body)).toEqual(["sales_daily", "sales_hourly"]);
    expect(body.total_entries).toBe(2);
    expect(body.tags).toEqual(["etl", "sales"]);
    expect(body.import_errors).toBe(0);
    expect((await list("?search=finance", f.sales)).body.total_entries).toBe(0);
  });

  it("is described in /openapi.json", async () => {
    const { body } = await getAs(f.app, "/openapi.json", f.read);
    expect(body.paths["/api/updraft/ui/dags"].get.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(["limit", "offset", "search", "tags", "tags_match_mode", "status", "order_by", "runs"]),
    );
  });
});
