// Tests of the DAG-run queries behind `dags list-runs` and `dags state`, and of deleteDag.
import { afterEach, describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import type { SerializedDag } from "@updraft/sdk";
import { dagRunPages, findDagRunByLogicalDate, latestDagRun, listDagRunsPage } from "./dag-runs.ts";
import { deleteDag } from "./delete-dag.ts";
import { replaceImportError } from "./import-errors.ts";
import { recordEvent } from "./event-log.ts";
import { dag, dagVersion, importError } from "./schema/dag.ts";
import { dagRun } from "./schema/dag-run.ts";
import { eventLog } from "./schema/monitoring.ts";
import { taskInstance, taskInstanceHistory, xcom } from "./schema/task-instance.ts";
import { testStores } from "./test-support.ts";
import type { Store } from "./open-store.ts";

const t = testStores();
afterEach(() => t.cleanup());

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000);

async function seed(store: Store, dagId: string, runs: number, fileloc = `/dags/${dagId}.ts`): Promise<void> {
  await store.write(async (tx) => {
    await tx.insert(dag).values({ dagId, fileloc });
    await tx.insert(dagVersion).values({ dagId, versionHash: "v1", serialized: { id: dagId } as unknown as SerializedDag, source: "", fileloc, createdAt: new Date() });
    for (let i = 0; i < runs; i++) {
      const runType = i % 3 === 0 ? "backfill" : "scheduled";
      await tx.insert(dagRun).values({ dagId, runId: `${runType}__${i}`, runType, state: i % 2 ? "failed" : "success", logicalDate: day(i) });
      await tx.insert(taskInstance).values({ dagId, runId: `${runType}__${i}`, taskId: "a", state: "success", tryNumber: 1 });
      await tx.insert(taskInstanceHistory).values({ dagId, runId: `${runType}__${i}`, taskId: "a", tryNumber: 1, state: "success" });
      await tx.insert(xcom).values({ dagId, runId: `${runType}__${i}`, taskId: "a", key: "return_value", value: i, timestamp: new Date() });
    }
  });
}

describe("DAG runs a page at a time", () => {
  it("reads every run newest first across pages, with the filters of dags list-runs", async () => {
    const store = await t.memory();
    await seed(store, "d", 25);
    const seen: number[] = [];
    for await (const page of dagRunPages(store, { dagId: "d" }, 7)) {
      expect(page.length).toBeLessThanOrEqual(7);
      seen.push(...page.map((r) => r.logicalDate.getTime()));
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => day(24 - i).getTime()));

    const failed = await listDagRunsPage(store, { dagId: "d", states: ["failed"], noBackfill: true, from: day(2), to: day(10) });
    expect(failed.map((r) => r.runId)).toEqual(["scheduled__7", "scheduled__5"]);
  });

  it("finds the run of a logical date, or null", async () => {
    const store = await t.memory();
    await seed(store, "d", 3);
    expect((await findDagRunByLogicalDate(store, "d", day(1)))?.runId).toBe("scheduled__1");
    expect(await findDagRunByLogicalDate(store, "d", day(9))).toBeNull();
    expect((await latestDagRun(store, "d", ["backfill"]))?.runId).toBe("backfill__0");
    expect((await latestDagRun(store, "d", ["scheduled", "backfill"]))?.runId).toBe("scheduled__2");
    expect(await latestDagRun(store, "d", ["manual"])).toBeNull();
  });
});

describe("deleteDag", () => {
  it("removes the DAG's runs, task instances, tries, XComs, versions and import error, and keeps the event log", async () => {
    const store = await t.memory();
    await seed(store, "gone", 2, "/dags/gone.ts");
    await seed(store, "kept", 2);
    await replaceImportError(store, "/dags/gone.ts", "boom");
    await recordEvent(store, { event: "trigger", dagId: "gone" });
    // 2 runs × (run, ti, try, xcom) + version + dag + import error
    expect(await deleteDag(store, "gone")).toEqual({ status: "deleted", removed: 11 });
    for (const table of [dagRun, taskInstance, taskInstanceHistory, xcom, dagVersion, dag] as const) {
      const [{ n }] = (await store.db.select({ n: count() }).from(table).where(eq(table.dagId, "gone"))) as [{ n: number }];
      expect(n).toBe(0);
    }
    expect(await store.db.select().from(importError)).toEqual([]);
    expect((await store.db.select().from(eventLog)).map((e) => e.dagId)).toEqual(["gone"]);
    expect((await listDagRunsPage(store, { dagId: "kept" })).length).toBe(2);
  });

  it("refuses while a run is queued or running, and says when the DAG is unknown", async () => {
    const store = await t.memory();
    await seed(store, "busy", 1);
    await store.write((tx) => tx.insert(dagRun).values({ dagId: "busy", runId: "manual__x", runType: "manual", state: "running", logicalDate: day(5) }));
    expect(await deleteDag(store, "busy")).toEqual({ status: "active", activeRuns: 1 });
    expect(await deleteDag(store, "nope")).toEqual({ status: "unknown" });
  });
});
