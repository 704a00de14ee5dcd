// GET /api/updraft/ui/dags/{dag_id}/calendar over the real app and a real :memory: store, and the
// planned-runs arithmetic.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAG, getJson, makeFixture, OTHER, RUN2, RUN3, type Fixture } from "./task-views.fixture.ts";
import { plannedPerDay } from "./calendar.ts";

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
}, 60_000);
afterAll(() => f?.close());

describe("the calendar endpoint", () => {
  it("counts a year's runs by state per UTC day, with the day's latest run", async () => {
    const { status, body } = await getJson(f, `/api/updraft/ui/dags/${DAG}/calendar?year=2026`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ dag_id: DAG, year: 2026, first_year: 2026, last_year: 2026 });
    const ran = body.days.filter((d: any) => d.total > 0);
    expect(ran).toEqual([
      { date: "2026-03-01", counts: { success: 1 }, total: 1, latest_run_id: expect.any(String), planned: 0 },
      { date: "2026-03-02", counts: { failed: 1, running: 1 }, total: 2, latest_run_id: RUN3, planned: 0 },
    ]);
    expect(RUN2 < RUN3).toBe(true);
  });

  it("has no runs in another year, and answers 400 for a year that is not one", async () => {
    const { body } = await getJson(f, `/api/updraft/ui/dags/${DAG}/calendar?year=2025`);
    expect(body.days.filter((d: any) => d.total > 0)).toEqual([]);
    expect((await getJson(f, `/api/updraft/ui/dags/${DAG}/calendar?year=26`)).status).toBe(400);
  });

  it("shows every day of next year as planned for a daily schedule, and no planned runs for a DAG without one", async () => {
    const next = new Date().getUTCFullYear() + 1;
    const daily = await getJson(f, `/api/updraft/ui/dags/${DAG}/calendar?year=${next}`);
    const leap = new Date(Date.UTC(next, 1, 29)).getUTCMonth() === 1;
    expect(daily.body.days.filter((d: any) => d.planned === 1)).toHaveLength(leap ? 366 : 365);
    const manual = await getJson(f, `/api/updraft/ui/dags/${OTHER}/calendar?year=${next}`);
    expect(manual.body.days).toEqual([]);
  });

  it("answers 404 for a DAG the token may not see", async () => {
    expect((await getJson(f, `/api/updraft/ui/dags/${DAG}/calendar`, f.restricted)).status).toBe(404);
    expect((await getJson(f, `/api/updraft/ui/dags/${OTHER}/calendar?year=2026`, f.restricted)).status).toBe(200);
  });
});

describe("planned runs", () => {
  const from = Date.UTC(2026, 0, 1);
  const to = Date.UTC(2027, 0, 1);
  it("counts an hourly schedule's runs per day from the next one on", () => {
    const days = plannedPerDay({ kind: "cron", expression: "0 * * * *", preset: "@hourly" }, new Date("2026-12-30T22:00:00Z"), from, to, null, "UTC");
    expect(Object.fromEntries(days)).toEqual({ "2026-12-30": 2, "2026-12-31": 24 });
  });
  it("stops at the DAG's end date, and counts a one-off run once", () => {
    const daily = plannedPerDay({ kind: "cron", expression: "0 0 * * *" }, new Date("2026-06-01T00:00:00Z"), from, to, new Date("2026-06-03T00:00:00Z"), "UTC");
    expect([...daily.keys()]).toEqual(["2026-06-01", "2026-06-02", "2026-06-03"]);
    expect(Object.fromEntries(plannedPerDay({ kind: "once" }, new Date("2026-06-01T05:00:00Z"), from, to, null, "UTC"))).toEqual({ "2026-06-01": 1 });
  });
});
