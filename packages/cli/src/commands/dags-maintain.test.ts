// `dags details | delete | reserialize | report` against a real store and DAGs folder in a temp
// home, after a real run of an example DAG.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import { dag, dagRun, taskInstance, xcom } from "@updraft/store";
import { dagsDelete, dagsDetails, dagsReport, dagsReserialize } from "./dags-maintain.ts";
import { capture, verbsHome, type VerbsHome } from "./verbs-fixture.ts";

let home: VerbsHome;
beforeAll(async () => {
  home = await verbsHome();
}, 180_000);
afterAll(() => home?.cleanup());

const rows = async (table: typeof dagRun | typeof taskInstance | typeof xcom) =>
  ((await home.store.db.select({ n: count() }).from(table).where(eq(table.dagId, "etl"))) as [{ n: number }])[0].n;

describe("dags maintenance verbs", { timeout: 120_000 }, () => {
  it("prints a DAG's details as property rows, or as one object in JSON", async () => {
    const table = await capture(() => dagsDetails(home.config, "etl", "table"));
    expect(table.out.split("\n")[0]).toMatch(/^property_name +property_value$/);
    expect(table.out).toMatch(/\ndag_id +etl\n/);
    expect(table.out).toMatch(/\nschedule_interval +\{"__type":"CronExpression","value":"@daily"\}\n/);
    const json = JSON.parse((await capture(() => dagsDetails(home.config, "etl", "json"))).out) as Array<Record<string, unknown>>;
    expect(json).toHaveLength(1);
    // catchup from 2020-01-01 and no scheduled run yet: the first interval is next.
    expect(json[0]).toMatchObject({
      dag_id: "etl", is_paused: false, is_active: true, tags: [{ name: "t" }], owners: ["airflow"],
      next_dagrun: "2020-01-01T00:00:00+00:00", next_dagrun_data_interval_end: "2020-01-02T00:00:00+00:00",
    });
    await expect(dagsDetails(home.config, "nope", "json")).rejects.toMatchObject({ name: "NotFoundError" });
  });

  it("reports each file's parse time, DAG count, task count and DAG ids", async () => {
    const r = JSON.parse((await capture(() => dagsReport(home.config, "json"))).out) as Array<Record<string, unknown>>;
    expect(r.map((x) => [x.file, x.dag_num, x.task_num, x.dags]).sort()).toEqual([["/etl.ts", 1, 4, ["etl"]], ["/manual.ts", 1, 1, ["manual_only"]]]);
    for (const x of r) expect(x.duration).toMatch(/^0:00:\d\d\.\d{6}$/);
    const table = await capture(() => dagsReport(home.config, "table"));
    expect(table.out.split("\n")[0]).toMatch(/^file +duration +dag_num +task_num +dags$/);
    expect(table.out).toContain("['etl']");
  });

  it("reserializes every file of the folder", async () => {
    const r = await capture(() => dagsReserialize(home.config));
    expect(r.out).toContain("etl.ts: etl\n");
    expect(r.out).toContain("reserialized 2 DAG(s) from 2 file(s)\n");
  });

  it("asks before deleting, then removes the DAG's runs, instances and XComs; the next parse adds it back", async () => {
    await expect(dagsDelete(home.config, "etl", {})).rejects.toMatchObject({ name: "UsageError", message: expect.stringContaining("pass -y") });
    expect(await rows(dagRun)).toBe(1);
    const r = await capture(() => dagsDelete(home.config, "etl", { yes: true }));
    // 1 run, 4 instances, 4 tries, the XComs of extract and load, 1 version, the DAG.
    expect(r.out).toMatch(/^Removed \d+ record\(s\)\n$/);
    expect([await rows(dagRun), await rows(taskInstance), await rows(xcom)]).toEqual([0, 0, 0]);
    expect(await home.store.db.select().from(dag).where(eq(dag.dagId, "etl"))).toEqual([]);
    await expect(dagsDelete(home.config, "etl", { yes: true })).rejects.toMatchObject({ name: "NotFoundError", exitCode: 1 });
    await capture(() => dagsReserialize(home.config));
    expect((await home.store.db.select().from(dag).where(eq(dag.dagId, "etl"))).length).toBe(1);
  });
});
