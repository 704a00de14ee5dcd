// params and --conf (Contract 2: conf overrides params), --logical-date, XCom push/pull,
// dependsOnPast on a first run.
import { describe, expect, it } from "vitest";
import { dagsTest, sortedTis, sortTis, ti, TEST_TIMEOUT, describe as show } from "./run-cli.ts";

describe("params and conf", () => {
  it("gives tasks the DAG's params when no conf is given", async () => {
    const r = await dagsTest("params_conf", { folder: "params", logicalDate: "2026-02-01" });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("show", "success", 1, { x: 1, region: "eu", conf: {}, ds: "2026-02-01" }),
      ti("show_shell", "success", 1, "1 eu 2026-02-01"),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("lets --conf override params of the same name and keeps the others", async () => {
    const r = await dagsTest("params_conf", { folder: "params", conf: { x: 2 }, logicalDate: "2026-02-01" });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("show", "success", 1, { x: 2, region: "eu", conf: { x: 2 }, ds: "2026-02-01" }),
      ti("show_shell", "success", 1, "2 eu 2026-02-01"),
    ]));
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("runs with --logical-date 2026-03-01 as ds 2026-03-01 and run id manual__2026-03-01T00:00:00+00:00", async () => {
    const r = await dagsTest("params_conf", { folder: "params", logicalDate: "2026-03-01" });
    expect(r.json?.run_id, show(r)).toBe("manual__2026-03-01T00:00:00+00:00");
    expect(sortedTis(r.json).find((t) => t.task_id === "show")?.return_value).toEqual({
      x: 1, region: "eu", conf: {}, ds: "2026-03-01",
    });
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);
});

describe("xcom", () => {
  it("pulls values pushed with ctx.xcom.push, the return_value, and nothing for an unknown key", async () => {
    const r = await dagsTest("xcom_push_pull", { folder: "xcom" });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("producer", "success", 1, "produced"),
      ti("consumer", "success", 1, { rows: [{ id: 1 }, { id: 2 }], count: 2, value: "produced", missing: null }),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);
});

describe("dependsOnPast", () => {
  it("runs a dependsOnPast task on the first run, which has no previous run", async () => {
    const r = await dagsTest("depends_on_past", { folder: "depends_on_past" });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("first", "success", 1, "first ran"),
      ti("second", "success", 1, "second ran"),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);
});
