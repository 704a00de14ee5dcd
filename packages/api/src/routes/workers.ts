// GET /api/updraft/workers: the remote workers of the process that runs the scheduler, for a
// Flower-like view — who is online, draining, disconnected (it may come back) or lost (kept for a
// while), what each serves and runs, and how many tasks it did. A process without a scheduler
// (`updraft api`) answers 503: workers connect to the one that runs it. DAG-restricted credentials
// see the workers without the tries of other DAGs.
import { createRoute, z } from "@hono/zod-openapi";
import type { WorkerInfo } from "@updraft/executor";
import type { ApiApp, ApiDeps } from "../types.ts";
import { canSeeDag, requireScope, type Principal } from "../auth.ts";
import { ApiError } from "../problem.ts";
import { iso } from "../pagination.ts";
import { NO_SCHEDULER } from "../worker-socket.ts";
import { errors, jsonOf, problemJson } from "./kit.ts";

const WorkerTryJson = z.object({
  key: z.string(), dag_id: z.string(), dag_run_id: z.string(), task_id: z.string(), map_index: z.number().int(), try_number: z.number().int(),
  started: z.boolean().openapi({ description: "False while it waits on the worker (prefetched)." }),
});

export const WorkerJson = z.object({
  worker_id: z.string().openapi({ description: "Stable for the life of the worker process; a reconnect under it resumes the session." }),
  name: z.string(),
  hostname: z.string(),
  pid: z.number().int(),
  version: z.string(),
  address: z.string().nullable(),
  queues: z.array(z.string()),
  capacity: z.number().int(),
  state: z.enum(["online", "draining", "disconnected", "lost"]),
  running: z.number().int().openapi({ description: "Tries it runs now." }),
  tries: z.array(WorkerTryJson).openapi({ description: "Tries placed on it, running or waiting there." }),
  tasks_done: z.number().int(),
  tasks_failed: z.number().int().openapi({ description: "Tries that ended failed on it, lost ones included." }),
  connected_at: z.string(),
  last_heartbeat: z.string(),
  lost_at: z.string().nullable(),
}).openapi("Worker");

const WorkerCollection = z.object({ workers: z.array(WorkerJson), total_entries: z.number().int() });

/** A worker as the API writes it (snake_case, ISO dates). */
export function workerJson(w: WorkerInfo): z.infer<typeof WorkerJson> {
  return {
    worker_id: w.workerId, name: w.name, hostname: w.hostname, pid: w.pid, version: w.version, address: w.address,
    queues: w.queues, capacity: w.capacity, state: w.state, running: w.running,
    tries: w.tries.map((t) => ({ key: t.key, dag_id: t.dagId, dag_run_id: t.runId, task_id: t.taskId, map_index: t.mapIndex, try_number: t.tryNumber, started: t.started })),
    tasks_done: w.tasksDone, tasks_failed: w.tasksFailed,
    connected_at: iso(new Date(w.connectedAt))!, last_heartbeat: iso(new Date(w.lastHeartbeat))!, lost_at: w.lostAt === null ? null : iso(new Date(w.lostAt)),
  };
}

/** The worker as these credentials may see it: without the tries of DAGs they may not see. */
export function visibleWorker(p: Principal, w: WorkerInfo): WorkerInfo {
  return p.dags === null ? w : { ...w, tries: w.tries.filter((t) => canSeeDag(p, t.dagId)) };
}

export function registerWorkers(app: ApiApp, deps: ApiDeps): void {
  app.use("/api/updraft/workers", requireScope("read"));
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/workers", tags: ["Updraft"], summary: "List remote workers",
      description: "Workers connected to this process's scheduler, those disconnected within their time-out, and recently lost ones. "
        + "Workers connect over a WebSocket at /api/updraft/workers/connect with a `worker`-scope bearer token.",
      responses: {
        200: { description: "Success.", content: jsonOf(WorkerCollection) },
        ...errors,
        503: { description: "No scheduler runs in this process: workers connect to the one that does.", content: problemJson },
      },
    }),
    (c) => {
      if (!deps.workers) throw new ApiError(503, NO_SCHEDULER);
      const principal = c.get("principal");
      const workers = deps.workers.workers().map((w) => workerJson(visibleWorker(principal, w)));
      return c.json({ workers, total_entries: workers.length }, 200);
    },
  );
}
