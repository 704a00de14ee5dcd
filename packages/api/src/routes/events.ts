// GET /api/updraft/events: a Server-Sent Events stream of run and task-instance state changes,
// filterable by `dag_id` and `run_id`, and, without filters, of remote workers joining, leaving,
// being lost, reconnecting and draining (when the scheduler and its workers are in this process). With a `run_id` it starts with a snapshot of that run (its
// state and every task instance), so a client that connects after triggering misses nothing.
// The UI and `updraft dags trigger --wait` follow it instead of polling lists. DAG-restricted
// credentials get the events of their DAGs only, and worker events without other DAGs' tries.
import { streamSSE } from "hono/streaming";
import { and, eq } from "drizzle-orm";
import { dagRun, taskInstance } from "@updraft/store";
import type { ApiApp, ApiDeps, LiveEvent } from "../app.ts";
import { canSeeDag, requireScope } from "../auth.ts";
import { badRequest } from "../problem.ts";
import { visibleWorker, workerJson } from "./workers.ts";

const KEEPALIVE_MS = 15_000;

export function registerEvents(app: ApiApp, deps: ApiDeps): void {
  app.get("/api/updraft/events", requireScope("read"), async (c) => {
    const source = deps.events;
    if (!source) throw badRequest("this server has no scheduler to stream events from");
    const dagId = c.req.query("dag_id");
    const runId = c.req.query("run_id");
    const principal = c.get("principal");
    const wanted = (e: LiveEvent) => (e.type === "worker"
      ? !dagId && !runId
      : (!dagId || e.dagId === dagId) && (!runId || e.runId === runId) && canSeeDag(principal, e.dagId));
    return streamSSE(c, async (stream) => {
      const queue: LiveEvent[] = [];
      let wake: (() => void) | null = null;
      const push = (e: LiveEvent) => {
        if (!wanted(e)) return;
        queue.push(e);
        wake?.();
      };
      const offRuns = source.subscribe(push);
      const offWorkers = deps.workers?.onWorkerEvent((e) => push({ type: "worker", event: e.type, worker: visibleWorker(principal, e.worker), at: e.at })) ?? (() => undefined);
      const off = () => {
        offRuns();
        offWorkers();
      };
      stream.onAbort(() => {
        off();
        wake?.();
      });
      try {
        // A hidden DAG's snapshot is empty, as a missing DAG's is.
        if (dagId && runId && canSeeDag(principal, dagId)) {
          const [run] = await deps.store.db.select().from(dagRun).where(and(eq(dagRun.dagId, dagId), eq(dagRun.runId, runId)));
          const tis = await deps.store.db.select().from(taskInstance).where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId)));
          for (const t of tis) {
            await stream.writeSSE({ event: "task", data: JSON.stringify({ type: "task", dag_id: dagId, run_id: runId, task_id: t.taskId, map_index: t.mapIndex, state: t.state, try_number: t.tryNumber, hostname: t.hostname, snapshot: true }) });
          }
          if (run) await stream.writeSSE({ event: "run", data: JSON.stringify({ type: "run", dag_id: dagId, run_id: runId, state: run.state, snapshot: true }) });
        }
        while (!stream.aborted) {
          while (queue.length) {
            const e = queue.shift()!;
            await stream.writeSSE({ event: e.type, data: JSON.stringify(toWire(e)) });
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, KEEPALIVE_MS).unref();
          });
          wake = null;
          if (!queue.length && !stream.aborted) await stream.write(": keep-alive\n\n");
        }
      } finally {
        off();
      }
    });
  });
}

function toWire(e: LiveEvent): Record<string, unknown> {
  if (e.type === "worker") return { type: "worker", event: e.event, worker: workerJson(e.worker), at: new Date(e.at).toISOString() };
  if (e.type === "run") return { type: "run", dag_id: e.dagId, run_id: e.runId, state: e.state, at: new Date(e.at).toISOString() };
  return {
    type: "task", dag_id: e.dagId, run_id: e.runId, task_id: e.taskId, map_index: e.mapIndex, state: e.state === "none" ? null : e.state,
    try_number: e.tryNumber, hostname: e.hostname, at: new Date(e.at).toISOString(),
  };
}
