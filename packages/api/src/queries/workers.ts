// Remote workers as the API shows them: their JSON (GET /api/updraft/workers, the UI's workers
// view and the event stream's worker events) and what DAG-restricted credentials may see of one.
import { z } from "@hono/zod-openapi";
import type { WorkerInfo } from "@updraft/executor";
import { canSeeDag } from "../dag-visibility.ts";
import { iso } from "../pagination.ts";
import type { Principal } from "../types.ts";

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
