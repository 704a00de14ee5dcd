// Test data for the task-view endpoints' tests: a real `:memory:` store with two DAG files parsed
// by the real DAG processor (the first one twice, so it has two versions), runs, instances, tries,
// XComs and a shell try's log written with drizzle and the scheduler's own log-line format.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { eq } from "drizzle-orm";
import {
  createToken, dagRun, dagVersion, migrateStore, openStore, taskInstance, taskInstanceHistory, xcom, type Store,
} from "@updraft/store";
import { DagProcessor, formatLogLine, taskLogPath } from "@updraft/scheduler";
import { createApiApp } from "../../app.ts";
import type { ApiApp } from "../../types.ts";

export const DAG = "views_demo";
export const OTHER = "views_other";

const dagFile = (extra: string) => `import { dag, task, shell, chain } from "@updraft/sdk";
const extract = task({ id: "extract", retries: 2, retryDelay: "5s", doc: "Pulls rows." }, () => [1, 2, 3]);
const double = task("double", (ctx, n: number) => n * 2);
export default dag({ id: "${DAG}", schedule: "@daily", startDate: "2026-01-01", params: { region: "eu" } }, () => {
  const say = shell("say", { command: "echo {{ ds }} {{ params.region }}", env: { TARGET: "{{ params.region }}/out", PLAIN: "yes" } });
  const rows = extract();
  chain(double.expand(rows), say);${extra}
});
`;
const OTHER_FILE = `import { dag, task } from "@updraft/sdk";
export default dag({ id: "${OTHER}" }, () => { task("solo", () => 1)(); });
`;

const utc = (d: string) => new Date(`${d}Z`);
export const RUN1 = "scheduled__2026-03-01T00:00:00+00:00";
export const RUN2 = "manual__2026-03-02T00:00:00+00:00";
export const RUN3 = "manual__2026-03-02T12:00:00+00:00";
export const BIG = "x".repeat(10_000);

export interface Fixture {
  app: ApiApp;
  store: Store;
  home: string;
  /** A read token for every DAG, and one restricted to OTHER. */
  read: string;
  restricted: string;
  versions: number[];
  close(): Promise<void>;
}

