// GET /metrics: Prometheus text format. Runs and task instances by state (from the store), and,
// when a scheduler runs in this process, its group-commit timing, ready-queue depth, the
// executor's slots and the remote workers by state.
import { count, sql } from "drizzle-orm";
import { dagRun, taskInstance } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../app.ts";
import { requireScope } from "../auth.ts";

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

const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

class Exposition {
  private readonly lines: string[] = [];
  metric(name: string, type: "gauge" | "counter", help: string, samples: Array<[Record<string, string>, number]>): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${esc(v)}"`).join(",");
      this.lines.push(`${name}${l ? `{${l}}` : ""} ${value}`);
    }
  }
  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

export function registerMetrics(app: ApiApp, deps: ApiDeps): void {
  app.get("/metrics", requireScope("read"), async (c) => {
    const out = new Exposition();
    const runs = await deps.store.db.select({ dagId: dagRun.dagId, state: dagRun.state, n: count() }).from(dagRun).groupBy(dagRun.dagId, dagRun.state);
    out.metric("updraft_dag_runs", "gauge", "DAG runs by DAG and state.", runs.map((r) => [{ dag_id: r.dagId, state: r.state }, r.n]));
    const tis = await deps.store.db.select({ state: sql<string>`coalesce(${taskInstance.state}, 'none')`, n: count() }).from(taskInstance).groupBy(taskInstance.state);
    out.metric("updraft_task_instances", "gauge", "Task instances by state.", tis.map((t) => [{ state: t.state }, t.n]));
    const m = deps.metrics?.();
    if (m) {
      out.metric("updraft_scheduler_commits_total", "counter", "Group-commit transactions.", [[{}, m.commits.batches]]);
      out.metric("updraft_scheduler_statements_total", "counter", "SQL statements in group commits.", [[{}, m.commits.statements]]);
      out.metric("updraft_scheduler_row_changes_total", "counter", "Row changes queued for group commit.", [[{}, m.commits.operations]]);
      out.metric("updraft_scheduler_commit_seconds_total", "counter", "Time spent committing.", [[{}, +m.commits.commitSeconds.toFixed(6)]]);
      out.metric("updraft_scheduler_last_commit_seconds", "gauge", "Duration of the last commit.", [[{}, +m.commits.lastCommitSeconds.toFixed(6)]]);
      out.metric("updraft_scheduler_ready_task_instances", "gauge", "Task instances ready and waiting for a slot (queue depth).", [[{}, m.ready]]);
      out.metric("updraft_scheduler_tries_in_flight", "gauge", "Tries handed to executors.", [[{}, m.inFlight]]);
      out.metric("updraft_scheduler_active_runs", "gauge", "Runs the scheduler holds in memory.", [[{}, m.activeRuns]]);
      out.metric("updraft_executor_running", "gauge", "Tries running in the executor.", [[{}, m.executor.running]]);
      out.metric("updraft_executor_queued", "gauge", "Tries accepted by the executor, not yet running.", [[{}, m.executor.queued]]);
      out.metric("updraft_executor_slots", "gauge", "Tries the executor can run at once at its largest.", [[{}, m.executor.capacity]]);
      out.metric("updraft_executor_threads", "gauge", "Worker threads alive.", [[{}, m.executor.threads]]);
    }
    const workers = deps.workers?.workers();
    const connected = workers ? workers.filter((w) => w.state === "online" || w.state === "draining").length : m?.workers;
    if (connected !== undefined) out.metric("updraft_workers", "gauge", "Remote workers connected (online or draining).", [[{}, connected]]);
    if (workers) {
      const states = ["online", "draining", "disconnected", "lost"] as const;
      out.metric("updraft_workers_by_state", "gauge", "Remote workers by state (lost ones are kept for a while).", states.map((state) => [{ state }, workers.filter((w) => w.state === state).length]));
      out.metric("updraft_worker_slots", "gauge", "Tries the online remote workers run at once.", [[{}, workers.filter((w) => w.state === "online").reduce((n, w) => n + w.capacity, 0)]]);
    }
    return c.text(out.text(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });
}
