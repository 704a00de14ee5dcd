// Tests of the schema's constraints and column modes: run uniqueness, cascades from runs to task
// instances and their XComs, timestamps as Dates, JSON columns.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { constraintViolation } from "./errors.ts";
import type { Store } from "./open-store.ts";
import { dag, dagVersion } from "./schema/dag.ts";
import { dagRun, type NewDagRun } from "./schema/dag-run.ts";
import { taskInstance, taskInstanceHistory, xcom } from "./schema/task-instance.ts";
import { testStores } from "./test-support.ts";

const t = testStores();
afterEach(() => t.cleanup());

const JAN_1 = new Date("2026-01-01T00:00:00Z");
const JAN_2 = new Date("2026-01-02T00:00:00Z");

function run(overrides: Partial<NewDagRun> = {}): NewDagRun {
  return { dagId: "daily_sales", runId: "scheduled__2026-01-01T00:00:00+00:00", runType: "scheduled", logicalDate: JAN_1, ...overrides };
}

/** The error `promise` rejects with, and the constraint it reports. */
async function failure(promise: Promise<unknown>): Promise<{ kind: string | null; message: string }> {
  const err = await promise.then(() => null, (e: unknown) => e);
  if (!(err instanceof Error)) throw new Error("expected the statement to fail");
  const cause = err.cause instanceof Error ? err.cause.message : err.message;
  return { kind: constraintViolation(err), message: cause };
}

async function insertRun(store: Store, values: NewDagRun): Promise<void> {
  await store.write((tx) => tx.insert(dagRun).values(values));
}

describe("dag_run", () => {
  it("refuses a second run with the same run_id in one DAG", async () => {
    const store = await t.memory();
    await insertRun(store, run());
    expect(await failure(insertRun(store, run({ logicalDate: JAN_2 })))).toEqual({
      kind: "unique",
      message: "SQLITE_CONSTRAINT: UNIQUE constraint failed: dag_run.dag_id, dag_run.run_id",
    });
  });

  it("refuses a second run for the same logical date in one DAG", async () => {
    const store = await t.memory();
    await insertRun(store, run());
    expect(await failure(insertRun(store, run({ runId: "manual__2026-01-01T00:00:00+00:00", runType: "manual" })))).toEqual({
      kind: "unique",
      message: "SQLITE_CONSTRAINT: UNIQUE constraint failed: dag_run.dag_id, dag_run.logical_date",
    });
  });

  it("allows the same run_id and logical date in another DAG", async () => {
    const store = await t.memory();
    await insertRun(store, run());
    await insertRun(store, run({ dagId: "hourly_sync" }));
    expect(await store.db.$count(dagRun)).toBe(2);
  });

  it("stores times as milliseconds and reads them back as Dates, with defaults filled", async () => {
    const store = await t.memory();
    await insertRun(store, run({ conf: { region: "eu", limit: 3 } }));
    const raw = await store.client.execute("SELECT logical_date, state, external_trigger, updated_at FROM dag_run");
    expect(raw.rows[0]?.["logical_date"]).toBe(JAN_1.getTime());
    expect(raw.rows[0]?.["state"]).toBe("queued");
    expect(raw.rows[0]?.["external_trigger"]).toBe(0);
    const [row] = await store.db.select().from(dagRun);
    expect(row?.logicalDate).toEqual(JAN_1);
    expect(row?.updatedAt).toBeInstanceOf(Date);
    expect(row?.conf).toEqual({ region: "eu", limit: 3 });
  });
});

describe("task_instance", () => {
  it("needs its run to exist", async () => {
    const store = await t.memory();
    const { kind } = await failure(
      store.write((tx) => tx.insert(taskInstance).values({ dagId: "daily_sales", runId: "nope", taskId: "extract" })),
    );
    expect(kind).toBe("foreign_key");
  });

  it("goes away with its run, together with its tries and XComs", async () => {
    const store = await t.memory();
    await insertRun(store, run());
    const key = { dagId: "daily_sales", runId: run().runId, taskId: "extract" };
    await store.write(async (tx) => {
      await tx.insert(taskInstance).values([{ ...key }, { ...key, mapIndex: 0, state: "success" }]);
      await tx.insert(taskInstanceHistory).values({ ...key, tryNumber: 1, state: "failed", error: { name: "Error", message: "boom" } });
      await tx.insert(xcom).values({ ...key, key: "return_value", value: [1, 2, 3], timestamp: JAN_1 });
    });
    const [ti] = await store.db.select().from(taskInstance).where(eq(taskInstance.mapIndex, -1));
    expect(ti).toMatchObject({ state: null, tryNumber: 0, queue: "default", pool: "default_pool", poolSlots: 1 });
    expect((await store.db.select().from(xcom))[0]?.value).toEqual([1, 2, 3]);
    expect((await store.db.select().from(taskInstanceHistory))[0]?.error).toEqual({ name: "Error", message: "boom" });

    await store.write((tx) => tx.delete(dagRun).where(eq(dagRun.dagId, "daily_sales")));
    expect(await store.db.$count(taskInstance)).toBe(0);
    expect(await store.db.$count(taskInstanceHistory)).toBe(0);
    expect(await store.db.$count(xcom)).toBe(0);
  });
});

describe("dag and dag_version", () => {
  it("keeps one row per version hash, and versions go away with their DAG", async () => {
    const store = await t.memory();
    await store.write(async (tx) => {
      await tx.insert(dag).values({ dagId: "daily_sales", fileloc: "dags/sales.ts", tags: ["etl"] });
      await tx.insert(dagVersion).values(version("v1"));
    });
    expect((await store.db.select().from(dag))[0]).toMatchObject({ isPaused: false, isActive: true, tags: ["etl"] });
    expect((await failure(store.write((tx) => tx.insert(dagVersion).values(version("v1"))))).kind).toBe("unique");
    await store.write((tx) => tx.delete(dag));
    expect(await store.db.$count(dagVersion)).toBe(0);
  });
});

function version(hash: string): typeof dagVersion.$inferInsert {
  return {
    dagId: "daily_sales",
    versionHash: hash,
    bundleHash: "b1",
    fileloc: "dags/sales.ts",
    source: "export default dag(…)",
    createdAt: JAN_1,
    serialized: {
      id: "daily_sales", schedule: { kind: "cron", expression: "0 0 * * *", preset: "@daily" }, startDate: null,
      endDate: null, catchup: false, maxActiveRuns: 1, maxActiveTasks: 16, dagrunTimeoutMs: null, params: {},
      tags: ["etl"], timezone: "UTC", description: null, tasks: [],
    },
  };
}
