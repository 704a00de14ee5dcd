// /api/v1/eventLogs: the audit log (who did what to which DAG, run or task, and when), with
// Airflow 2.10's filters. Every mutating API call lands here (see the middleware in app.ts).
import { createRoute, z } from "@hono/zod-openapi";
import { and, count, eq, gt, inArray, lt, notInArray, type SQL } from "drizzle-orm";
import { dagRun, eventLog, type EventLog } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../types.ts";
import { requireScope } from "../auth.ts";
import { visibleDags } from "../dag-visibility.ts";
import { notFound } from "../problem.ts";
import { iso, orderBy, pageQuery } from "../pagination.ts";
import { errors, jsonOf } from "./kit.ts";
import { integerParam, isoDateTime } from "../params.ts";

const EventLogJson = z.object({
  event_log_id: z.number().int(),
  when: z.string(),
  dag_id: z.string().nullable(),
  task_id: z.string().nullable(),
  run_id: z.string().nullable(),
  map_index: z.number().int().nullable(),
  try_number: z.number().int().nullable(),
  event: z.string(),
  execution_date: z.string().nullable(),
  owner: z.string().nullable(),
  extra: z.string().nullable(),
});
const EventLogCollection = z.object({ event_logs: z.array(EventLogJson), total_entries: z.number().int() });

const eventNames = (text: string) => text.split(",").map((e) => e.trim()).filter(Boolean);

function eventLogJson(e: EventLog, logicalDate: Date | null) {
  return {
    event_log_id: e.id, when: iso(e.dttm)!, dag_id: e.dagId, task_id: e.taskId, run_id: e.runId, map_index: e.mapIndex,
    try_number: e.tryNumber, event: e.event, execution_date: iso(logicalDate), owner: e.owner, extra: e.extra,
  };
}

export function registerEventLogs(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  const columns = {
    event_log_id: eventLog.id, id: eventLog.id, when: eventLog.dttm, dag_id: eventLog.dagId, task_id: eventLog.taskId,
    run_id: eventLog.runId, map_index: eventLog.mapIndex, try_number: eventLog.tryNumber, event: eventLog.event,
    execution_date: dagRun.logicalDate, owner: eventLog.owner, extra: eventLog.extra,
  };
  app.use("/api/v1/eventLogs", requireScope("read"));
  app.use("/api/v1/eventLogs/*", requireScope("read"));
  // The run's logical date is Airflow's `execution_date` of an event about a run.
  const withRun = () => store.db.select({ e: eventLog, logicalDate: dagRun.logicalDate }).from(eventLog)
    .leftJoin(dagRun, and(eq(dagRun.dagId, eventLog.dagId), eq(dagRun.runId, eventLog.runId)));

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/eventLogs", tags: ["EventLog"], summary: "List log entries",
      request: {
        query: z.object({
          ...pageQuery,
          dag_id: z.string().optional().openapi({ description: "Returns objects matched by the DAG ID." }),
          task_id: z.string().optional().openapi({ description: "Returns objects matched by the Task ID." }),
          run_id: z.string().optional().openapi({ description: "Returns objects matched by the Run ID." }),
          map_index: integerParam.optional().openapi({ type: "integer", description: "Filter on map index for mapped task." }),
          try_number: integerParam.optional().openapi({ type: "integer", description: "Filter on try_number for task instance." }),
          event: z.string().optional().openapi({ description: "The name of event log." }),
          owner: z.string().optional().openapi({ description: "The owner's name of event log." }),
          before: isoDateTime.optional().openapi({ type: "string", format: "date-time", description: "Timestamp to select event logs occurring before." }),
          after: isoDateTime.optional().openapi({ type: "string", format: "date-time", description: "Timestamp to select event logs occurring after." }),
          included_events: z.string().optional().openapi({ description: "One or more event names separated by commas; only these are returned." }),
          excluded_events: z.string().optional().openapi({ description: "One or more event names separated by commas; these are left out." }),
        }),
      },
      responses: { 200: { description: "Success.", content: jsonOf(EventLogCollection) }, ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const order = orderBy(q.order_by, columns, "event_log_id");
      const where: SQL[] = [...visibleDags(c.get("principal"), eventLog.dagId)];
      if (q.dag_id !== undefined) where.push(eq(eventLog.dagId, q.dag_id));
      if (q.task_id !== undefined) where.push(eq(eventLog.taskId, q.task_id));
      if (q.run_id !== undefined) where.push(eq(eventLog.runId, q.run_id));
      if (q.map_index !== undefined) where.push(eq(eventLog.mapIndex, q.map_index));
      if (q.try_number !== undefined) where.push(eq(eventLog.tryNumber, q.try_number));
      if (q.event !== undefined) where.push(eq(eventLog.event, q.event));
      if (q.owner !== undefined) where.push(eq(eventLog.owner, q.owner));
      if (q.before) where.push(lt(eventLog.dttm, q.before));
      if (q.after) where.push(gt(eventLog.dttm, q.after));
      if (q.included_events) where.push(inArray(eventLog.event, eventNames(q.included_events)));
      if (q.excluded_events) where.push(notInArray(eventLog.event, eventNames(q.excluded_events)));
      const cond = where.length ? and(...where) : undefined;
      const [{ total }] = (await store.db.select({ total: count() }).from(eventLog).where(cond)) as [{ total: number }];
      const rows = await withRun().where(cond).orderBy(...order, eventLog.id).limit(q.limit).offset(q.offset);
      return c.json({ event_logs: rows.map((r) => eventLogJson(r.e, r.logicalDate)), total_entries: total }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/eventLogs/{event_log_id}", tags: ["EventLog"], summary: "Get a log entry",
      request: { params: z.object({ event_log_id: integerParam.openapi({ param: { name: "event_log_id", in: "path" }, type: "integer", description: "The event log ID." }) }) },
      responses: { 200: { description: "Success.", content: jsonOf(EventLogJson) }, ...errors },
    }),
    async (c) => {
      const { event_log_id } = c.req.valid("param");
      const [row] = await withRun().where(and(eq(eventLog.id, event_log_id), ...visibleDags(c.get("principal"), eventLog.dagId)));
      if (!row) throw notFound(`The Event Log with id: '${event_log_id}' was not found`);
      return c.json(eventLogJson(row.e, row.logicalDate), 200);
    },
  );
}
