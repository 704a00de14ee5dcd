// /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances: list (`~` for every DAG and run),
// the batch list POST /dags/~/dagRuns/~/taskInstances/list, get (unmapped and mapped),
// listMapped, the tries of an instance (its history rows and the current try), and a try's log.
import { createRoute, z, type RouteConfig } from "@hono/zod-openapi";
import { and, asc, count, eq, gte, inArray, isNull, lte, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { TypedResponse } from "hono";
import { dagRun, type Store, taskInstance, taskInstanceHistory } from "@updraft/store";
import { taskLogPath } from "@updraft/scheduler";
import type { ApiApp, ApiDeps } from "../types.ts";
import { requireScope } from "../auth.ts";
import { visibleDags } from "../dag-visibility.ts";
import { badRequest, notFound } from "../problem.ts";
import { MAX_PAGE_LIMIT, orderBy, pageQuery } from "../pagination.ts";
import { taskInstanceJson, triesOf, type TaskInstanceJson } from "../task-instance-json.ts";
import { decodeLogToken, encodeLogToken, LOG_CHUNK_BYTES, readLogChunk, streamLog, streamLogJson, wantsText } from "../task-log-reader.ts";
import { anyJson, errors, loadRun, jsonBody } from "./kit.ts";
import { instanceOf, loadTaskInstance, requireNamed, taskSpec } from "../queries/task-instances.ts";
import { booleanParam, integerParam, isoDateTime, numberParam } from "../params.ts";


/** Airflow's task states (the spec's `TaskState`); `none` (or null in a body) is an instance that has no state yet. */
export const TASK_STATES = [
  "success", "running", "failed", "upstream_failed", "skipped", "up_for_retry", "up_for_reschedule", "queued", "none",
  "scheduled", "deferred", "removed", "restarting",
] as const;

const stringList = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : [v].flat()));
const stateList = stringList.transform((states, ctx) => {
  for (const s of states) {
    if (!(TASK_STATES as readonly string[]).includes(s)) ctx.addIssue({ code: "custom", message: `"${s}" is not a task state; use one of ${TASK_STATES.join(", ")}` });
  }
  return states;
});

const rangeFilters = {
  execution_date_gte: isoDateTime.optional(), execution_date_lte: isoDateTime.optional(),
  start_date_gte: isoDateTime.optional(), start_date_lte: isoDateTime.optional(),
  end_date_gte: isoDateTime.optional(), end_date_lte: isoDateTime.optional(),
  updated_at_gte: isoDateTime.optional(), updated_at_lte: isoDateTime.optional(),
};
const queryFilters = {
  ...rangeFilters,
  duration_gte: numberParam.optional(), duration_lte: numberParam.optional(),
  state: stateList, pool: stringList, queue: stringList, executor: stringList,
};

type Maybe<T> = T | null | undefined;
interface Filters {
  dagIds?: string[]; runIds?: string[]; taskIds?: string[]; states?: Array<string | null>;
  pools?: string[]; queues?: string[]; executors?: string[];
  execution_date_gte?: Maybe<Date>; execution_date_lte?: Maybe<Date>; start_date_gte?: Maybe<Date>; start_date_lte?: Maybe<Date>;
  end_date_gte?: Maybe<Date>; end_date_lte?: Maybe<Date>; updated_at_gte?: Maybe<Date>; updated_at_lte?: Maybe<Date>;
  duration_gte?: Maybe<number>; duration_lte?: Maybe<number>;
}

