// GET /api/updraft/ui/home over the real app and a real :memory: store: health, 24 h counts by
// state, the latest failures, a real remote executor's workers, and a portal token's restriction.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, or } from "drizzle-orm";
import { dagRun, job } from "@updraft/store";
import { RemoteExecutor } from "@updraft/executor";
import { SchedulerTaskHost, TaskLogWriter } from "@updraft/scheduler";
import { PROTOCOL_VERSION } from "@updraft/worker";
import { getAs, makeListFixture, type ListFixture } from "./dag-list.fixture.ts";

let f: ListFixture;
let executor: RemoteExecutor;
beforeAll(async () => {
  f = await makeListFixture();
  executor = new RemoteExecutor({ host: new SchedulerTaskHost(f.store, new TaskLogWriter()) });
  await executor.start();
  const hello = (workerId: string, capacity: number, draining: boolean) => {
    const session = executor.connect({ send: () => undefined, close: () => undefined }, { address: "10.0.0.7", principal: "token:1" });
    session.receive(JSON.stringify({
      v: PROTOCOL_VERSION, type: "hello", workerId, name: workerId, hostname: `${workerId}.local`, pid: 7, version: "test",
      queues: ["gpu"], capacity, running: [], draining,
    }));
  };
  hello("w-1", 4, false);
  hello("w-2", 2, false);
  hello("w-3", 8, true);
});
afterAll(async () => {
  await executor?.stop({ graceful: false });
  await f?.close();
});

const home = (token = f.read, app = f.app) => getAs(app, "/api/updraft/ui/home", token);

describe("the home endpoint", () => {
  it("reports a scheduler with a fresh heartbeat as healthy, and the database", async () => {
    const { status, body } = await home();
    expect(status).toBe(200);
    expect(body.scheduler).toMatchObject({ status: "healthy", in_process: false });
    expect(Date.now() - Date.parse(body.scheduler.latest_heartbeat)).toBeLessThan(60_000);
    expect(body.metadatabase.status).toBe("healthy");
    expect(body.metadatabase.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it("reports a scheduler whose heartbeat is older than 30 s as unhealthy", async () => {
    await f.store.db.update(job).set({ latestHeartbeat: new Date(Date.now() - 31_000) }).where(eq(job.jobType, "scheduler"));
    try {
      expect((await home()).body.scheduler.status).toBe("unhealthy");
    } finally {
      await f.store.db.update(job).set({ latestHeartbeat: new Date() }).where(eq(job.jobType, "scheduler"));
    }
  });

  it("counts the DAGs, the import errors, and the runs and task instances of the last 24 h by state", async () => {
    const { body } = await home();
    expect(body.dags).toEqual({ total: 4, active: 3, paused: 1, import_errors: 2, failed: 1, running: 2 });
    expect(body.runs).toEqual({ counts: { running: 1, failed: 2, success: 19, queued: 1 }, total: 23 });
    expect(body.task_instances).toEqual({ counts: { failed: 1, running: 1, success: 1 }, total: 3 });
  });

  it("counts over another window when asked, and refuses one out of range naming the parameter", async () => {
    const old = and(eq(dagRun.dagId, "sales_hourly"), eq(dagRun.runId, "manual__1"));
    const queued = and(eq(dagRun.dagId, "finance_100%_ok"), eq(dagRun.runId, "manual__0"));
    await f.store.db.update(dagRun).set({ updatedAt: new Date(Date.now() - 5 * 3_600_000) }).where(or(old, queued));
    try {
      const { body } = await getAs(f.app, "/api/updraft/ui/home?hours=2", f.read);
      expect(body.hours).toBe(2);
      // The success that last changed 5 h ago is out; the queued run counts however long ago it changed.
      expect(body.runs).toEqual({ counts: { running: 1, failed: 2, success: 18, queued: 1 }, total: 22 });
      expect((await getAs(f.app, "/api/updraft/ui/home", f.read)).body.runs.total).toBe(23);
    } finally {
      await f.store.db.update(dagRun).set({ updatedAt: new Date() }).where(or(old, queued));
    }
    const bad = await getAs(f.app, "/api/updraft/ui/home?hours=0", f.read);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain("hours");
  });

  it("lists the latest failures: failed instances, and a failed run that has none on its own", async () => {
    const { body } = await home();
    expect(body.failures).toEqual([
      expect.objectContaining({ dag_id: "sales_daily", run_id: "scheduled__1", task_id: "extract", map_index: -1, try_number: 2 }),
      expect.objectContaining({ dag_id: "finance_100%_ok", run_id: "manual__1", task_id: null, map_index: -1, try_number: null }),
    ]);
    expect(body.failures[0].logical_date).toMatch(/\+00:00$/);
  });

  it("has no workers without a scheduler in process, and sums the remote workers' states and slots with one", async () => {
    expect((await home()).body.workers).toEqual({ remote: null, local: null });
    const { body } = await home(f.read, f.appWith({ workers: executor }));
    expect(body.workers.remote).toEqual({ online: 2, draining: 1, disconnected: 0, lost: 0, slots: 6, running: 0 });
  });

  it("counts only the DAGs a restricted token may see", async () => {
    const { body } = await home(f.sales);
    expect(body.dags).toEqual({ total: 2, active: 1, paused: 1, import_errors: 0, failed: 0, running: 1 });
    expect(body.runs.total).toBe(21);
    expect(body.failures.map((x: any) => x.dag_id)).toEqual(["sales_daily"]);
  });
});
