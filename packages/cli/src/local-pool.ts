// The scheduler's own executor (its threads, or the sequential executor's main thread) as the
// workers view shows it beside the remote workers: its threads and load, and how many tries it
// finished since it started, counted from its own events.
import { hostname } from "node:os";
import { ThreadsExecutor, type Executor } from "@updraft/executor";
import type { ApiDeps } from "@updraft/api";

type LocalPoolView = NonNullable<ReturnType<NonNullable<ApiDeps["localPool"]>>>;

/**
 * Follows a local executor's finished tries and answers the view on demand.
 * @example const view = localPoolView(threads, ["default"]); createApiApp({ ..., localPool: view });
 */
export function localPoolView(executor: Executor, queues: string[]): () => LocalPoolView {
  const host = hostname();
  const startedAt = Date.now();
  let done = 0;
  let failed = 0;
  executor.onEvent((e) => {
    if (e.type !== "finished") return;
    done++;
    if (e.outcome.status === "failed") failed++;
  });
  return () => {
    const s = executor.stats();
    const threads = executor instanceof ThreadsExecutor
      ? executor.threads().map((t) => ({ name: t.name, state: t.state, jobs: t.jobs, jobsRun: t.jobsRun, heapUsedMb: t.heapUsedMb }))
      : [{ name: "main", state: s.running > 0 ? "busy" : "idle", jobs: s.running, jobsRun: done, heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20 }];
    return {
      executor: executor instanceof ThreadsExecutor ? "threads" : "sequential",
      hostname: host, queues, threads,
      running: s.running, queued: s.queued, capacity: s.capacity,
      tasksDone: done, tasksFailed: failed, startedAt,
    };
  };
}