function conditions(f: Filters): SQL[] {
  const w: SQL[] = [];
  const anyOf = (values: string[] | undefined, col: SQLiteColumn) => {
    if (values?.length) w.push(inArray(col, values));
  };
  anyOf(f.dagIds, taskInstance.dagId);
  anyOf(f.runIds, taskInstance.runId);
  anyOf(f.taskIds, taskInstance.taskId);
  anyOf(f.pools, taskInstance.pool);
  anyOf(f.queues, taskInstance.queue);
  anyOf(f.executors, taskInstance.executor);
  if (f.states?.length) {
    const named = f.states.filter((s): s is string => s != null && s !== "none");
    const none = named.length < f.states.length;
    const parts = [...(named.length ? [inArray(taskInstance.state, named as Array<"queued">)] : []), ...(none ? [isNull(taskInstance.state)] : [])];
    w.push(parts.length === 1 ? parts[0]! : or(...parts)!);
  }
  const ranges: Array<[Maybe<Date | number>, Maybe<Date | number>, SQLiteColumn]> = [
    [f.execution_date_gte, f.execution_date_lte, dagRun.logicalDate], [f.start_date_gte, f.start_date_lte, taskInstance.startDate],
    [f.end_date_gte, f.end_date_lte, taskInstance.endDate], [f.updated_at_gte, f.updated_at_lte, taskInstance.updatedAt],
    [f.duration_gte, f.duration_lte, taskInstance.duration],
  ];
  for (const [from, to, col] of ranges) {
    if (from != null) w.push(gte(col, from));
    if (to != null) w.push(lte(col, to));
  }
  return w;
}

const COLUMNS = {
  task_id: taskInstance.taskId, dag_id: taskInstance.dagId, dag_run_id: taskInstance.runId, map_index: taskInstance.mapIndex,
  state: taskInstance.state, start_date: taskInstance.startDate, end_date: taskInstance.endDate, duration: taskInstance.duration,
  try_number: taskInstance.tryNumber, max_tries: taskInstance.maxTries, pool: taskInstance.pool, queue: taskInstance.queue,
  priority_weight: taskInstance.priorityWeight, queued_when: taskInstance.queuedDttm, updated_at: taskInstance.updatedAt,
  execution_date: dagRun.logicalDate, operator: taskInstance.operator, hostname: taskInstance.hostname, executor: taskInstance.executor,
};
// After the requested order, a stable one: the same page twice is the same page.
const TIE_BREAK = [asc(dagRun.logicalDate), asc(taskInstance.dagId), asc(taskInstance.runId), asc(taskInstance.taskId), asc(taskInstance.mapIndex)];
const runOfTi = and(eq(dagRun.dagId, taskInstance.dagId), eq(dagRun.runId, taskInstance.runId));

async function page(store: Store, where: SQL[], order: SQL[], limit: number, offset: number) {
  const cond = where.length ? and(...where) : undefined;
  const [{ total }] = (await store.db.select({ total: count() }).from(taskInstance).innerJoin(dagRun, runOfTi).where(cond)) as [{ total: number }];
  const rows = await store.db.select({ ti: taskInstance, logicalDate: dagRun.logicalDate }).from(taskInstance).innerJoin(dagRun, runOfTi)
    .where(cond).orderBy(...order, ...TIE_BREAK).limit(limit).offset(offset);
  return { task_instances: rows.map((r) => taskInstanceJson(r.ti, r.logicalDate)), total_entries: total };
}



async function historyOf(store: Store, dagId: string, runId: string, taskId: string, mapIndex: number) {
  return store.db.select().from(taskInstanceHistory).where(and(
    eq(taskInstanceHistory.dagId, dagId), eq(taskInstanceHistory.runId, runId),
    eq(taskInstanceHistory.taskId, taskId), eq(taskInstanceHistory.mapIndex, mapIndex),
  ));
}

const TRY_FIELDS = ["try_number", "start_date", "end_date", "duration", "state", "hostname", "queue"] as const satisfies ReadonlyArray<keyof TaskInstanceJson>;

function sortTries(tries: TaskInstanceJson[], order: string | undefined): TaskInstanceJson[] {
  const text = order ?? "try_number";
  const field = text.replace(/^-/, "") as (typeof TRY_FIELDS)[number];
  if (!TRY_FIELDS.includes(field)) throw badRequest(`order_by: "${field}" is not a field to order tries by; use one of ${TRY_FIELDS.join(", ")}`);
  const sign = text.startsWith("-") ? -1 : 1;
  const key = (t: TaskInstanceJson) => t[field];
  return [...tries].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === y) return a.try_number - b.try_number;
    if (x == null) return 1;
    if (y == null) return -1;
    return (x < y ? -1 : 1) * sign;
  });
}

