// The DAG routes' additions: PATCH /dags by pattern (update_mask, scopes, a token's DAG
// restriction), the DAG fields made true (owners, timetable_description, next_dagrun*), and signed
// file tokens.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeExtrasFixture, type ExtrasFixture } from "./extras.fixture.ts";

let f: ExtrasFixture;
beforeEach(async () => {
  f = await makeExtrasFixture();
});
afterEach(() => f.close());

const paused = async () => Object.fromEntries(((await f.call("GET", "/api/v1/dags?only_active=false", f.tokens.read)).body.dags as Array<{ dag_id: string; is_paused: boolean }>).map((d) => [d.dag_id, d.is_paused]));

describe("PATCH /api/v1/dags", () => {
  it("pauses every DAG whose id contains the pattern, and answers them with the count", async () => {
    const r = await f.call("PATCH", "/api/v1/dags?dag_id_pattern=SALES&update_mask=is_paused", f.tokens.edit, { is_paused: true });
    expect(r.status).toBe(200);
    expect(r.body.total_entries).toBe(2);
    expect(r.body.dags.map((d: { dag_id: string; is_paused: boolean }) => [d.dag_id, d.is_paused])).toEqual([["sales_daily", true], ["sales_paused", true]]);
    expect(await paused()).toEqual({ finance: false, sales_daily: true, sales_paused: true });
  });

  it("takes ~ for every DAG, and pages with limit and offset", async () => {
    const r = await f.call("PATCH", "/api/v1/dags?dag_id_pattern=~&limit=1&offset=1", f.tokens.edit, { is_paused: true });
    expect(r.body).toMatchObject({ total_entries: 3, dags: [{ dag_id: "sales_daily", is_paused: true }] });
    expect(await paused()).toEqual({ finance: false, sales_daily: true, sales_paused: true });
    await f.call("PATCH", "/api/v1/dags?dag_id_pattern=~", f.tokens.edit, { is_paused: false });
    expect(await paused()).toEqual({ finance: false, sales_daily: false, sales_paused: false });
  });

  it("changes only the DAGs a restricted token may see", async () => {
    const r = await f.call("PATCH", "/api/v1/dags?dag_id_pattern=~", f.tokens.portal, { is_paused: true });
    expect(r.body.total_entries).toBe(2);
    expect(await paused()).toEqual({ finance: false, sales_daily: true, sales_paused: true });
  });

  it("refuses a field it cannot update, a missing pattern or body, and a token that may not edit", async () => {
    expect((await f.call("PATCH", "/api/v1/dags?dag_id_pattern=~&update_mask=description", f.tokens.edit, { is_paused: true })).body.detail).toMatch(/update_mask: "description"/);
    expect((await f.call("PATCH", "/api/v1/dags", f.tokens.edit, { is_paused: true })).body.detail).toMatch(/dag_id_pattern/);
    expect((await f.call("PATCH", "/api/v1/dags?dag_id_pattern=~", f.tokens.edit, { is_paused: "yes" })).status).toBe(400);
    expect((await f.call("PATCH", "/api/v1/dags?dag_id_pattern=~", f.tokens.trigger, { is_paused: true })).status).toBe(403);
    expect(await paused()).toEqual({ finance: false, sales_daily: false, sales_paused: true });
  });
});

describe("DAG fields", () => {
  it("lists owners from the tasks' owner (defaultArgs or the task), each once", async () => {
    expect((await f.call("GET", "/api/v1/dags/sales_daily", f.tokens.read)).body.owners).toEqual(["sales-team"]);
    expect((await f.call("GET", "/api/v1/dags/finance", f.tokens.read)).body.owners).toEqual(["fin", "audit"]);
    expect((await f.call("GET", "/api/v1/dags/sales_paused", f.tokens.read)).body.owners).toEqual(["airflow"]);
  });

  it("describes the schedule in words", async () => {
    const d = (id: string) => f.call("GET", `/api/v1/dags/${id}`, f.tokens.read).then((r) => r.body.timetable_description);
    expect(await d("sales_daily")).toBe("At 06:00");
    expect(await d("sales_paused")).toBe("Every 1h");
    expect(await d("finance")).toBe("Never, external triggers only");
  });

  it("gives the next scheduled run as the scheduler computes it, and none without a schedule", async () => {
    const d = (await f.call("GET", "/api/v1/dags/sales_daily/details", f.tokens.read)).body;
    const start = Date.parse(d.next_dagrun);
    expect(d.next_dagrun_data_interval_start).toBe(d.next_dagrun);
    expect(Date.parse(d.next_dagrun_data_interval_end) - start).toBe(24 * 3_600_000);
    expect(d.next_dagrun_create_after).toBe(d.next_dagrun_data_interval_end);
    expect(new Date(start).getUTCHours()).toBe(6);
    // catchup: false: the latest complete interval, after the last scheduled run's.
    expect(start).toBeGreaterThan(Date.UTC(2026, 0, 10, 6));
    const none = (await f.call("GET", "/api/v1/dags/finance", f.tokens.read)).body;
    expect([none.next_dagrun, none.next_dagrun_data_interval_start, none.next_dagrun_data_interval_end, none.next_dagrun_create_after]).toEqual([null, null, null, null]);
  });

  it("gives is_paused_upon_creation as the DAG file says it, and null when it says nothing", async () => {
    const d = (id: string) => f.call("GET", `/api/v1/dags/${id}/details`, f.tokens.read).then((r) => r.body.is_paused_upon_creation);
    expect(await d("sales_paused")).toBe(true);
    expect(await d("sales_daily")).toBeNull();
  });

  it("signs file tokens: a DAG's token reads its source; an altered or unsigned one is a 404", async () => {
    const token = (await f.call("GET", "/api/v1/dags/finance", f.tokens.read)).body.file_token as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect((await f.call("GET", `/api/v1/dagSources/${token}`, f.tokens.read)).body.content).toBe("// finance");
    const sales = Buffer.from("/dags/sales.ts").toString("base64url");
    expect((await f.call("GET", `/api/v1/dagSources/${sales}.${token.split(".")[1]}`, f.tokens.read)).status).toBe(404);
    expect((await f.call("GET", `/api/v1/dagSources/${sales}`, f.tokens.read)).status).toBe(404);
  });
});
