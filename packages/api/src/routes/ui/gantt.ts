// GET /api/updraft/ui/dags/{dag_id}/runs/{run_id}/gantt: every try of every task instance of a run,
// for `<updraft-gantt>`: the finished tries from task_instance_history and the current try from
// task_instance (two indexed reads of the run, merged here), with when each was queued, started
// and ended, its state and host.
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { taskInstance, taskInstanceHistory } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../../types.ts";
import { iso } from "../../pagination.ts";
import { errors, jsonOf, loadRun } from "../kit.ts";
import { requireVisibleDag } from "./kit.ts";
import { GridRun, gridRunJson } from "../../queries/grid-runs.ts";

const GanttTry = z.object({
  task_id: z.string(),
  map_index: z.number().int(),
  try_number: z.number().int(),
  state: z.string().nullable(),
  queued_dttm: z.string().nullable().openapi({ description: "When the try was queued (known for the current try only)." }),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  hostname: z.string().nullable(),
  parent_task_id: z.string().nullable().openapi({ description: "For a child started with `ctx.submit`: the task that submitted it." }),
  current: z.boolean().openapi({ description: "The instance's current try (false for an earlier, finished one)." }),
}).openapi("UiGanttTry");

const Gantt = z.object({
  dag_id: z.string(),
  run: GridRun,
  tries: z.array(GanttTry).openapi({ description: "Sorted by start (queued time for a try not started), then task id, map index and try." }),
}).openapi("UiGantt");

type Try = z.infer<typeof GanttTry>;

const ENDED = new Set(["success", "failed", "skipped", "upstream_failed", "removed"]);

export function registerGantt(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/dags/{dag_id}/runs/{run_id}/gantt", tags: ["Updraft UI"],
      summary: "Every try of every task instance of a run, on a time axis",
      request: { params: z.object({ dag_id: z.string(), run_id: z.string() }) },
      responses: { 200: { description: "Success.", content: jsonOf(Gantt) }, ...errors },
    }),
    async (c) => {
      const { dag_id: dagId, run_id: runId } = c.req.valid("param");
      requireVisibleDag(c, dagId);
      const run = await loadRun(deps.store, dagId, runId);
      const db = deps.store.db;
      const [current, history] = await Promise.all([
        db.select({
          taskId: taskInstance.taskId, mapIndex: taskInstance.mapIndex, tryNumber: taskInstance.tryNumber, state: taskInstance.state,
          queued: taskInstance.queuedDttm, start: taskInstance.startDate, end: taskInstance.endDate, hostname: taskInstance.hostname,
          parent: taskInstance.parentTaskId,
        }).from(taskInstance).where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId))),
        db.select({
          taskId: taskInstanceHistory.taskId, mapIndex: taskInstanceHistory.mapIndex, tryNumber: taskInstanceHistory.tryNumber,
          state: taskInstanceHistory.state, start: taskInstanceHistory.startDate, end: taskInstanceHistory.endDate, hostname: taskInstanceHistory.hostname,
        }).from(taskInstanceHistory).where(and(eq(taskInstanceHistory.dagId, dagId), eq(taskInstanceHistory.runId, runId))),
      ]);
      const key = (taskId: string, mapIndex: number) => `${taskId}\u0000${mapIndex}`;
      const instances = new Map(current.map((t) => [key(t.taskId, t.mapIndex), t]));
      const tries: Try[] = [];
      const recorded = new Set<string>();
      for (const h of history) {
        const ti = instances.get(key(h.taskId, h.mapIndex));
        const isCurrent = ti?.tryNumber === h.tryNumber;
        recorded.add(`${key(h.taskId, h.mapIndex)}\u0000${h.tryNumber}`);
        tries.push({
          task_id: h.taskId, map_index: h.mapIndex, try_number: h.tryNumber,
          // The try's own outcome, unless the instance was marked since (a retrying or cleared
          // instance keeps the try's recorded outcome).
          state: isCurrent && ti.state && ENDED.has(ti.state) ? ti.state : h.state,
          queued_dttm: isCurrent ? iso(ti.queued) : null, start_date: iso(h.start), end_date: iso(h.end), hostname: h.hostname,
          parent_task_id: ti?.parent ?? null, current: isCurrent,
        });
      }
      for (const t of current) {
        if (t.tryNumber === 0 && !t.queued) continue; // never queued: nothing to draw
        if (recorded.has(`${key(t.taskId, t.mapIndex)}\u0000${t.tryNumber}`)) continue;
        tries.push({
          task_id: t.taskId, map_index: t.mapIndex, try_number: t.tryNumber, state: t.state, queued_dttm: iso(t.queued),
          start_date: iso(t.start), end_date: iso(t.end), hostname: t.hostname, parent_task_id: t.parent, current: true,
        });
      }
      const at = (t: Try) => Date.parse(t.start_date ?? t.queued_dttm ?? "") || Number.MAX_SAFE_INTEGER;
      tries.sort((a, b) => at(a) - at(b) || a.task_id.localeCompare(b.task_id) || a.map_index - b.map_index || a.try_number - b.try_number);
      return c.json({ dag_id: dagId, run: gridRunJson(run), tries }, 200);
    },
  );
}
