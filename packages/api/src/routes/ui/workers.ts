// GET /api/updraft/ui/workers: everything `<updraft-workers>` draws, in one request — the remote
// workers, the scheduler's own thread pool, the tries of the last minutes (its task stream) and
// the tries finished per host and minute (its sparklines). Live changes then come from the event
// stream (`worker` and `task` events); this is fetched again only to resync.
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, ApiDeps } from "../../types.ts";
import { canSeeDag } from "../../dag-visibility.ts";
import { iso } from "../../pagination.ts";
import { errors, jsonOf } from "../kit.ts";
import { WorkerJson, workerJson } from "../../queries/workers.ts";
import { recentTries, throughput } from "./worker-activity.ts";


const DEFAULT_MINUTES = 10;
const MAX_MINUTES = 60;
const TRY_LIMIT = 2_000;

const LocalJson = z.object({
  executor: z.enum(["threads", "sequential"]),
  hostname: z.string().openapi({ description: "Its tries' hostnames are `<hostname>/<thread>`." }),
  queues: z.array(z.string()),
  threads: z.array(z.object({ name: z.string(), state: z.string(), jobs: z.number().int(), jobs_run: z.number().int(), heap_used_mb: z.number() })),
  running: z.number().int(), queued: z.number().int(), capacity: z.number().int(),
  tasks_done: z.number().int(), tasks_failed: z.number().int(), started_at: z.string(),
});

const TryJson = z.object({
  dag_id: z.string(), run_id: z.string(), task_id: z.string(), map_index: z.number().int(), try_number: z.number().int(),
  state: z.string().nullable(), hostname: z.string(), start_date: z.string(), end_date: z.string().nullable().openapi({ description: "Null while it runs." }),
});

const UiWorkers = z.object({
  now: z.string(),
  window_minutes: z.number().int(),
  scheduler: z.boolean().openapi({ description: "Whether the scheduler (and so its workers and thread pool) runs in this process." }),
  local: LocalJson.nullable().openapi({ description: "The scheduler's own threads; null when it has none (remote workers only) or runs elsewhere." }),
  workers: z.array(WorkerJson),
  tries: z.array(TryJson).openapi({ description: `Tries running now or finished in the window, newest first, at most ${TRY_LIMIT}.` }),
  tries_truncated: z.boolean(),
  throughput: z.array(z.object({ hostname: z.string(), minute: z.string(), done: z.number().int(), failed: z.number().int() }))
    .openapi({ description: "Tries finished per hostname and minute in the window (minute = its start)." }),
}).openapi("UiWorkers");

export function registerUiWorkers(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/workers", tags: ["Updraft UI"],
      summary: "Remote workers, the local thread pool, recent tries and throughput, for the workers view",
      request: {
        query: z.object({
          minutes: z.coerce.number().int().min(1).max(MAX_MINUTES).default(DEFAULT_MINUTES)
            .openapi({ description: `How far back the tries and the throughput go (default ${DEFAULT_MINUTES}, at most ${MAX_MINUTES}).` }),
        }),
      },
      responses: { 200: { description: "Success.", content: jsonOf(UiWorkers) }, ...errors },
    }),
    async (c) => {
      const { minutes } = c.req.valid("query");
      const principal = c.get("principal");
      const now = Date.now();
      const since = new Date(now - minutes * 60_000);
      const [{ tries, truncated }, buckets] = await Promise.all([
        recentTries(deps.store, since, principal, TRY_LIMIT),
        throughput(deps.store, since, principal),
      ]);
      // A DAG-restricted token sees no other DAG's tries on a worker either.
      const workers = (deps.workers?.workers() ?? []).map((w) => ({ ...w, tries: w.tries.filter((t) => canSeeDag(principal, t.dagId)) })).map(workerJson);
      const local = deps.localPool?.() ?? null;
      return c.json({
        now: new Date(now).toISOString(),
        window_minutes: minutes,
        scheduler: deps.workers !== undefined || deps.localPool !== undefined,
        local: local && {
          executor: local.executor, hostname: local.hostname, queues: local.queues,
          threads: local.threads.map((t) => ({ name: t.name, state: t.state, jobs: t.jobs, jobs_run: t.jobsRun, heap_used_mb: Math.round(t.heapUsedMb * 10) / 10 })),
          running: local.running, queued: local.queued, capacity: local.capacity,
          tasks_done: local.tasksDone, tasks_failed: local.tasksFailed, started_at: new Date(local.startedAt).toISOString(),
        },
        workers,
        tries: tries.map((t) => ({
          dag_id: t.dagId, run_id: t.runId, task_id: t.taskId, map_index: t.mapIndex, try_number: t.tryNumber,
          state: t.state, hostname: t.hostname, start_date: iso(t.startDate)!, end_date: iso(t.endDate),
        })),
        tries_truncated: truncated,
        throughput: buckets.map((b) => ({ hostname: b.hostname, minute: new Date(b.minute).toISOString(), done: b.done, failed: b.failed })),
      }, 200);
    },
  );
}
