// Test data for the DAG list, home and details endpoints: a real `:memory:` store with DAG rows,
// versions serialized by the real SDK, runs, task instances and an import error, written with
// drizzle; the real app; a read token for every DAG and one restricted to `sales_*`.
import { createToken, dag, dagRun, dagVersion, importError, job, migrateStore, openStore, taskInstance, type Store } from "@updraft/store";
import { dag as defineDag, param, task, type ScheduleParser } from "@updraft/sdk";
import { createApiApp } from "../../app.ts";
import type { ApiApp, ApiDeps } from "../../types.ts";

const H = 3_600_000;
/** A fixed "now" an hour ago, so that every run is within the last 24 h. */
export const NOW = Date.now() - H;
const at = (hoursAgo: number) => new Date(NOW - hoursAgo * H);

export interface ListFixture {
  app: ApiApp;
  store: Store;
  read: string;
  /** Restricted to `sales_*`. */
  sales: string;
  close(): Promise<void>;
  /** The app over the same store with other dependencies (workers, a scheduler in process). */
  appWith(extra: Partial<ApiDeps>): ApiApp;
}

const noSchedule: ScheduleParser = () => null;

/** The DAGs: sales_daily (scheduled, runs), sales_hourly (paused), finance_100%_ok (odd id), marketing (no runs), gone (inactive). */
export async function makeListFixture(): Promise<ListFixture> {
  const store = await openStore({ url: ":memory:" });
  await migrateStore(store);
  const serialized = defineDag({
    id: "sales_daily",
    params: {
      region: param("eu", { enum: ["eu", "us"], description: "Which region", valuesDisplay: { eu: "Europe", us: "United States" } }),
      batch: param(500, { type: "integer", minimum: 1, maximum: 1000, title: "Batch size" }),
      dry_run: false,
      tables: ["a", "b"],
      extra: { k: 1 },
      when: null,
    },
    dagrunTimeout: "1h",
  }, () => void task("extract", () => 1)()).serialize(noSchedule);

  await store.write(async (tx) => {
    const base = { fileloc: "/dags/sales.ts", lastParsedTime: at(0), maxActiveRuns: 16, maxActiveTasks: 16 };
    await tx.insert(dag).values([
      { ...base, dagId: "sales_daily", tags: ["sales", "etl"], description: "Daily sales", scheduleInterval: "@daily", timetableDescription: "@daily", nextDagrun: at(-20), nextDagrunCreateAfter: at(-44), versionHash: "v1" },
      { ...base, dagId: "sales_hourly", tags: ["sales"], isPaused: true, scheduleInterval: "0 * * * *", timetableDescription: "0 * * * *", nextDagrun: at(-1) },
      { ...base, dagId: "finance_100%_ok", fileloc: "/dags/finance.ts", tags: ["finance", "etl"], scheduleInterval: "None", hasImportErrors: true },
      { ...base, dagId: "marketing", fileloc: "/dags/marketing.ts", tags: [], scheduleInterval: "every 5m" },
      { ...base, dagId: "gone", fileloc: "/dags/gone.ts", tags: ["old"], isActive: false },
    ]);
    await tx.insert(dagVersion).values({ dagId: "sales_daily", versionHash: "v1", serialized, source: "// source", fileloc: "/dags/sales.ts", createdAt: at(30) });
    // sales_daily: 20 runs an hour apart, the newest running, the one before failed, the rest success.
    const runs = Array.from({ length: 20 }, (_, i) => {
      const state = i === 0 ? "running" as const : i === 1 ? "failed" as const : "success" as const;
      return {
        dagId: "sales_daily", runId: `scheduled__${i}`, runType: "scheduled" as const, state, logicalDate: at(i + 1),
        startDate: at(i + 0.5), endDate: state === "running" ? null : new Date(at(i + 0.5).getTime() + (i + 1) * 1000),
      };
    });
    await tx.insert(dagRun).values([
      ...runs,
      { dagId: "sales_hourly", runId: "manual__1", runType: "manual", state: "success", logicalDate: at(3), startDate: at(3), endDate: at(2.9) },
      { dagId: "finance_100%_ok", runId: "manual__1", runType: "manual", state: "failed", logicalDate: at(2), startDate: at(2), endDate: at(1.9) },
      { dagId: "finance_100%_ok", runId: "manual__0", runType: "manual", state: "queued", logicalDate: at(4) },
    ]);
    await tx.insert(taskInstance).values([
      { dagId: "sales_daily", runId: "scheduled__1", taskId: "extract", state: "failed", tryNumber: 2, startDate: at(1.5), endDate: at(1.4) },
      { dagId: "sales_daily", runId: "scheduled__0", taskId: "extract", state: "running", tryNumber: 1, startDate: at(0.5) },
      { dagId: "sales_daily", runId: "scheduled__2", taskId: "extract", state: "success", tryNumber: 1, startDate: at(2.5), endDate: at(2.4) },
    ]);
    await tx.insert(importError).values([
      { filename: "/dags/finance.ts", stackTrace: "SyntaxError", timestamp: at(0) },
      { filename: "/dags/broken.ts", stackTrace: "SyntaxError", timestamp: at(0) },
    ]);
    await tx.insert(job).values({ jobType: "scheduler", state: "running", hostname: "h", pid: 1, startDate: at(5), latestHeartbeat: new Date() });
  });
  const read = (await createToken(store, { name: "read", scope: "read" })).token;
  const sales = (await createToken(store, { name: "portal", scope: "read", dags: ["sales_*"] })).token;
  const deps: ApiDeps = { store, home: "/nonexistent", version: "test", trigger: () => Promise.reject(new Error("not in these tests")) };
  return {
    app: createApiApp(deps), store, read, sales,
    appWith: (extra) => createApiApp({ ...deps, ...extra }),
    close: () => store.close(),
  };
}

/** GET with a bearer token; the body parsed. */
export async function getAs(app: ApiApp, path: string, token: string): Promise<{ status: number; body: any }> {
  const res = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}
