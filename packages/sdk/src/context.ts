// The `ctx` object every task function receives, and the shapes of what it hands out.
import type { Json } from "./serialized.ts";
import type { TaskDef } from "./task-def.ts";

export interface TaskLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** A connection as `ctx.connections.get(id)` returns it (password decrypted). */
export interface Connection {
  connId: string;
  connType: string;
  host: string | null;
  schema: string | null;
  login: string | null;
  password: string | null;
  port: number | null;
  extra: Record<string, Json>;
}

/**
 * What a running task can see and do. Passed as the first argument of every task function.
 * @example
 * task("load", async (ctx, rows: Row[]) => {
 *   ctx.log.info(`loading ${rows.length} rows for ${ctx.ds}`);
 *   const url = await ctx.variables.get("warehouse_url");
 *   ctx.xcom.push("row_count", rows.length);
 * });
 */
export interface TaskContext {
  dagId: string;
  taskId: string;
  runId: string;
  /** -1 for an unmapped task, 0..n-1 for a mapped instance. */
  mapIndex: number;
  /** 1 for the first try. */
  tryNumber: number;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  /** The logical date as YYYY-MM-DD. */
  ds: string;
  /** The DAG's params with the run's conf applied over them. */
  params: Record<string, Json>;
  /** The conf the run was triggered with. */
  conf: Record<string, Json>;
  log: TaskLogger;
  /** Fires when the try times out or is cancelled: pass it to fetch(), child processes, timers. */
  signal: AbortSignal;
  xcom: {
    /** Adds an XCom under `key`; written when the try succeeds (a failed try's XComs are dropped). */
    push(key: string, value: Json): void;
    /** An upstream XCom; for a mapped task, the list of its instances' values in map-index order. */
    pull<T = Json>(taskId: string, key?: string): Promise<T | undefined>;
  };
  variables: {
    get(key: string, defaultValue?: string): Promise<string | undefined>;
    set(key: string, value: string): Promise<void>;
  };
  connections: {
    /** Throws when no connection has that id. */
    get(connId: string): Promise<Connection>;
  };
  /**
   * Starts a new task instance of `def` in this run, with `args` (JSON values), and resolves with
   * its result (Dask's `get_client().submit` from inside a task). The child is recorded in the run
   * with this instance as its parent, goes through pools and priorities, and is retried by its own
   * options. While this try waits, it holds no executor slot, so children run even when every
   * slot is taken by parents. A skipped child resolves with `undefined`; a child that fails after
   * its retries rejects with a `ChildTaskFailed` naming it.
   *
   * `def` must be known to the DAG: made with `task()` (or `branch()`, `shortCircuit()`) in the
   * DAG file, before `dag()` or inside its body, and not itself called as a task of the DAG.
   * Calls are numbered per try: a later try of this task that makes the same calls in the same
   * order gets the children of the earlier try back (a finished child is not run again).
   * @example
   * const score = task("score", async (_ctx, url: string) => (await fetch(url)).status);
   * export default dag({ id: "crawl" }, () => {
   *   task("crawl", async (ctx) => {
   *     const urls = ["https://a.example", "https://b.example"];
   *     const codes = await Promise.all(urls.map((u) => ctx.submit(score, u)));
   *     return codes.filter((c) => c === 200).length;
   *   })();
   * });
   */
  submit<A extends unknown[], R>(def: TaskDef<A, R>, ...args: A): Promise<R>;
}