const mapSuffix = (mapIndex: number) => (mapIndex === -1 ? "" : ` (map_index ${mapIndex})`);

async function loadTries(store: Store, dagId: string, runId: string, taskId: string, mapIndex: number) {
  const { run, ti } = await loadTaskInstance(store, dagId, runId, taskId, mapIndex);
  const history = await historyOf(store, run.dagId, run.runId, taskId, mapIndex);
  return { run, ti, history, tries: triesOf(ti, history, run.logicalDate) };
}

function oneTry(tries: TaskInstanceJson[], n: number, taskId: string, runId: string, mapIndex: number): TaskInstanceJson {
  const t = tries.find((x) => x.try_number === n);
  if (!t) {
    const known = tries.length ? `; its tries are ${tries.map((x) => x.try_number).join(", ")}` : "; it has not run yet";
    throw notFound(`Task instance '${taskId}'${mapSuffix(mapIndex)} in DAG run '${runId}' has no try ${n}${known}`);
  }
  return t;
}

/**
 * A route whose `{map_index}` segment matches integers only, so that …/{task_id}/{map_index} never
 * takes …/{task_id}/links or another literal path; the document shows the plain path.
 */
function integerMapIndex<R extends RouteConfig>(app: ApiApp, route: R): R {
  app.openAPIRegistry.registerPath(route);
  const path = route.path.replaceAll(/\/{(.+?)}/g, "/:$1").replace("/:map_index", "/:map_index{-?[0-9]+}");
  return { ...route, path, hide: true };
}

