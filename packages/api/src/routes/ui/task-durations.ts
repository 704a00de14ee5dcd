// GET /api/updraft/ui/dags/{dag_id}/task-durations?runs=25: for `<updraft-task-duration>`, each
// task's duration, queued time and state in each of the DAG's last N runs, computed in one grouped
// query over the instances of those runs (a mapped task's instances count as one span: from the
// first start to the last end).
import { createRoute, z } from "@hono/zod-openapi";
import { asc, desc, eq, sql } from "drizzle-orm";
import { currentDagVersion, dagRun, taskInstance } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../../types.ts";
import { iso } from "../../pagination.ts";
import { errors, jsonOf, requireDag } from "../kit.ts";
import { requireVisibleDag } from "./kit.ts";

export const MAX_DURATION_RUNS = 200;

/** When a mapped task's instances differ, the state its point shows: the first of these it has. */
const STATE_PRIORITY = [
  "running", "failed", "upstream_failed", "up_for_retry", "up_for_reschedule", "deferred", "restarting", "queued", "scheduled",
  "none", "removed", "skipped", "success",
];

/** One state for a set of instances' states (the most pressing one). */
export function summaryState(states: string[]): string | null {
  if (states.length === 0) return null;
  const pick = [...states].sort((a, b) => rank(a) - rank(b))[0]!;
  return pick === "none" ? null : pick;
}
const rank = (s: string) => {
  const i = STATE_PRIORITY.indexOf(s);
  return i < 0 ? STATE_PRIORITY.length : i;
};

const Point = z.object({
  duration: z.number().nullable().openapi({ description: "Seconds from start to end (to now while it runs)." }),
  queued: z.number().nullable().openapi({ description: "Seconds from queued to start." }),
  state: z.string().nullable(),
  start_date: z.string().nullable(), end_date: z.string().nullable(),
  instances: z.number().int(),
}).nullable();
const UiTaskDurations = z.object({
  dag_id: z.string(),
  runs: z.array(z.object({ run_id: z.string(), logical_date: z.string().nullable(), state: z.string(), start_date: z.string().nullable(), end_date: z.string().nullable() }))
    .openapi({ description: "The last N runs, oldest first." }),
  tasks: z.array(z.object({ task_id: z.string(), points: z.array(Point).openapi({ description: "One per run in `runs` order; null where the task has no instance." }) })),
}).openapi("UiTaskDurations");

export function registerTaskDurations(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/dags/{dag_id}/task-durations", tags: ["Updraft UI"],
      summary: "Each task's duration and queued time across the DAG's last N runs",
      request: {
        params: z.object({ dag_id: z.string() }),
        query: z.object({ runs: z.coerce.number().int().min(1).max(MAX_DURATION_RUNS).default(25) }),
      },
      responses: { 200: { description: "Success.", content: jsonOf(UiTaskDurations) }, ...errors },
    }),
    async (c) => {
      const { dag_id: dagId } = c.req.valid("param");
      const { runs: n } = c.req.valid("query");
      requireVisibleDag(c, dagId);
      await requireDag(store, dagId);
      const runs = (await store.db.select({
        runId: dagRun.runId, logicalDate: dagRun.logicalDate, state: dagRun.state, startDate: dagRun.startDate, endDate: dagRun.endDate,
      }).from(dagRun).where(eq(dagRun.dagId, dagId)).orderBy(desc(dagRun.logicalDate)).limit(n)).reverse();
      const recent = store.db.select({ runId: dagRun.runId }).from(dagRun).where(eq(dagRun.dagId, dagId)).orderBy(desc(dagRun.logicalDate)).limit(n).as("recent");
      const rows = await store.db.select({
        runId: taskInstance.runId, taskId: taskInstance.taskId, instances: sql<number>`count(*)`,
        start: sql<number | null>`min(${taskInstance.startDate})`, end: sql<number | null>`max(${taskInstance.endDate})`,
        unfinished: sql<number>`sum(case when ${taskInstance.startDate} is not null and ${taskInstance.endDate} is null then 1 else 0 end)`,
        duration: sql<number | null>`sum(${taskInstance.duration})`, queued: sql<number | null>`min(${taskInstance.queuedDttm})`,
        states: sql<string>`group_concat(distinct coalesce(${taskInstance.state}, 'none'))`,
      }).from(taskInstance).innerJoin(recent, eq(recent.runId, taskInstance.runId)).where(eq(taskInstance.dagId, dagId))
        .groupBy(taskInstance.runId, taskInstance.taskId).orderBy(asc(taskInstance.taskId));

      const current = await currentDagVersion(store, dagId);
      const order = (current?.serialized.tasks ?? []).map((t) => t.id);
      const seen = new Set(rows.map((r) => r.taskId));
      const taskIds = [...order.filter((t) => seen.has(t)), ...[...seen].filter((t) => !order.includes(t)).sort()];
      const column = new Map(runs.map((r, i) => [r.runId, i]));
      const points = new Map(taskIds.map((t) => [t, runs.map((): z.infer<typeof Point> => null)]));
      const now = Date.now();
      for (const r of rows) {
        const start = r.start == null ? null : Number(r.start);
        const end = Number(r.unfinished) > 0 || r.end == null ? null : Number(r.end);
        const single = Number(r.instances) === 1;
        const duration = single && r.duration != null && end != null ? Number(r.duration) : start == null ? null : ((end ?? now) - start) / 1000;
        const queuedAt = r.queued == null ? null : Number(r.queued);
        points.get(r.taskId)![column.get(r.runId)!] = {
          duration, queued: start != null && queuedAt != null && start >= queuedAt ? (start - queuedAt) / 1000 : null,
          state: summaryState(String(r.states ?? "").split(",").filter(Boolean)),
          start_date: start == null ? null : iso(new Date(start)), end_date: end == null ? null : iso(new Date(end)), instances: Number(r.instances),
        };
      }
      return c.json({
        dag_id: dagId,
        runs: runs.map((r) => ({ run_id: r.runId, logical_date: iso(r.logicalDate), state: r.state, start_date: iso(r.startDate), end_date: iso(r.endDate) })),
        tasks: taskIds.map((t) => ({ task_id: t, points: points.get(t)! })),
      }, 200);
    },
  );
}
