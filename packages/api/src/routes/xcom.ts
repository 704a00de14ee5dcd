// /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries: the XComs of a
// task instance (`~` for every DAG, run or task), and one entry with its value, stringified as
// Airflow does by default or as JSON.
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, count, eq, type SQL } from "drizzle-orm";
import { dagRun, xcom, type Store, type Xcom } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../types.ts";
import { requireScope } from "../auth.ts";
import { visibleDags } from "../dag-visibility.ts";
import { notFound } from "../problem.ts";
import { iso, orderBy, pageQuery } from "../pagination.ts";
import { pythonStr } from "../python-repr.ts";
import { loadTaskInstance, requireNamed, requireTask } from "../queries/task-instances.ts";
import { booleanParam, integerParam } from "../params.ts";
import { anyJson, errors, loadRun } from "./kit.ts";


const COLUMNS = {
  key: xcom.key, timestamp: xcom.timestamp, execution_date: dagRun.logicalDate, map_index: xcom.mapIndex,
  task_id: xcom.taskId, dag_id: xcom.dagId, dag_run_id: xcom.runId,
};
const TIE_BREAK = [asc(dagRun.logicalDate), asc(xcom.taskId), asc(xcom.dagId), asc(xcom.runId), asc(xcom.mapIndex), asc(xcom.key)];
const runOfXcom = and(eq(dagRun.dagId, xcom.dagId), eq(dagRun.runId, xcom.runId));

/** Airflow's `XComCollectionItem`: an entry without its value. */
function xcomItemJson(x: Xcom, logicalDate: Date | null) {
  return { dag_id: x.dagId, execution_date: iso(logicalDate), key: x.key, map_index: x.mapIndex, task_id: x.taskId, timestamp: iso(x.timestamp) };
}

async function page(store: Store, where: SQL[], order: SQL[], limit: number, offset: number) {
  const cond = where.length ? and(...where) : undefined;
  const [{ total }] = (await store.db.select({ total: count() }).from(xcom).innerJoin(dagRun, runOfXcom).where(cond)) as [{ total: number }];
  const rows = await store.db.select({ x: xcom, logicalDate: dagRun.logicalDate }).from(xcom).innerJoin(dagRun, runOfXcom)
    .where(cond).orderBy(...order, ...TIE_BREAK).limit(limit).offset(offset);
  return { xcom_entries: rows.map((r) => xcomItemJson(r.x, r.logicalDate)), total_entries: total };
}

export function registerXcom(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  app.use("/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id/xcomEntries", requireScope("read"));
  app.use("/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id/xcomEntries/*", requireScope("read"));
  const Ti = { dag_id: z.string(), dag_run_id: z.string(), task_id: z.string() };
  const base = "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries";

  app.openapi(
    createRoute({
      method: "get", path: base, tags: ["XCom"], summary: "List XCom entries (`~` as dag_id, dag_run_id or task_id for all)",
      request: { params: z.object(Ti), query: z.object({ ...pageQuery, map_index: integerParam.optional(), xcom_key: z.string().optional() }) },
      responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const { dag_id, dag_run_id, task_id } = c.req.valid("param");
      const q = c.req.valid("query");
      await requireNamed(store, dag_id, dag_run_id, visibleDags(c.get("principal"), dagRun.dagId));
      if (dag_id !== "~" && dag_run_id !== "~" && task_id !== "~") await requireTask(store, await loadRun(store, dag_id, dag_run_id), task_id);
      const where: SQL[] = [...visibleDags(c.get("principal"), xcom.dagId)];
      if (dag_id !== "~") where.push(eq(xcom.dagId, dag_id));
      if (dag_run_id !== "~") where.push(eq(xcom.runId, dag_run_id));
      if (task_id !== "~") where.push(eq(xcom.taskId, task_id));
      if (q.map_index !== undefined) where.push(eq(xcom.mapIndex, q.map_index));
      if (q.xcom_key !== undefined) where.push(eq(xcom.key, q.xcom_key));
      return c.json(await page(store, where, orderBy(q.order_by, COLUMNS, "execution_date"), q.limit, q.offset), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: `${base}/{xcom_key}`, tags: ["XCom"], summary: "Get an XCom entry",
      request: {
        params: z.object({ ...Ti, xcom_key: z.string() }),
        query: z.object({ map_index: integerParam.default(-1), deserialize: booleanParam.default(false), stringify: booleanParam.optional() }),
      },
      responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const { dag_id, dag_run_id, task_id, xcom_key } = c.req.valid("param");
      const q = c.req.valid("query");
      const { run } = await loadTaskInstance(store, dag_id, dag_run_id, task_id, q.map_index);
      const [x] = await store.db.select().from(xcom).where(and(
        eq(xcom.dagId, dag_id), eq(xcom.runId, dag_run_id), eq(xcom.taskId, task_id), eq(xcom.mapIndex, q.map_index), eq(xcom.key, xcom_key),
      ));
      if (!x) {
        const where = q.map_index === -1 ? "" : ` (map_index ${q.map_index})`;
        throw notFound(`XCom entry with key '${xcom_key}' not found for task '${task_id}'${where} in DAG run '${dag_run_id}' of DAG '${dag_id}'`);
      }
      // Airflow writes the value as Python's str() unless stringify=false; deserialize=true alone asks for the value itself.
      const native = q.stringify === false || (q.deserialize && q.stringify === undefined);
      const value = x.value ?? null;
      return c.json({ ...xcomItemJson(x, run.logicalDate), value: native ? value : pythonStr(value) }, 200);
    },
  );
}
