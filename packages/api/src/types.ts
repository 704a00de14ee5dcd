// The API package's types, in one module that imports no other module of the package at run
// time: what the process serving the API gives it (ApiDeps), the app and its per-request
// variables, the live events it streams, and the interfaces of the scheduler's and executor's
// parts that it calls. Every route imports these from here, so no route imports app.ts.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "pino";
import type { Store, TokenScope } from "@updraft/store";
import type { SchedulerMeasure } from "@updraft/scheduler";
import type { PeerInfo, WorkerEvent, WorkerEventType, WorkerInfo, WorkerLink, WorkerSession } from "@updraft/executor";
import type { Json, TaskState } from "@updraft/sdk";
import type { LoginLimits } from "./login-limiter.ts";
import type { RequestLimits } from "./request-limits.ts";
import type { RuntimeMetrics } from "./metrics-registry.ts";

export interface TriggerRequest {
  runId?: string;
  logicalDate?: Date;
  conf?: Record<string, Json>;
  note?: string;
}

/** What the API needs from the process that serves it. */
export interface ApiDeps {
  store: Store;
  /** UPDRAFT_HOME: where task logs and bundles are. */
  home: string;
  version: string;
  /** Creates a manual run: the in-process scheduler when there is one, else a queued row for the scheduler's sweep. */
  trigger(dagId: string, req: TriggerRequest): Promise<{ runId: string }>;
  /** State changes to stream to clients (the scheduler's, when it runs in this process). */
  events?: LiveEventSource;
  /** Changes to runs and task instances (the scheduler's RunCommands). */
  runs?: RunActions;
  /** Live scheduler and executor figures for /metrics, when they run in this process. */
  metrics?: () => RuntimeMetrics;
  /** The scheduler's measures (commit latency, queued and run times) for /metrics' histograms. */
  measures?: { subscribe(listener: (m: SchedulerMeasure) => void): () => void };
  /** Whether /metrics answers without credentials (UPDRAFT_METRICS_PUBLIC); by default it needs a read token. */
  metricsPublic?: boolean;
  /** Where the access log goes: one record per request (none without a logger). */
  logger?: Logger;
  /** Origins allowed to call the API from a browser (portals embedding widgets); none by default. */
  corsOrigins?: string[];
  /**
   * The remote executor, when the scheduler runs in this process: the workers list, their live
   * events, and (through `attachWorkerSocket`) their connections. Absent: those answer 503.
   */
  workers?: WorkerGateway;
  /** The scheduler's own thread pool, for the workers view, when the scheduler runs in this process. */
  localPool?: () => LocalPoolView | null;
  /** The UI's built files; by default @updraft/ui builds them in memory on the first request. */
  uiAssets?: () => Promise<Map<string, UiFile>>;
  /** Failed logins allowed per user name and address in a window (default 10 in 5 minutes). */
  loginLimits?: LoginLimits;
  /** Request body size and JSON nesting limits; by default from UPDRAFT_MAX_REQUEST_BYTES (1 MiB) and UPDRAFT_MAX_JSON_DEPTH (64). */
  requestLimits?: Partial<RequestLimits>;
  /**
   * The deployment's secret key, which signs DAG file tokens; by default UPDRAFT_SECRET_KEY, else
   * `<home>/secret_key` (made on first use, as the CLI makes it).
   */
  secretKey?: string;
  /**
   * Asks this process's DAG processor to parse a file soon (`standalone`); without it, PUT
   * /parseDagFile leaves a request row in the store for the DAG processor of another process.
   */
  requestParse?: (fileloc: string) => Promise<void> | void;
  /**
   * Whether GET /config answers (Airflow's `[webserver] expose_config`); by default
   * UPDRAFT_EXPOSE_CONFIG (`true`, `non-sensitive-only`, else off), off as in Airflow.
   */
  exposeConfig?: boolean | "non-sensitive-only";
  /** The effective settings GET /config shows, by Airflow section; by default read from the environment. */
  settings?: () => Record<string, Record<string, string>>;
}

export type ApiApp = OpenAPIHono<ApiEnv>;

/**
 * A run or task-instance state change, as the scheduler announces it after committing it; or a
 * remote worker that joined, left, was lost, reconnected or drains.
 */
export type LiveEvent =
  | { type: "run"; dagId: string; runId: string; state: string; at: number }
  | { type: "task"; dagId: string; runId: string; taskId: string; mapIndex: number; state: string; tryNumber: number; at: number; hostname: string | null }
  | { type: "worker"; event: WorkerEventType; worker: WorkerInfo; at: number };

export interface LiveEventSource {
  subscribe(listener: (e: LiveEvent) => void): () => void;
}

export interface Principal {
  /** `token:<id>` or `user:<name>`: who made the call, for the event log. */
  name: string;
  scope: TokenScope;
  /**
   * DAG id patterns (`sales_*`, `finance_daily`) the credentials are restricted to, or null for
   * every DAG. A portal token sees only these: lists are filtered, other DAGs answer 404.
   */
  dags: string[] | null;
}

export type ApiEnv = {
  Variables: {
    principal: Principal;
    /** A DAG in the path that the credentials may not see: its handler answers 404 (see dag-visibility.ts). */
    hiddenDag?: string | undefined;
  };
};

/** What the API needs of the process's remote executor: connections in, the monitoring view out. */
export interface WorkerGateway {
  connect(link: WorkerLink, peer?: PeerInfo): WorkerSession;
  workers(): WorkerInfo[];
  onWorkerEvent(listener: (event: WorkerEvent) => void): () => void;
}

/** A task instance a run action changed (or, in a dry run, would change). */
export type Affected = { taskId: string; mapIndex: number; state: TaskState };

/** The commands the scheduler carries out (RunCommands of @updraft/scheduler). */
export interface RunActions {
  setRunState(dagId: string, runId: string, state: "success" | "failed"): Promise<void>;
  clear(dagId: string, runId: string, select: (t: Affected) => boolean, dryRun: boolean): Promise<Affected[]>;
  setTaskState(dagId: string, runId: string, select: (t: Affected) => boolean, state: "success" | "failed" | "skipped", dryRun: boolean): Promise<Affected[]>;
  deleteRun(dagId: string, runId: string): Promise<void>;
}

/**
 * The scheduler's own executor as the workers view shows it: its threads (or the one main thread
 * of the sequential executor), their load, and the tries it finished since it started.
 */
export interface LocalPoolView {
  executor: "threads" | "sequential";
  /** The machine's name; its tries' hostnames are `<hostname>/<thread name>`. */
  hostname: string;
  /** The task queues it serves. */
  queues: string[];
  threads: Array<{ name: string; state: string; jobs: number; jobsRun: number; heapUsedMb: number }>;
  running: number;
  queued: number;
  /** Tries it can run at once at its largest size. */
  capacity: number;
  tasksDone: number;
  tasksFailed: number;
  /** ms since epoch. */
  startedAt: number;
}

/** One built UI file. */
export interface UiFile {
  body: Uint8Array;
  type: string;
  immutable: boolean;
}
