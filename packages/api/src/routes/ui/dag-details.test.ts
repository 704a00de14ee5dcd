// GET /api/updraft/ui/dags/{dag_id}/details over the real app and a real :memory: store: the
// settings, the params as the trigger form reads them, the run picker's runs, and 404s.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAs, makeListFixture, type ListFixture } from "./dag-list.fixture.ts";

let f: ListFixture;
beforeAll(async () => {
  f = await makeListFixture();
});
afterAll(() => f?.close());

const details = (dagId: string, query = "", token = f.read) => getAs(f.app, `/api/updraft/ui/dags/${encodeURIComponent(dagId)}/details${query}`, token);

describe("the DAG details endpoint", () => {
  it("answers the DAG's settings, schedule and current version", async () => {
    const { status, body } = await details("sales_daily");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      dag_id: "sales_daily", description: "Daily sales", tags: ["sales", "etl"], is_paused: false, schedule_interval: "@daily",
      timezone: "UTC", catchup: false, dagrun_timeout: 3600, task_count: 1, active_runs: 1, max_active_runs: 16,
    });
    expect(body.version).toEqual({ id: expect.any(Number), version_hash: "v1", created_at: expect.stringMatching(/\+00:00$/) });
  });

  it("gives the params in their order: declared specs, and types read from plain defaults", async () => {
    const { body } = await details("sales_daily");
    expect(body.params).toEqual([
      { name: "region", default: "eu", title: null, description: "Which region", section: null, declared: true, schema: { enum: ["eu", "us"], values_display: { eu: "Europe", us: "United States" } } },
      { name: "batch", default: 500, title: "Batch size", description: null, section: null, declared: true, schema: { type: "integer", minimum: 1, maximum: 1000 } },
      { name: "dry_run", default: false, title: null, description: null, section: null, declared: false, schema: { type: "boolean" } },
      { name: "tables", default: ["a", "b"], title: null, description: null, section: null, declared: false, schema: { type: "array" } },
      { name: "extra", default: { k: 1 }, title: null, description: null, section: null, declared: false, schema: { type: "object" } },
      { name: "when", default: null, title: null, description: null, section: null, declared: false, schema: {} },
    ]);
  });

  it("lists the latest runs newest first, as many as asked", async () => {
    const { body } = await details("sales_daily");
    expect(body.runs).toHaveLength(20);
    expect(body.runs[0]).toMatchObject({ run_id: "scheduled__0", state: "running", run_type: "scheduled", end_date: null, note: null });
    expect((await details("sales_daily", "?runs=3")).body.runs.map((r: any) => r.run_id)).toEqual(["scheduled__0", "scheduled__1", "scheduled__2"]);
    expect((await details("sales_daily", "?runs=0")).body.runs).toEqual([]);
  });

  it("answers a DAG without a stored version with no params", async () => {
    const { body } = await details("marketing");
    expect(body).toMatchObject({ version: null, params: [], task_count: 0, runs: [] });
  });

  it("answers 404 for a DAG that does not exist or that the token may not see", async () => {
    const missing = await details("nope");
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toContain("nope");
    expect((await details("finance_100%_ok", "", f.sales)).status).toBe(404);
    expect((await details("sales_daily", "", f.sales)).status).toBe(200);
  });
});
