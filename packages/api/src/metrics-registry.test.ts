// /metrics through a real scheduler: a DAG runs in worker threads on a libSQL file, and the
// scrape shows what it did (durations, queued times, commits, outcomes) beside Node's own metrics.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ThreadsExecutor } from "@updraft/executor";
import { DagProcessor, Scheduler, SchedulerTaskHost, TaskLogWriter } from "@updraft/scheduler";
import { createToken, migrateStore, openStore, type Store } from "@updraft/store";
import { createApiApp } from "./app.ts";
import type { ApiApp, ApiDeps } from "./types.ts";

const DAG = `import { dag, task } from "@updraft/sdk";
const ok = task("ok", () => 1);
const boom = task("boom", () => { throw new Error("boom"); });
export default dag({ id: "metered" }, () => { ok(); boom(); });
`;

describe("/metrics", () => {
  let dir = "";
  let store: Store;
  let scheduler: Scheduler;
  let deps: ApiDeps;
  let app: ApiApp;
  let read = "";

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "updraft-metrics-"));
    const home = join(dir, "home");
    const dagsFolder = join(dir, "dags");
    await mkdir(dagsFolder, { recursive: true });
    await writeFile(join(dagsFolder, "metered.ts"), DAG);
    store = await openStore({ url: `file:${join(dir, "updraft.db")}` });
    await migrateStore(store);
    await new DagProcessor({ store, dagsFolder, home }).processAll();
    const logs = new TaskLogWriter();
    const host = new SchedulerTaskHost(store, logs);
    const executor = new ThreadsExecutor({ host, maxThreads: 2 });
    scheduler = new Scheduler({ store, executor, host, logs, home, sweepMs: 100, scheduleRuns: false, onError: (e) => console.error(e) });
    deps = {
      store, home, version: "9.9.9-test",
      trigger: (dagId, req) => scheduler.triggerRun(dagId, req),
      events: { subscribe: (listener) => scheduler.onEvent((e) => void (e.type !== "dags" && listener(e))) },
      measures: { subscribe: (listener) => scheduler.onMeasure(listener) },
      metrics: () => ({ ...scheduler.stats(), executor: executor.stats() }),
    };
    app = createApiApp(deps);
    read = (await createToken(store, { name: "read", scope: "read" })).token;
    await executor.start();
    await scheduler.start();
    const { runId } = await scheduler.triggerRun("metered", { logicalDate: new Date(Date.UTC(2026, 2, 1)) });
    await scheduler.waitForRun("metered", runId);
    await scheduler.flushed();
  }, 120_000);

  afterAll(async () => {
    await scheduler?.stop();
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const scrape = async (a: ApiApp, token: string | null) => {
    const res = await a.request("/metrics", { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
  };
  const sample = (text: string, name: string) => {
    const line = text.split("\n").find((l) => l.startsWith(name));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
  };

  it("carries Node.js process metrics and the build info", async () => {
    const { status, type, text } = await scrape(app, read);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(text).toContain("# TYPE nodejs_eventloop_lag_seconds gauge");
    expect(text).toContain(`updraft_build_info{version="9.9.9-test",node_version="${process.versions.node}"} 1`);
  });

  it("has histograms of task duration by DAG and end state, and of queued time", async () => {
    const { text } = await scrape(app, read);
    expect(text).toContain("# TYPE updraft_task_duration_seconds histogram");
    expect(sample(text, 'updraft_task_duration_seconds_count{dag_id="metered",state="success"}')).toBe(1);
    expect(sample(text, 'updraft_task_duration_seconds_count{dag_id="metered",state="failed"}')).toBe(1);
    expect(sample(text, 'updraft_task_duration_seconds_bucket{le="+Inf",dag_id="metered",state="success"}')).toBe(1);
    expect(sample(text, 'updraft_task_queued_seconds_count{dag_id="metered"}')).toBe(2);
  });

  it("counts task outcomes by state, and has histograms of commit latency and event-loop lag", async () => {
    const { text } = await scrape(app, read);
    expect(sample(text, 'updraft_task_instance_outcomes_total{dag_id="metered",state="success"}')).toBe(1);
    expect(sample(text, 'updraft_task_instance_outcomes_total{dag_id="metered",state="failed"}')).toBe(1);
    expect(sample(text, "updraft_scheduler_commit_seconds_count")).toBeGreaterThan(0);
    expect(sample(text, "updraft_scheduler_commits_total")).toBe(sample(text, "updraft_scheduler_commit_seconds_count"));
    expect(text).toContain("# TYPE updraft_event_loop_lag_seconds histogram");
  });

  it("shows what is unfinished, and nothing of the finished history", async () => {
    const { text } = await scrape(app, read);
    expect(text).toContain("# TYPE updraft_task_instances_unfinished gauge");
    expect(sample(text, 'updraft_task_instances_unfinished{state="running"}')).toBe(0);
    // The finished run is not counted on a scrape: no series of it in the unfinished gauge.
    expect(text).not.toMatch(/updraft_dag_runs_unfinished\{[^}]*dag_id="metered"/);
  });

  it("needs a token unless made public", async () => {
    expect((await scrape(app, null)).status).toBe(401);
    const open = createApiApp({ ...deps, metricsPublic: true });
    const res = await scrape(open, null);
    expect(res.status).toBe(200);
    expect(res.text).toContain("updraft_build_info");
  });
});
