// Test data for the routes of issue 10 item 7 (PATCH /dags, dagStats, task-instance notes,
// dependencies and links, config, users and roles, parseDagFile): a real libSQL file store in a
// temp home, DAG versions serialized by the real SDK with the scheduler's schedule parser, runs and
// task instances in several states, a token of every scope plus one restricted to `sales_*`, and
// the real app.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createToken, dag, dagRun, dagVersion, migrateStore, openStore, taskInstance, type Store, type TokenScope } from "@updraft/store";
import { chain, dag as defineDag, task } from "@updraft/sdk";
import { parseSchedule } from "@updraft/scheduler";
import { createApiApp } from "../app.ts";
import type { ApiApp, ApiDeps } from "../types.ts";

export interface ExtrasFixture {
  app: ApiApp;
  store: Store;
  home: string;
  tokens: Record<TokenScope | "portal", string>;
  /** A request with a token (or none), the JSON body parsed when there is one. */
  call(method: string, path: string, token: string | null, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  appWith(extra: Partial<ApiDeps>): ApiApp;
  close(): Promise<void>;
}

const H = 3_600_000;

/**
 * DAGs: `sales_daily` (daily at 06:00, owner "sales-team", extract → load, a running run whose
 * load waits on extract, and a failed run), `sales_paused` (paused, hourly, isPausedUponCreation:
 * true), `finance` (manual, two owners). Files: /dags/sales.ts, /dags/finance.ts.
 */
export async function makeExtrasFixture(): Promise<ExtrasFixture> {
  const home = await mkdtemp(join(tmpdir(), "updraft-api-extras-"));
  const store = await openStore({ url: `file:${join(home, "updraft.db")}` });
  await migrateStore(store);
  const parse = (raw: Parameters<typeof parseSchedule>[0], where: string) => parseSchedule(raw, where);
  const sales = defineDag({ id: "sales_daily", schedule: "0 6 * * *", startDate: "2026-01-01", catchup: false, defaultArgs: { owner: "sales-team" } }, () => {
    chain(task("extract", () => 1)(), task("load", () => 2)());
  }).serialize(parse);
  const paused = defineDag({ id: "sales_paused", schedule: { every: "1h" }, startDate: "2026-01-01", isPausedUponCreation: true }, () => void task("noop", () => 1)()).serialize(parse);
  const finance = defineDag({ id: "finance", schedule: null, defaultArgs: { owner: "fin" } }, () => {
    chain(task("a", () => 1)(), task({ id: "b", owner: "audit" }, () => 2)());
  }).serialize(parse);
  const now = Date.now();
  await store.write(async (tx) => {
    const row = { lastParsedTime: new Date(now), maxActiveRuns: 16, maxActiveTasks: 16 };
    await tx.insert(dag).values([
      { ...row, dagId: "sales_daily", fileloc: "/dags/sales.ts", versionHash: "s1", tags: ["sales"] },
      { ...row, dagId: "sales_paused", fileloc: "/dags/sales.ts", versionHash: "p1", isPaused: true, tags: ["sales"] },
      { ...row, dagId: "finance", fileloc: "/dags/finance.ts", versionHash: "f1", tags: ["finance"] },
    ]);
    await tx.insert(dagVersion).values([
      { dagId: "sales_daily", versionHash: "s1", serialized: sales, source: "// sales", fileloc: "/dags/sales.ts", createdAt: new Date(now) },
      { dagId: "sales_paused", versionHash: "p1", serialized: paused, source: "// sales", fileloc: "/dags/sales.ts", createdAt: new Date(now) },
      { dagId: "finance", versionHash: "f1", serialized: finance, source: "// finance", fileloc: "/dags/finance.ts", createdAt: new Date(now) },
    ]);
    const t = (h: number) => new Date(Date.UTC(2026, 0, 10, 6) + h * H);
    await tx.insert(dagRun).values([
      { dagId: "sales_daily", runId: "scheduled__1", runType: "scheduled", state: "running", logicalDate: t(0), dataIntervalStart: t(0), dataIntervalEnd: t(24), startDate: t(24) },
      { dagId: "sales_daily", runId: "scheduled__0", runType: "scheduled", state: "failed", logicalDate: t(-24), dataIntervalStart: t(-24), dataIntervalEnd: t(0), startDate: t(0), endDate: t(1) },
      { dagId: "finance", runId: "manual__1", runType: "manual", state: "success", logicalDate: t(2), startDate: t(2), endDate: t(3) },
    ]);
    await tx.insert(taskInstance).values([
      { dagId: "sales_daily", runId: "scheduled__1", taskId: "extract", state: "running", tryNumber: 1, startDate: t(24) },
      { dagId: "sales_daily", runId: "scheduled__1", taskId: "load", tryNumber: 0 },
      { dagId: "sales_daily", runId: "scheduled__0", taskId: "extract", state: "failed", tryNumber: 1 },
      { dagId: "sales_daily", runId: "scheduled__0", taskId: "load", state: "upstream_failed", tryNumber: 0 },
      { dagId: "finance", runId: "manual__1", taskId: "a", state: "success", tryNumber: 1 },
      { dagId: "finance", runId: "manual__1", taskId: "b", state: "success", tryNumber: 1 },
    ]);
  });
  const tokens = {} as Record<TokenScope | "portal", string>;
  for (const scope of ["read", "trigger", "edit", "admin", "worker"] as const) tokens[scope] = (await createToken(store, { name: scope, scope })).token;
  tokens.portal = (await createToken(store, { name: "portal", scope: "edit", dags: ["sales_*"] })).token;
  const deps: ApiDeps = { store, home, version: "test", trigger: () => Promise.reject(new Error("not in these tests")), secretKey: "extras-fixture-key" };
  const app = createApiApp(deps);
  return {
    app, store, home, tokens,
    appWith: (extra) => createApiApp({ ...deps, ...extra }),
    async call(method, path, token, body, headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (token) h.authorization = `Bearer ${token}`;
      if (body !== undefined) h["content-type"] = "application/json";
      const res = await app.request(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, headers: res.headers, text };
    },
    close: async () => {
      await store.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
