// GET /api/updraft/workers: the remote workers of the process that runs the scheduler, for a
// Flower-like view — who is online, draining, disconnected (it may come back) or lost (kept for a
// while), what each serves and runs, and how many tasks it did. A process without a scheduler
// (`updraft api`) answers 503: workers connect to the one that runs it. DAG-restricted credentials
// see the workers without the tries of other DAGs.
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, ApiDeps } from "../types.ts";
import { requireScope } from "../auth.ts";
import { ApiError } from "../problem.ts";
import { NO_SCHEDULER } from "../worker-socket.ts";
import { errors, jsonOf, problemJson } from "./kit.ts";
import { visibleWorker, WorkerJson, workerJson } from "../queries/workers.ts";

const WorkerCollection = z.object({ workers: z.array(WorkerJson), total_entries: z.number().int() });

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
