// The scheduler's side of TaskHost: what a running task may ask for (XComs, variables,
// connections, children started with ctx.submit) and where its log lines go. XComs of active runs are cached in memory, so
// resolving a reducer's 10,000 inputs costs no query.
import { and, asc, eq } from "drizzle-orm";
import { connectionFromEnv, toTaskConnection, type Json } from "@updraft/sdk";
import { xcom, getVariable, setVariable, getConnection, type Store } from "@updraft/store";
import type { ConnectionData, LogLine, SubmitRequest, SubmitResult, TaskHost } from "@updraft/worker";
import type { TaskLogWriter } from "./task-logs.ts";

type RunXcoms = Map<string, Map<number, Json>>;
const runKey = (dagId: string, runId: string) => `${dagId}\u0000${runId}`;
const taskKey = (taskId: string, key: string) => `${taskId}\u0000${key}`;

/** XComs of active runs, by run, task, key and map index: what resolving task arguments reads. */
export class XcomCache {
  private readonly runs = new Map<string, RunXcoms>();

  set(dagId: string, runId: string, taskId: string, mapIndex: number, key: string, value: Json): void {
    const rk = runKey(dagId, runId);
    let run = this.runs.get(rk);
    if (!run) this.runs.set(rk, (run = new Map()));
    const tk = taskKey(taskId, key);
    let byIndex = run.get(tk);
    if (!byIndex) run.set(tk, (byIndex = new Map()));
    byIndex.set(mapIndex, value);
  }

  clear(dagId: string, runId: string, taskId: string, mapIndex: number): void {
    const run = this.runs.get(runKey(dagId, runId));
    if (!run) return;
    for (const [k, byIndex] of run) if (k.startsWith(`${taskId}\u0000`)) byIndex.delete(mapIndex);
  }

  dropRun(dagId: string, runId: string): void {
    this.runs.delete(runKey(dagId, runId));
  }

  /** The value of an unmapped task, or the values of a mapped one in map-index order. */
  get(dagId: string, runId: string, taskId: string, key: string, mapped: boolean): Json | undefined {
    const byIndex = this.runs.get(runKey(dagId, runId))?.get(taskKey(taskId, key));
    if (!byIndex) return mapped ? [] : undefined;
    if (!mapped) return byIndex.get(-1);
    return [...byIndex.entries()].filter(([i]) => i >= 0).sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }

  /** The value one instance pushed under `key`. */
  getOne(dagId: string, runId: string, taskId: string, mapIndex: number, key: string): Json | undefined {
    return this.runs.get(runKey(dagId, runId))?.get(taskKey(taskId, key))?.get(mapIndex);
  }

  has(dagId: string, runId: string): boolean {
    return this.runs.has(runKey(dagId, runId));
  }
}

/**
 * The TaskHost of tries run by this process's executors: XComs (cached for active runs, else
 * from the store), variables and connections (UPDRAFT_CONN_<ID> in this process's environment
 * first, as Airflow's secrets backends are searched, then the store, decrypted), and log lines
 * (to the log files).
 * @example const host = new SchedulerTaskHost(store, new TaskLogWriter());
 */
export class SchedulerTaskHost implements TaskHost {
  readonly xcoms = new XcomCache();
  private readonly store: Store;
  private readonly logs: TaskLogWriter;
  private readonly env: Record<string, string | undefined>;
  private submitter: ((req: SubmitRequest) => Promise<SubmitResult>) | null = null;

  constructor(store: Store, logs: TaskLogWriter, env: Record<string, string | undefined> = process.env) {
    this.store = store;
    this.logs = logs;
    this.env = env;
  }

  /** The scheduler that owns the runs answers `submit`; it attaches itself here when it is built. */
  attachSubmitter(submitter: (req: SubmitRequest) => Promise<SubmitResult>): void {
    this.submitter = submitter;
  }

  async submit(req: SubmitRequest): Promise<SubmitResult> {
    if (!this.submitter) {
      return { ok: false, error: { name: "SubmitError", message: `ctx.submit from ${req.key}: no scheduler in this process runs it` } };
    }
    return this.submitter(req);
  }

  async xcomPull(q: { dagId: string; runId: string; taskId: string; key: string; mapIndex: number | null }): Promise<Json | undefined> {
    if (this.xcoms.has(q.dagId, q.runId)) {
      const single = this.xcoms.get(q.dagId, q.runId, q.taskId, q.key, false);
      if (single !== undefined) return single;
      const list = this.xcoms.get(q.dagId, q.runId, q.taskId, q.key, true) as Json[];
      if (list.length > 0) return q.mapIndex != null && q.mapIndex >= 0 ? list[q.mapIndex] : list;
    }
    const rows = await this.store.db
      .select({ mapIndex: xcom.mapIndex, value: xcom.value })
      .from(xcom)
      .where(and(eq(xcom.dagId, q.dagId), eq(xcom.runId, q.runId), eq(xcom.taskId, q.taskId), eq(xcom.key, q.key)))
      .orderBy(asc(xcom.mapIndex));
    if (rows.length === 0) return undefined;
    if (rows.length === 1 && rows[0]!.mapIndex === -1) return rows[0]!.value ?? null;
    if (q.mapIndex != null) return rows.find((r) => r.mapIndex === q.mapIndex)?.value ?? undefined;
    return rows.map((r) => r.value ?? null);
  }

  async variableGet(key: string): Promise<string | undefined> {
    return (await getVariable(this.store, key)) ?? undefined;
  }

  async variableSet(key: string, value: string): Promise<void> {
    await setVariable(this.store, key, value);
  }

  async connectionGet(connId: string): Promise<ConnectionData | undefined> {
    const fromEnv = connectionFromEnv(connId, this.env);
    if (fromEnv) return toTaskConnection(connId, fromEnv);
    const c = await getConnection(this.store, connId);
    return c ? toTaskConnection(c.connId, c) : undefined;
  }

  log(key: string, lines: LogLine[]): void {
    this.logs.append(key, lines);
  }

  /** The try's log file, for a worker thread of this process to append to itself. */
  logFile(key: string): string | null {
    return this.logs.pathOf(key);
  }
}
