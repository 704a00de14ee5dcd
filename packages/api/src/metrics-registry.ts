// Prometheus metrics of one API app, through prom-client: Node.js process metrics, build info,
// histograms of task duration, queued time, group-commit latency and event-loop lag, counters of
// task outcomes, and gauges of what is in flight. A scrape runs no query over the history: the
// histograms and counters are fed by the scheduler as it commits (or by the store's event tail in
// an `updraft api` process), and the only queries count unfinished runs and task instances
// through their state indexes.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { count, eq, inArray } from "drizzle-orm";
import { dagRun, taskInstance, type Store } from "@updraft/store";
import type { SchedulerMeasure } from "@updraft/scheduler";
import { FINISHED_TASK_STATES, type TaskState } from "@updraft/sdk";

/** Live figures of the scheduler and executor in this process. */
export interface RuntimeMetrics {
  commits: { batches: number; statements: number; operations: number; commitSeconds: number; lastCommitSeconds: number };
  ready: number;
  inFlight: number;
  activeRuns: number;
  executor: { running: number; queued: number; capacity: number; threads: number };
  /** Remote workers connected; the workers gateway's own count wins when the API has one. */
  workers?: number;
}

/** A task instance's state change, as the live event stream carries it. */
interface TaskStateChange {
  type: string;
  dagId?: string;
  state?: string;
}

export interface MetricsSources {
  store: Store;
  version: string;
  /** The scheduler's and executor's figures, when they run in this process. */
  runtime?: () => RuntimeMetrics;
  /** The scheduler's measures (commit, queued and run times), when it runs in this process. */
  measures?: { subscribe(listener: (m: SchedulerMeasure) => void): () => void };
  /** Committed state changes: counted into the outcome counter. */
  events?: { subscribe(listener: (e: TaskStateChange) => void): () => void };
  /** Remote workers by state, when this process hosts the worker endpoint. */
  workers?: () => Array<{ state: string; capacity: number }>;
}

const UNFINISHED_RUN = ["queued", "running"] as const;
const UNFINISHED_TI = ["scheduled", "queued", "running", "up_for_retry", "up_for_reschedule"] as const;
/** How often the event loop's lag is sampled. */
const LAG_SAMPLE_MS = 500;

/**
 * The registry `/metrics` exposes. One per app, so that tests may run several apps in a process.
 * @example const metrics = createMetrics({ store, version }); res.end(await metrics.registry.metrics());
 */
export function createMetrics(src: MetricsSources): { registry: Registry; close(): void } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const stops: Array<() => void> = [];

  new Gauge({
    name: "updraft_build_info", help: "Updraft's version and the Node.js that runs it (always 1).",
    labelNames: ["version", "node_version"], registers: [registry],
  }).set({ version: src.version, node_version: process.versions.node }, 1);

  const duration = new Histogram({
    name: "updraft_task_duration_seconds", help: "How long tries ran, from start to end, by DAG and the state they ended in.",
    labelNames: ["dag_id", "state"], buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 10800], registers: [registry],
  });
  const queued = new Histogram({
    name: "updraft_task_queued_seconds", help: "How long tries waited between queued and running, by DAG.",
    labelNames: ["dag_id"], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600], registers: [registry],
  });
  const commit = new Histogram({
    name: "updraft_scheduler_commit_seconds", help: "Duration of the scheduler's group-commit transactions.",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
  });
  if (src.measures) {
    stops.push(src.measures.subscribe((m) => {
      switch (m.type) {
        case "commit":
          commit.observe(m.seconds);
          return;
        case "try-started":
          queued.observe({ dag_id: m.dagId }, m.queuedSeconds);
          return;
        case "try-ended":
          duration.observe({ dag_id: m.dagId, state: m.state }, m.durationSeconds);
          return;
        default: {
          const never: never = m;
          return never;
        }
      }
    }));
  }

  const outcomes = new Counter({
    name: "updraft_task_instance_outcomes_total", help: "Task instances that reached a finished state since this process started, by DAG and state.",
    labelNames: ["dag_id", "state"], registers: [registry],
  });
  if (src.events) {
    stops.push(src.events.subscribe((e) => {
      if (e.type === "task" && e.dagId && e.state && FINISHED_TASK_STATES.has(e.state as TaskState)) outcomes.inc({ dag_id: e.dagId, state: e.state });
    }));
  }

  // Event-loop lag: how late a timer fires. A loop blocked for a second shows as one observation
  // of about a second (the sampler cannot run while it is blocked).
  const lag = new Histogram({
    name: "updraft_event_loop_lag_seconds", help: `How late a timer due every ${LAG_SAMPLE_MS} ms fired on the main thread.`,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
  });
  let expected = performance.now() + LAG_SAMPLE_MS;
  const sampler = setInterval(() => {
    const now = performance.now();
    lag.observe(Math.max(0, now - expected) / 1000);
    expected = now + LAG_SAMPLE_MS;
  }, LAG_SAMPLE_MS);
  sampler.unref();
  stops.push(() => clearInterval(sampler));

  new Gauge({
    name: "updraft_dag_runs_unfinished", help: "DAG runs queued or running, by DAG and state.",
    labelNames: ["dag_id", "state"], registers: [registry],
    async collect() {
      this.reset();
      const rows = await src.store.db.select({ dagId: dagRun.dagId, state: dagRun.state, n: count() }).from(dagRun)
        .where(inArray(dagRun.state, [...UNFINISHED_RUN])).groupBy(dagRun.dagId, dagRun.state);
      for (const r of rows) this.set({ dag_id: r.dagId, state: r.state }, r.n);
    },
  });
  new Gauge({
    name: "updraft_task_instances_unfinished", help: "Task instances not yet finished, by state.",
    labelNames: ["state"], registers: [registry],
    async collect() {
      this.reset();
      for (const state of UNFINISHED_TI) {
        const [row] = await src.store.db.select({ n: count() }).from(taskInstance).where(eq(taskInstance.state, state));
        this.set({ state }, row?.n ?? 0);
      }
    },
  });

  if (src.runtime) runtimeGauges(registry, src.runtime);
  if (src.workers) workerGauges(registry, src.workers);
  return { registry, close: () => stops.forEach((stop) => stop()) };
}

