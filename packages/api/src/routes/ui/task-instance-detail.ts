// GET /api/updraft/ui/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/instance[?map_index=]: all the
// task-instance panel shows, in one request: the instance, every try, its XComs (values cut to a
// preview), its mapped siblings and submitted children, the task's definition from the run's DAG
// version and its templated fields.
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, count, eq, gte, sql } from "drizzle-orm";
import { runDagVersion, taskInstance, taskInstanceHistory, xcom } from "@updraft/store";
import { taskLogPath } from "@updraft/scheduler";
import type { ApiApp, ApiDeps } from "../../types.ts";
import { iso } from "../../pagination.ts";
import { integerParam } from "../../params.ts";
import { notFound } from "../../problem.ts";
import { errors, jsonOf, loadRun } from "../kit.ts";
import { requireVisibleDag } from "./kit.ts";
import { commandFromLog, taskDefinitionJson, templateFields } from "./task-definition-json.ts";

/** XCom values longer than this (as JSON text) are cut; the full value is one /api/v1 call away. */
export const XCOM_PREVIEW_CHARS = 4096;
/** At most this many mapped siblings and submitted children are listed. */
export const LIST_LIMIT = 1000;

const Try = z.object({
  try_number: z.number().int(), state: z.string().nullable(), start_date: z.string().nullable(), end_date: z.string().nullable(),
  duration: z.number().nullable(), hostname: z.string().nullable(), queue: z.string().nullable(),
  error: z.object({ name: z.string(), message: z.string() }).nullable(), current: z.boolean(),
});
const Ref = z.object({ task_id: z.string(), map_index: z.number().int(), state: z.string().nullable(), rendered_map_index: z.string().nullable() });
const UiTaskInstance = z.object({
  dag_id: z.string(), run_id: z.string(), task_id: z.string(), map_index: z.number().int(),
  run: z.object({ state: z.string(), run_type: z.string(), logical_date: z.string().nullable(), dag_version_id: z.number().int().nullable() }),
  instance: z.object({
    state: z.string().nullable(), try_number: z.number().int(), max_tries: z.number().int(),
    start_date: z.string().nullable(), end_date: z.string().nullable(), duration: z.number().nullable(), queued_when: z.string().nullable(),
    updated_at: z.string().nullable(), queue: z.string(), pool: z.string(), pool_slots: z.number().int(), hostname: z.string().nullable(),
    operator: z.string().nullable(), priority_weight: z.number().int(), executor: z.string().nullable(), rendered_map_index: z.string().nullable(),
    note: z.string().nullable(), next_retry_at: z.string().nullable(),
    parent: z.object({ task_id: z.string(), map_index: z.number().int() }).nullable(),
  }).nullable().openapi({ description: "Null for a mapped task asked without a map_index: `mapped` lists its instances." }),
  tries: z.array(Try),
  mapped: z.object({ total: z.number().int(), counts: z.record(z.string(), z.number().int()), instances: z.array(Ref) }).nullable(),
  children: z.array(Ref).openapi({ description: "Task instances this one started with ctx.submit." }),
  xcom: z.array(z.object({
    key: z.string(), size: z.number().int(), preview: z.string(), truncated: z.boolean(), timestamp: z.string().nullable(),
  })).openapi({ description: "Values as JSON text, cut after XCOM_PREVIEW_CHARS characters." }),
  task: z.record(z.string(), z.unknown()).nullable().openapi({ description: "The task's definition in the run's DAG version; null for a task no longer defined." }),
  templates: z.array(z.object({
    field: z.string(), template: z.string(), rendered: z.string().nullable(), rendered_from: z.enum(["log"]).nullable(), note: z.string().nullable(),
  })),
}).openapi("UiTaskInstance");

