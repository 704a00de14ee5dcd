// GET /dagStats: runs by state for the DAGs asked, every state listed, unknown and hidden ids left out.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeExtrasFixture, type ExtrasFixture } from "./extras.fixture.ts";

let f: ExtrasFixture;
beforeEach(async () => {
  f = await makeExtrasFixture();
});
afterEach(() => f.close());

describe("GET /api/v1/dagStats", () => {
  it("counts each DAG's runs by state, with 0 for the states it has none of", async () => {
    const r = await f.call("GET", "/api/v1/dagStats?dag_ids=sales_daily,finance,no_such_dag", f.tokens.read);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      total_entries: 2,
      dags: [
        { dag_id: "sales_daily", stats: [{ state: "queued", count: 0 }, { state: "running", count: 1 }, { state: "success", count: 0 }, { state: "failed", count: 1 }] },
        { dag_id: "finance", stats: [{ state: "queued", count: 0 }, { state: "running", count: 0 }, { state: "success", count: 1 }, { state: "failed", count: 0 }] },
      ],
    });
  });

  it("leaves out DAGs a restricted token may not see, and needs dag_ids", async () => {
    expect((await f.call("GET", "/api/v1/dagStats?dag_ids=sales_daily,finance", f.tokens.portal)).body.dags.map((d: { dag_id: string }) => d.dag_id)).toEqual(["sales_daily"]);
    const missing = await f.call("GET", "/api/v1/dagStats", f.tokens.read);
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toMatch(/dag_ids/);
    expect((await f.call("GET", "/api/v1/dagStats?dag_ids=,", f.tokens.read)).status).toBe(400);
    expect((await f.call("GET", "/api/v1/dagStats?dag_ids=finance", null)).status).toBe(401);
  });
});
