// Tests of the two lookups everything reads DAG structure through, and of the scheduler's health.
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { SerializedDag } from "@updraft/sdk";
import { currentDagVersion, runDagVersion } from "./dag-versions.ts";
import { latestSchedulerHeartbeat, schedulerHealthy, SCHEDULER_HEALTHY_MS } from "./scheduler-health.ts";
import { dag, dagVersion } from "./schema/dag.ts";
import { job } from "./schema/monitoring.ts";
import { testStores } from "./test-support.ts";
import type { Store } from "./open-store.ts";

const t = testStores();
afterEach(() => t.cleanup());

const serialized = (id: string, tasks: string[]) => ({ id, tasks: tasks.map((t) => ({ id: t })) }) as unknown as SerializedDag;

/** Two DAGs with the same version hashes: `a` (v1, then v2 current) and `b` (v1 current). */
async function seed(store: Store): Promise<{ v1: number; v2: number }> {
  return store.write(async (tx) => {
    await tx.insert(dag).values([{ dagId: "a", fileloc: "/dags/a.ts", versionHash: "v2" }, { dagId: "b", fileloc: "/dags/b.ts", versionHash: "v1" }]);
    const [one] = await tx.insert(dagVersion).values({ dagId: "a", versionHash: "v1", serialized: serialized("a", ["old"]), source: "", fileloc: "/dags/a.ts", createdAt: new Date(1) }).returning();
    const [two] = await tx.insert(dagVersion).values({ dagId: "a", versionHash: "v2", serialized: serialized("a", ["new"]), source: "", fileloc: "/dags/a.ts", createdAt: new Date(2) }).returning();
    await tx.insert(dagVersion).values({ dagId: "b", versionHash: "v1", serialized: serialized("b", ["other"]), source: "", fileloc: "/dags/b.ts", createdAt: new Date(3) });
    return { v1: one!.id, v2: two!.id };
  });
}

describe("currentDagVersion", () => {
  it("is the version the dag row names, of that DAG only, and null for an unknown or unparsed DAG", async () => {
    const store = await t.memory();
    const { v2 } = await seed(store);
    expect(await currentDagVersion(store, "a")).toMatchObject({ id: v2, versionHash: "v2", fileloc: "/dags/a.ts", serialized: { tasks: [{ id: "new" }] } });
    expect((await currentDagVersion(store, "b"))?.serialized.tasks).toEqual([{ id: "other" }]);
    expect(await currentDagVersion(store, "nope")).toBeNull();
    await store.write((tx) => tx.update(dag).set({ versionHash: null }).where(eq(dag.dagId, "b")));
    expect(await currentDagVersion(store, "b")).toBeNull();
  });
});

describe("runDagVersion", () => {
  it("is the version the run was created from, and the current one for a run that records none", async () => {
    const store = await t.memory();
    const { v1 } = await seed(store);
    expect((await runDagVersion(store, { dagId: "a", dagVersionId: v1 }))?.tasks).toEqual([{ id: "old" }]);
    expect((await runDagVersion(store, { dagId: "a", dagVersionId: null }))?.tasks).toEqual([{ id: "new" }]);
    expect(await runDagVersion(store, { dagId: "a", dagVersionId: 999 })).toBeNull();
  });
});

describe("the scheduler's health", () => {
  it("reads the newest heartbeat of a running scheduler, ignoring ended jobs and other job types", async () => {
    const store = await t.memory();
    expect(await latestSchedulerHeartbeat(store)).toBeNull();
    const at = (ms: number) => new Date(1_000_000 + ms);
    await store.write((tx) => tx.insert(job).values([
      { jobType: "scheduler", state: "running", latestHeartbeat: at(10) },
      { jobType: "scheduler", state: "running", latestHeartbeat: at(20) },
      { jobType: "scheduler", state: "running", latestHeartbeat: null },
      { jobType: "scheduler", state: "failed", latestHeartbeat: at(90) },
      { jobType: "triggerer", state: "running", latestHeartbeat: at(99) },
    ]));
    expect(await latestSchedulerHeartbeat(store)).toEqual(at(20));
  });

  it("counts a heartbeat as healthy for SCHEDULER_HEALTHY_MS", () => {
    const hb = new Date(5_000_000);
    expect(schedulerHealthy(hb, hb.getTime() + SCHEDULER_HEALTHY_MS - 1)).toBe(true);
    expect(schedulerHealthy(hb, hb.getTime() + SCHEDULER_HEALTHY_MS)).toBe(false);
    expect(schedulerHealthy(null)).toBe(false);
  });
});