export function registerTaskInstanceDetail(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  app.openapi(
    createRoute({
      method: "get", path: "/api/updraft/ui/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/instance", tags: ["Updraft UI"],
      summary: "A task instance with its tries, XComs, definition and templated fields",
      request: {
        params: z.object({ dag_id: z.string(), run_id: z.string(), task_id: z.string() }),
        query: z.object({ map_index: integerParam.default(-1) }),
      },
      responses: { 200: { description: "Success.", content: jsonOf(UiTaskInstance) }, ...errors },
    }),
    async (c) => {
      const { dag_id: dagId, run_id: runId, task_id: taskId } = c.req.valid("param");
      const { map_index: mapIndex } = c.req.valid("query");
      requireVisibleDag(c, dagId);
      const run = await loadRun(store, dagId, runId);
      const inRun = and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId), eq(taskInstance.taskId, taskId));
      const serialized = await runDagVersion(store, run);
      const spec = serialized?.tasks.find((t) => t.id === taskId);
      const submittable = spec ? undefined : serialized?.submittable?.find((t) => t.id === taskId);
      const def = spec ?? submittable;

      const [ti] = await store.db.select().from(taskInstance).where(and(inRun, eq(taskInstance.mapIndex, mapIndex)));
      const [mappedCount] = await store.db.select({ n: count() }).from(taskInstance).where(and(inRun, gte(taskInstance.mapIndex, 0)));
      const isMapped = (mappedCount?.n ?? 0) > 0 || def?.expand != null;
      if (!ti && !(mapIndex === -1 && isMapped)) {
        if (!def) throw notFound(`Task with id '${taskId}' not found in DAG '${dagId}'`);
        throw notFound(`Task instance '${taskId}'${mapIndex === -1 ? "" : ` with map_index ${mapIndex}`} not found in DAG run '${runId}' of DAG '${dagId}'`);
      }

      const refCols = { task_id: taskInstance.taskId, map_index: taskInstance.mapIndex, state: taskInstance.state, rendered_map_index: taskInstance.renderedMapIndex };
      let mapped = null;
      if (isMapped) {
        const counts = await store.db.select({ state: taskInstance.state, n: count() }).from(taskInstance)
          .where(and(inRun, gte(taskInstance.mapIndex, 0))).groupBy(taskInstance.state);
        const instances = await store.db.select(refCols).from(taskInstance).where(and(inRun, gte(taskInstance.mapIndex, 0)))
          .orderBy(asc(taskInstance.mapIndex)).limit(LIST_LIMIT);
        mapped = {
          total: counts.reduce((a, r) => a + r.n, 0),
          counts: Object.fromEntries(counts.map((r) => [r.state ?? "none", r.n])),
          instances: instances.map((r) => ({ ...r, state: r.state ?? null })),
        };
      }

      const history = ti
        ? await store.db.select().from(taskInstanceHistory).where(and(
          eq(taskInstanceHistory.dagId, dagId), eq(taskInstanceHistory.runId, runId),
          eq(taskInstanceHistory.taskId, taskId), eq(taskInstanceHistory.mapIndex, mapIndex),
        )).orderBy(asc(taskInstanceHistory.tryNumber))
        : [];
      const tries = history.map((h) => ({
        try_number: h.tryNumber, state: h.state ?? null, start_date: iso(h.startDate), end_date: iso(h.endDate), duration: h.duration,
        hostname: h.hostname, queue: h.queue, error: h.error ? { name: h.error.name, message: h.error.message.slice(0, 2000) } : null, current: false,
      }));
      if (ti && ti.tryNumber > 0 && !history.some((h) => h.tryNumber === ti.tryNumber)) {
        tries.push({
          try_number: ti.tryNumber, state: ti.state ?? null, start_date: iso(ti.startDate), end_date: iso(ti.endDate), duration: ti.duration,
          hostname: ti.hostname, queue: ti.queue, error: null, current: true,
        });
      } else if (ti) {
        const last = tries.find((t) => t.try_number === ti.tryNumber);
        if (last) last.current = true;
      }

      const children = ti
        ? (await store.db.select(refCols).from(taskInstance)
          .where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId), eq(taskInstance.parentTaskId, taskId), eq(taskInstance.parentMapIndex, mapIndex)))
          .orderBy(asc(taskInstance.submitSeq)).limit(LIST_LIMIT)).map((r) => ({ ...r, state: r.state ?? null }))
        : [];

      const xcoms = ti
        ? await store.db.select({
          key: xcom.key, timestamp: xcom.timestamp,
          size: sql<number>`length(${xcom.value})`, preview: sql<string | null>`substr(${xcom.value}, 1, ${XCOM_PREVIEW_CHARS})`,
        }).from(xcom).where(and(eq(xcom.dagId, dagId), eq(xcom.runId, runId), eq(xcom.taskId, taskId), eq(xcom.mapIndex, mapIndex))).orderBy(asc(xcom.key))
        : [];

      // The command as it ran: from the newest try whose log has it.
      let ran: { command: string; tryNumber: number } | null = null;
      if (def?.shell) {
        for (const t of [...tries].reverse()) {
          const command = await commandFromLog(taskLogPath(deps.home, { dagId, runId, taskId, mapIndex, tryNumber: t.try_number }));
          if (command != null) {
            ran = { command, tryNumber: t.try_number };
            break;
          }
        }
      }

      return c.json({
        dag_id: dagId, run_id: runId, task_id: taskId, map_index: mapIndex,
        run: { state: run.state, run_type: run.runType, logical_date: iso(run.logicalDate), dag_version_id: run.dagVersionId },
        instance: ti ? {
          state: ti.state ?? null, try_number: ti.tryNumber, max_tries: ti.maxTries,
          start_date: iso(ti.startDate), end_date: iso(ti.endDate), duration: ti.duration, queued_when: iso(ti.queuedDttm), updated_at: iso(ti.updatedAt),
          queue: ti.queue, pool: ti.pool, pool_slots: ti.poolSlots, hostname: ti.hostname, operator: ti.operator ?? null,
          priority_weight: ti.priorityWeight, executor: ti.executor, rendered_map_index: ti.renderedMapIndex, note: ti.note, next_retry_at: iso(ti.nextRetryAt),
          parent: ti.parentTaskId ? { task_id: ti.parentTaskId, map_index: ti.parentMapIndex ?? -1 } : null,
        } : null,
        tries, mapped, children,
        xcom: xcoms.map((x) => ({
          key: x.key, size: Number(x.size ?? 4), preview: x.preview ?? "null", truncated: Number(x.size ?? 0) > XCOM_PREVIEW_CHARS, timestamp: iso(x.timestamp),
        })),
        task: def && serialized ? taskDefinitionJson(serialized, def, !spec) : null,
        templates: def ? templateFields(def, ran) : [],
      }, 200);
    },
  );
}