/** Builds the store, the app and the data. */
export async function makeFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-ui-views-"));
  const home = join(dir, "home");
  const dags = join(dir, "dags");
  await mkdir(dags, { recursive: true });
  await writeFile(join(dags, `${DAG}.ts`), dagFile(""));
  await writeFile(join(dags, `${OTHER}.ts`), OTHER_FILE);
  const store = await openStore({ url: ":memory:" });
  await migrateStore(store);
  const processor = new DagProcessor({ store, dagsFolder: dags, home });
  const check = (results: Array<{ error: string | null }>) => {
    const failed = results.filter((r) => r.error);
    if (failed.length) throw new Error(failed.map((r) => r.error).join("\n"));
  };
  check(await processor.processAll());
  await writeFile(join(dags, `${DAG}.ts`), dagFile("\n  // second version"));
  check(await processor.processAll());
  const versions = (await store.db.select({ id: dagVersion.id }).from(dagVersion).where(eq(dagVersion.dagId, DAG)).orderBy(dagVersion.id)).map((v) => v.id);
  if (versions.length !== 2) throw new Error(`expected two versions of ${DAG}, got ${versions.length}`);
  const [v1, v2] = versions as [number, number];

  await store.write(async (tx) => {
    await tx.insert(dagRun).values([
      { dagId: DAG, runId: RUN1, runType: "scheduled", state: "success", logicalDate: utc("2026-03-01T00:00:00"), startDate: utc("2026-03-02T00:00:01"), endDate: utc("2026-03-02T00:01:00"), dagVersionId: v1 },
      { dagId: DAG, runId: RUN2, runType: "manual", state: "failed", logicalDate: utc("2026-03-02T00:00:00"), startDate: utc("2026-03-02T00:00:00"), endDate: utc("2026-03-02T00:02:00"), dagVersionId: v2 },
      { dagId: DAG, runId: RUN3, runType: "manual", state: "running", logicalDate: utc("2026-03-02T12:00:00"), startDate: utc("2026-03-02T12:00:00"), dagVersionId: v2 },
      { dagId: OTHER, runId: RUN1, runType: "manual", state: "success", logicalDate: utc("2026-03-01T00:00:00") },
    ]);
    const ti = (runId: string, taskId: string, mapIndex: number, state: "success" | "failed" | "running" | null, start: string | null, end: string | null, extra: Partial<typeof taskInstance.$inferInsert> = {}) => ({
      dagId: DAG, runId, taskId, mapIndex, state, tryNumber: state ? 1 : 0, maxTries: 2,
      startDate: start ? utc(start) : null, endDate: end ? utc(end) : null,
      duration: start && end ? (utc(end).getTime() - utc(start).getTime()) / 1000 : null,
      queuedDttm: start ? new Date(utc(start).getTime() - 2_000) : null, operator: "task" as const, ...extra,
    });
    await tx.insert(taskInstance).values([
      ti(RUN1, "extract", -1, "success", "2026-03-02T00:00:02", "2026-03-02T00:00:12", { tryNumber: 2, hostname: "host-a" }),
      ti(RUN1, "double", 0, "success", "2026-03-02T00:00:13", "2026-03-02T00:00:15"),
      ti(RUN1, "double", 1, "success", "2026-03-02T00:00:13", "2026-03-02T00:00:20"),
      ti(RUN1, "double", 2, "success", "2026-03-02T00:00:14", "2026-03-02T00:00:17"),
      ti(RUN1, "say", -1, "success", "2026-03-02T00:00:21", "2026-03-02T00:00:22", { operator: "shell" }),
      ti(RUN2, "extract", -1, "failed", "2026-03-02T00:00:00", "2026-03-02T00:00:30"),
      ti(RUN2, "double", -1, null, null, null),
      ti(RUN3, "extract", -1, "running", "2026-03-02T12:00:01", null),
      ti(RUN3, "child", -1, "success", "2026-03-02T12:00:02", "2026-03-02T12:00:03", { parentTaskId: "extract", parentMapIndex: -1, submitSeq: 0 }),
      { ...ti(RUN1, "solo", -1, "success", "2026-03-01T00:00:01", "2026-03-01T00:00:02"), dagId: OTHER },
    ]);
    await tx.insert(taskInstanceHistory).values({
      dagId: DAG, runId: RUN1, taskId: "extract", mapIndex: -1, tryNumber: 1, state: "failed", hostname: "host-b", queue: "default",
      startDate: utc("2026-03-02T00:00:01"), endDate: utc("2026-03-02T00:00:02"), duration: 1, error: { name: "Error", message: "503 Service Unavailable" },
    });
    await tx.insert(xcom).values([
      { dagId: DAG, runId: RUN1, taskId: "extract", mapIndex: -1, key: "return_value", value: [1, 2, 3], timestamp: utc("2026-03-02T00:00:12") },
      { dagId: DAG, runId: RUN1, taskId: "extract", mapIndex: -1, key: "big", value: BIG, timestamp: utc("2026-03-02T00:00:12") },
    ]);
  });
  const log = taskLogPath(home, { dagId: DAG, runId: RUN1, taskId: "say", mapIndex: -1, tryNumber: 1 });
  await mkdir(dirname(log), { recursive: true });
  const at = Date.UTC(2026, 2, 2, 0, 0, 21);
  await writeFile(log, [
    { at, level: "info" as const, message: "Running command: echo 2026-03-01 eu" },
    { at, level: "info" as const, message: "2026-03-01 eu" },
    { at, level: "info" as const, message: "Command exited with return code 0" },
  ].map(formatLogLine).join(""));

  const read = (await createToken(store, { name: "read", scope: "read" })).token;
  const restricted = (await createToken(store, { name: "portal", scope: "read", dags: [OTHER] })).token;
  const app = createApiApp({ store, home, version: "test", trigger: () => Promise.reject(new Error("not in these tests")) });
  return {
    app, store, home, read, restricted, versions,
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** GETs a path with a bearer token; the JSON body and the status. */
export async function getJson(f: Fixture, path: string, token = f.read): Promise<{ status: number; body: any }> {
  const res = await f.app.request(path, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}