/** The scheduler's and executor's own figures, read at each scrape. */
function runtimeGauges(registry: Registry, runtime: () => RuntimeMetrics): void {
  const gauge = (name: string, help: string, read: (m: RuntimeMetrics) => number) =>
    new Gauge({ name, help, registers: [registry], collect() { this.set(read(runtime())); } });
  const total = (name: string, help: string, read: (m: RuntimeMetrics) => number) =>
    new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read(runtime())); } });
  total("updraft_scheduler_commits_total", "Group-commit transactions.", (m) => m.commits.batches);
  total("updraft_scheduler_statements_total", "SQL statements in group commits.", (m) => m.commits.statements);
  total("updraft_scheduler_row_changes_total", "Row changes queued for group commit.", (m) => m.commits.operations);
  gauge("updraft_scheduler_ready_task_instances", "Task instances ready and waiting for a slot (queue depth).", (m) => m.ready);
  gauge("updraft_scheduler_tries_in_flight", "Tries handed to executors.", (m) => m.inFlight);
  gauge("updraft_scheduler_active_runs", "Runs the scheduler holds in memory.", (m) => m.activeRuns);
  gauge("updraft_executor_running", "Tries running in the executor.", (m) => m.executor.running);
  gauge("updraft_executor_queued", "Tries accepted by the executor, not yet running.", (m) => m.executor.queued);
  gauge("updraft_executor_slots", "Tries the executor can run at once at its largest.", (m) => m.executor.capacity);
  gauge("updraft_executor_threads", "Worker threads alive.", (m) => m.executor.threads);
}

/** Remote workers as the worker endpoint of this process sees them. */
function workerGauges(registry: Registry, workers: () => Array<{ state: string; capacity: number }>): void {
  const states = ["online", "draining", "disconnected", "lost"] as const;
  new Gauge({
    name: "updraft_workers", help: "Remote workers connected (online or draining).", registers: [registry],
    collect() { this.set(workers().filter((w) => w.state === "online" || w.state === "draining").length); },
  });
  new Gauge({
    name: "updraft_workers_by_state", help: "Remote workers by state (lost ones are kept for a while).", labelNames: ["state"], registers: [registry],
    collect() {
      const all = workers();
      for (const state of states) this.set({ state }, all.filter((w) => w.state === state).length);
    },
  });
  new Gauge({
    name: "updraft_worker_slots", help: "Tries the online remote workers run at once.", registers: [registry],
    collect() { this.set(workers().filter((w) => w.state === "online").reduce((n, w) => n + w.capacity, 0)); },
  });
}
