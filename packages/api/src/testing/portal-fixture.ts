// Test fixture of the DAG-restriction suites: real DAG files parsed by the DAG processor, one run
// of each executed by the scheduler in worker threads (a log, an XCom), import errors and event
// log entries, on a libSQL file; tokens restricted to `sales_*` and `finance_daily` (read and
// edit) and unrestricted ones; and the Hono app, its live events coming from the scheduler.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ThreadsExecutor } from "@updraft/executor";
import { DagProcessor, Scheduler, SchedulerTaskHost, TaskLogWriter } from "@updraft/scheduler";
import { createToken, dag, migrateStore, openStore, recordEvent, replaceImportError, type Store } from "@updraft/store";
import { createApiApp } from "../app.ts";
import type { ApiApp, ApiDeps } from "../types.ts";

/** The DAGs of the fixture: the portal tokens see the first two only. */
export const DAG_IDS = ["sales_daily", "finance_daily", "hr_payroll", "Sales_upper", "salesXreport", "finance_daily_v2"] as const;
export const VISIBLE = ["finance_daily", "sales_daily"];
export const PATTERNS = ["sales_*", "finance_daily"];
/** The run of every DAG but hr_payroll, whose run has its own id (no visible DAG has a run of that id). */
export const RUN = "manual__2026-03-01T00:00:00+00:00";
export const HR_RUN = "hr_only_run";

const dagFile = (id: string) => `import { dag, task } from "@updraft/sdk";
const work = task("work", (ctx) => { ctx.log.info("working for ${id}"); ctx.xcom.push("rows", 3); return 1; });
export default dag({ id: "${id}" }, () => { work(); });
`;

export interface PortalFixture {
  dir: string;
  store: Store;
  scheduler: Scheduler;
  app: ApiApp;
  tokens: { portalRead: string; portalEdit: string; read: string; admin: string };
  /** Each DAG's file (its `fileloc`). */
  files: Record<string, string>;
  /** A request with a bearer token; `body` makes it a JSON request. */
  call(path: string, token: string | null, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<Reply>;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  body: any;
  text: string;
}

/** Builds the fixture; `deps` adds to the app's dependencies (e.g. a workers gateway). */
export async function portalFixture(deps: Partial<ApiDeps> = {}): Promise<PortalFixture> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-portal-"));
  const home = join(dir, "home");
  const dagsFolder = join(dir, "dags");
  await mkdir(dagsFolder, { recursive: true });
  for (const id of DAG_IDS) await writeFile(join(dagsFolder, `${id}.ts`), dagFile(id));
  const store = await openStore({ url: `file:${join(dir, "updraft.db")}` });
  await migrateStore(store);
  const results = await new DagProcessor({ store, dagsFolder, home }).processAll();
  const failed = results.filter((r) => r.error);
  if (failed.length) throw new Error(`DAG files failed to load: ${failed.map((r) => r.error).join("\n")}`);
  const files = Object.fromEntries((await store.db.select({ id: dag.dagId, file: dag.fileloc }).from(dag)).map((r) => [r.id, r.file]));

  const logs = new TaskLogWriter();
  const host = new SchedulerTaskHost(store, logs);
  const executor = new ThreadsExecutor({ host, maxThreads: 2 });
  const scheduler = new Scheduler({ store, executor, host, logs, home, sweepMs: 100, scheduleRuns: false, onError: (e) => console.error(e) });
  await executor.start();
  await scheduler.start();
  for (const id of DAG_IDS) {
    const { runId } = await scheduler.triggerRun(id, { logicalDate: new Date(Date.UTC(2026, 2, 1)), ...(id === "hr_payroll" ? { runId: HR_RUN } : {}) });
    await scheduler.waitForRun(id, runId);
  }
  await scheduler.flushed();

  await replaceImportError(store, files.sales_daily!, "Error: sales_daily.ts broke");
  await replaceImportError(store, files.hr_payroll!, "Error: hr_payroll.ts broke");
  await replaceImportError(store, join(dagsFolder, "broken.ts"), "Error: broken.ts defines nothing");
  for (const dagId of ["sales_daily", "hr_payroll", null]) await recordEvent(store, { event: "fixture", dagId, owner: "test" });

  const tokens = {
    portalRead: (await createToken(store, { name: "portal", scope: "read", dags: PATTERNS })).token,
    portalEdit: (await createToken(store, { name: "portal-edit", scope: "edit", dags: PATTERNS })).token,
    read: (await createToken(store, { name: "read", scope: "read" })).token,
    admin: (await createToken(store, { name: "admin", scope: "admin" })).token,
  };
  const app = createApiApp({
    store, home, version: "test",
    trigger: (dagId, req) => scheduler.triggerRun(dagId, req),
    events: { subscribe: (listener) => scheduler.onEvent((e) => void (e.type !== "dags" && listener(e))) },
    ...deps,
  });

  const call: PortalFixture["call"] = async (path, token, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.body);
    }
    const res = await app.request(path, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, text };
  };

  return {
    dir, store, scheduler, app, tokens, files, call,
    async close() {
      await scheduler.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
