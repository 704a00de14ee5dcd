import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createToken, migrateStore, openStore, setVariable, type Store } from "@updraft/store";
import { DagProcessor, Scheduler, SchedulerTaskHost, TaskLogWriter } from "@updraft/scheduler";
import { ThreadsExecutor } from "@updraft/executor";
import { createApiApp } from "../app.ts";
import type { ApiApp } from "../types.ts";

const DAGS = {
  "slow.ts": `import { dag, task } from "@updraft/sdk";
export default dag({ id: "slow" }, () => {
  const wait = task("wait", (ctx) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))));
  const after = task("after", () => 1);
  after().after(wait());
});`,
  "gate.ts": `import { dag, task, FailTask } from "@updraft/sdk";
export default dag({ id: "gate" }, () => {
  const check = task("check", async (ctx) => {
    if ((await ctx.variables.get("open")) !== "yes") throw new FailTask("the gate is closed");
    return "passed";
  });
  const next = task("next", (_ctx, v: string) => v + "!");
  next(check());
});`,
};

interface Rig {
  app: ApiApp;
  store: Store;
  scheduler: Scheduler;
  auth: { Authorization: string };
  close(): Promise<void>;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

async function rig(): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-api-actions-"));
  await mkdir(join(dir, "dags"));
  for (const [name, text] of Object.entries(DAGS)) await writeFile(join(dir, "dags", name), text);
  const store = await openStore({ url: `file:${join(dir, "updraft.db")}`, secretKey: "test-secret-key-0123456789" });
  await migrateStore(store);
  for (const r of await new DagProcessor({ store, dagsFolder: join(dir, "dags"), home: dir }).processAll()) if (r.error) throw new Error(r.error);
  const logs = new TaskLogWriter();
  const host = new SchedulerTaskHost(store, logs);
  const executor = new ThreadsExecutor({ host, minThreads: 1, maxThreads: 2, timeoutGraceMs: 500 });
  const scheduler = new Scheduler({ store, executor, host, logs, home: dir, scheduleRuns: false, sweepMs: 100 });
  await executor.start();
  await scheduler.start();
  const { token } = await createToken(store, { name: "t", scope: "edit" });
  const app = createApiApp({ store, home: dir, version: "test", trigger: (d, req) => scheduler.triggerRun(d, req), runs: scheduler.commands });
  const r: Rig = {
    app, store, scheduler, auth: { Authorization: `Bearer ${token}` },
    async close() {
      await scheduler.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  rigs.push(r);
  return r;
}

const call = async (r: Rig, method: string, path: string, body?: unknown) => {
  const res = await r.app.request(path, { method, headers: { ...r.auth, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

async function untilState(r: Rig, dagId: string, runId: string, taskId: string, state: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const { body } = await call(r, "GET", `/api/v1/dags/${dagId}/dagRuns/${runId}`);
    void body;
    const rows = await r.store.client.execute({ sql: "select state from task_instance where dag_id = ? and run_id = ? and task_id = ?", args: [dagId, runId, taskId] });
    if (rows.rows[0]?.state === state) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`${taskId} never reached ${state}`);
}

describe("run actions over the API", { timeout: 60_000 }, () => {
  it("marks an active run failed: its running task fails and the rest are skipped", async () => {
    const r = await rig();
    const { body: run } = await call(r, "POST", "/api/v1/dags/slow/dagRuns", { dag_run_id: "r1" });
    await untilState(r, "slow", run.dag_run_id, "wait", "running");
    const res = await call(r, "PATCH", "/api/v1/dags/slow/dagRuns/r1", { state: "failed" });
    expect(res.status).toBe(200);
    expect(await r.scheduler.waitForRun("slow", "r1")).toBe("failed");
    const tis = await r.store.client.execute("select task_id, state from task_instance where run_id = 'r1' order by task_id");
    expect(tis.rows.map((t) => [t.task_id, t.state])).toEqual([["after", "skipped"], ["wait", "failed"]]);
  });

  it("clears a failed run so it runs again, and only the failed task instances by default", async () => {
    const r = await rig();
    await call(r, "POST", "/api/v1/dags/gate/dagRuns", { dag_run_id: "g1" });
    expect(await r.scheduler.waitForRun("gate", "g1")).toBe("failed");
    const dry = await call(r, "POST", "/api/v1/dags/gate/clearTaskInstances", { dag_run_id: "g1" });
    expect(dry.status).toBe(200);
    expect(dry.body.task_instances.map((t: { task_id: string }) => t.task_id).sort()).toEqual(["check", "next"]); // failed and upstream_failed
    await setVariable(r.store, "open", "yes");
    const cleared = await call(r, "POST", "/api/v1/dags/gate/clearTaskInstances", { dag_run_id: "g1", dry_run: false });
    expect(cleared.status).toBe(200);
    expect(await r.scheduler.waitForRun("gate", "g1")).toBe("success");
    const tis = await r.store.client.execute("select task_id, state, try_number, max_tries from task_instance where run_id = 'g1' order by task_id");
    expect(tis.rows.map((t) => [t.task_id, t.state, t.try_number])).toEqual([["check", "success", 2], ["next", "success", 1]]);
    const xcom = await call(r, "GET", "/api/v1/dags/gate/dagRuns/g1");
    expect(xcom.body.state).toBe("success");
  });

  it("marks a failed task of an ended run success, and the run is decided again", async () => {
    const r = await rig();
    await call(r, "POST", "/api/v1/dags/gate/dagRuns", { dag_run_id: "g2" });
    expect(await r.scheduler.waitForRun("gate", "g2")).toBe("failed");
    const res = await call(r, "POST", "/api/v1/dags/gate/updateTaskInstancesState", { dag_run_id: "g2", task_id: "check", include_downstream: true, new_state: "success", dry_run: false });
    expect(res.status).toBe(200);
    expect(res.body.task_instances.map((t: { task_id: string }) => t.task_id).sort()).toEqual(["check", "next"]);
    expect(await r.scheduler.waitForRun("gate", "g2")).toBe("success");
  });

  it("clears a whole run with POST …/clear and answers a dry run with the task instances it would clear", async () => {
    const r = await rig();
    await setVariable(r.store, "open", "yes");
    await call(r, "POST", "/api/v1/dags/gate/dagRuns", { dag_run_id: "g3" });
    expect(await r.scheduler.waitForRun("gate", "g3")).toBe("success");
    const dry = await call(r, "POST", "/api/v1/dags/gate/dagRuns/g3/clear", {});
    expect(dry.body.total_entries).toBe(2);
    const real = await call(r, "POST", "/api/v1/dags/gate/dagRuns/g3/clear", { dry_run: false });
    expect(real.body.state).toBe("queued");
    expect(await r.scheduler.waitForRun("gate", "g3")).toBe("success");
    const tis = await r.store.client.execute("select task_id, try_number from task_instance where run_id = 'g3' order by task_id");
    expect(tis.rows.map((t) => [t.task_id, t.try_number])).toEqual([["check", 2], ["next", 2]]);
  });

  it("deletes an active run: its running try is stopped and its rows are gone", async () => {
    const r = await rig();
    await call(r, "POST", "/api/v1/dags/slow/dagRuns", { dag_run_id: "d1" });
    await untilState(r, "slow", "d1", "wait", "running");
    const res = await r.app.request("/api/v1/dags/slow/dagRuns/d1", { method: "DELETE", headers: r.auth });
    expect(res.status).toBe(204);
    expect((await call(r, "GET", "/api/v1/dags/slow/dagRuns/d1")).status).toBe(404);
    const left = await r.store.client.execute("select count(*) as n from task_instance where run_id = 'd1'");
    expect(left.rows[0]!.n).toBe(0);
    // The scheduler goes on: another run of the same DAG starts and is marked failed normally.
    await call(r, "POST", "/api/v1/dags/slow/dagRuns", { dag_run_id: "d2" });
    await untilState(r, "slow", "d2", "wait", "running");
    await call(r, "PATCH", "/api/v1/dags/slow/dagRuns/d2", { state: "failed" });
    expect(await r.scheduler.waitForRun("slow", "d2")).toBe("failed");
    expect(r.scheduler.fatalError).toBeNull();
  });

  it("answers 400 naming the field for a bad state and 404 for an unknown run", async () => {
    const r = await rig();
    expect((await call(r, "PATCH", "/api/v1/dags/gate/dagRuns/nope", { state: "failed" })).status).toBe(404);
    const bad = await call(r, "PATCH", "/api/v1/dags/gate/dagRuns/nope", { state: "exploded" });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain("state");
    expect((await call(r, "POST", "/api/v1/dags/gate/clearTaskInstances", { task_ids: ["nope"] })).body.detail).toContain('dag "gate" has no task "nope"');
  });
});