export function registerTaskInstances(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  app.use("/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances", requireScope("read"));
  app.use("/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/*", requireScope("read"));

  const Run = { dag_id: z.string(), dag_run_id: z.string() };
  const Ti = { ...Run, task_id: z.string() };
  const MapIndex = { map_index: z.coerce.number().int().openapi({ param: { name: "map_index", in: "path" }, type: "integer" }) };
  const TryNumber = { task_try_number: z.coerce.number().int().min(1).openapi({ param: { name: "task_try_number", in: "path" }, type: "integer" }) };
  const base = "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances";
  const tag = ["TaskInstance"];

  app.openapi(
    createRoute({
      method: "post", path: "/api/v1/dags/~/dagRuns/~/taskInstances/list", tags: tag, summary: "List task instances (batch)",
      request: {
        body: jsonBody(z.object({
                order_by: z.string().optional(),
                page_offset: z.number().int().min(0).default(0),
                page_limit: z.number().int().min(1).max(MAX_PAGE_LIMIT).default(100),
                dag_ids: z.array(z.string()).nullish(),
                dag_run_ids: z.array(z.string()).nullish(),
                task_ids: z.array(z.string()).nullish(),
                state: z.array(z.enum(TASK_STATES).nullable()).nullish(),
                pool: z.array(z.string()).nullish(),
                queue: z.array(z.string()).nullish(),
                executor: z.array(z.string()).nullish(),
                duration_gte: z.number().nullish(),
                duration_lte: z.number().nullish(),
                execution_date_gte: isoDateTime.nullish(), execution_date_lte: isoDateTime.nullish(),
                start_date_gte: isoDateTime.nullish(), start_date_lte: isoDateTime.nullish(),
                end_date_gte: isoDateTime.nullish(), end_date_lte: isoDateTime.nullish(),
                updated_at_gte: isoDateTime.nullish(), updated_at_lte: isoDateTime.nullish(),
              }).strict()),
      },
      responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const where = conditions({
        ...b, dagIds: b.dag_ids ?? [], runIds: b.dag_run_ids ?? [], taskIds: b.task_ids ?? [], states: b.state ?? [],
        pools: b.pool ?? [], queues: b.queue ?? [], executors: b.executor ?? [],
      });
      where.push(...visibleDags(c.get("principal"), taskInstance.dagId));
      return c.json(await page(store, where, orderBy(b.order_by, COLUMNS, "execution_date"), b.page_limit, b.page_offset), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: base, tags: tag, summary: "List task instances (`~` as dag_id and dag_run_id for all DAGs and runs)",
      request: { params: z.object(Run), query: z.object({ ...pageQuery, ...queryFilters }) },
      responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const { dag_id, dag_run_id } = c.req.valid("param");
      const q = c.req.valid("query");
      await requireNamed(store, dag_id, dag_run_id, visibleDags(c.get("principal"), dagRun.dagId));
      const where = conditions({
        ...q, dagIds: dag_id === "~" ? [] : [dag_id], runIds: dag_run_id === "~" ? [] : [dag_run_id],
        states: q.state, pools: q.pool, queues: q.queue, executors: q.executor,
      });
      where.push(...visibleDags(c.get("principal"), taskInstance.dagId));
      return c.json(await page(store, where, orderBy(q.order_by, COLUMNS, "execution_date"), q.limit, q.offset), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: `${base}/{task_id}/listMapped`, tags: tag, summary: "List mapped task instances",
      request: { params: z.object(Ti), query: z.object({ ...pageQuery, ...queryFilters }) },
      responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const { dag_id, dag_run_id, task_id } = c.req.valid("param");
      const q = c.req.valid("query");
      const run = await loadRun(store, dag_id, dag_run_id);
      const spec = await taskSpec(store, run, task_id);
      const [{ n }] = (await store.db.select({ n: count() }).from(taskInstance).where(and(instanceOf(run, task_id), gte(taskInstance.mapIndex, 0)))) as [{ n: number }];
      if (n === 0) {
        if (!spec) throw notFound(`Task with id '${task_id}' not found in DAG '${run.dagId}'`);
        if (!spec.expand) throw notFound(`Task with id '${task_id}' in DAG '${run.dagId}' is not mapped`);
      }
      const where = [
        eq(taskInstance.dagId, run.dagId), eq(taskInstance.runId, run.runId), eq(taskInstance.taskId, task_id), gte(taskInstance.mapIndex, 0),
        ...conditions({ ...q, states: q.state, pools: q.pool, queues: q.queue, executors: q.executor }),
      ];
      return c.json(await page(store, where, orderBy(q.order_by, COLUMNS, "map_index"), q.limit, q.offset), 200);
    },
  );

  const triesQuery = z.object({ ...pageQuery });
  const listTries = async (p: { dag_id: string; dag_run_id: string; task_id: string }, mapIndex: number, q: z.infer<typeof triesQuery>) => {
    const { tries } = await loadTries(store, p.dag_id, p.dag_run_id, p.task_id, mapIndex);
    return { task_instances: sortTries(tries, q.order_by).slice(q.offset, q.offset + q.limit), total_entries: tries.length };
  };
  const getTry = async (p: { dag_id: string; dag_run_id: string; task_id: string; task_try_number: number }, mapIndex: number) => {
    const { tries } = await loadTries(store, p.dag_id, p.dag_run_id, p.task_id, mapIndex);
    return oneTry(tries, p.task_try_number, p.task_id, p.dag_run_id, mapIndex);
  };

  app.openapi(
    createRoute({
      method: "get", path: `${base}/{task_id}/tries`, tags: tag, summary: "List task instance tries",
      request: { params: z.object(Ti), query: triesQuery }, responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => c.json(await listTries(c.req.valid("param"), -1, c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "get", path: `${base}/{task_id}/tries/{task_try_number}`, tags: tag, summary: "Get a task instance try",
      request: { params: z.object({ ...Ti, ...TryNumber }) }, responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => c.json(await getTry(c.req.valid("param"), -1), 200),
  );

  app.openapi(
    createRoute({
      method: "get", path: `${base}/{task_id}/logs/{task_try_number}`, tags: tag, summary: "Get the log of a try (text/plain when asked for, else JSON)",
      request: {
        params: z.object({ ...Ti, ...TryNumber }),
        query: z.object({ full_content: booleanParam.default(false), map_index: integerParam.default(-1), token: z.string().optional() }),
      },
      responses: {
        200: {
          description: "Success.",
          content: { "application/json": { schema: z.object({ content: z.string(), continuation_token: z.string() }) }, "text/plain": { schema: z.string() } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { dag_id, dag_run_id, task_id, task_try_number: n } = c.req.valid("param");
      const q = c.req.valid("query");
      const token = q.token === undefined ? null : decodeLogToken(q.token);
      if (q.token !== undefined && !token) throw badRequest("token: not a continuation token this API handed out");
      const { run, history, tries } = await loadTries(store, dag_id, dag_run_id, task_id, q.map_index);
      oneTry(tries, n, task_id, dag_run_id, q.map_index);
      const path = taskLogPath(deps.home, { dagId: run.dagId, runId: run.runId, taskId: task_id, mapIndex: q.map_index, tryNumber: n });
      // A try has ended once history has its row; until then more lines may come.
      const ended = history.some((h) => h.tryNumber === n);
      const from = q.full_content ? 0 : (token?.log_pos ?? 0);
      if (wantsText(c.req.header("accept"))) {
        const body = await streamLog(path, from);
        if (typeof body === "string") return c.text(body, 200);
        // The route's typed responses know text only as a string: the stream is that string.
        return c.body(body, 200, { "content-type": "text/plain; charset=utf-8" }) as unknown as Response & TypedResponse<string, 200, "text">;
      }
      if (q.full_content) {
        // The whole log, however large, streamed as the same JSON answer.
        const body = await streamLogJson(path, from, ended);
        return c.body(body, 200, { "content-type": "application/json" }) as unknown as Response & TypedResponse<{ content: string; continuation_token: string }, 200, "json">;
      }
      const chunk = await readLogChunk(path, from, LOG_CHUNK_BYTES);
      return c.json({ content: chunk.content, continuation_token: encodeLogToken({ log_pos: chunk.pos, end_of_log: ended && chunk.atEnd }) }, 200);
    },
  );

  app.openapi(
    integerMapIndex(app, createRoute({
      method: "get", path: `${base}/{task_id}/{map_index}/tries`, tags: tag, summary: "List mapped task instance tries",
      request: { params: z.object({ ...Ti, ...MapIndex }), query: triesQuery }, responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    })),
    async (c) => {
      const p = c.req.valid("param");
      return c.json(await listTries(p, p.map_index, c.req.valid("query")), 200);
    },
  );

  app.openapi(
    integerMapIndex(app, createRoute({
      method: "get", path: `${base}/{task_id}/{map_index}/tries/{task_try_number}`, tags: tag, summary: "Get a mapped task instance try",
      request: { params: z.object({ ...Ti, ...MapIndex, ...TryNumber }) }, responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    })),
    async (c) => {
      const p = c.req.valid("param");
      return c.json(await getTry(p, p.map_index), 200);
    },
  );

  app.openapi(
    integerMapIndex(app, createRoute({
      method: "get", path: `${base}/{task_id}/{map_index}`, tags: tag, summary: "Get a mapped task instance",
      request: { params: z.object({ ...Ti, ...MapIndex }) }, responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    })),
    async (c) => {
      const p = c.req.valid("param");
      const { run, ti } = await loadTaskInstance(store, p.dag_id, p.dag_run_id, p.task_id, p.map_index);
      return c.json(taskInstanceJson(ti, run.logicalDate), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: `${base}/{task_id}`, tags: tag, summary: "Get a task instance",
      request: { params: z.object(Ti) }, responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const p = c.req.valid("param");
      const { run, ti } = await loadTaskInstance(store, p.dag_id, p.dag_run_id, p.task_id, -1);
      return c.json(taskInstanceJson(ti, run.logicalDate), 200);
    },
  );
}
