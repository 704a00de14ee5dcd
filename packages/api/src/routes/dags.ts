// /api/v1/dags: list, get, details, pause/unpause (PATCH with update_mask, one DAG or every DAG
// matching `dag_id_pattern`), delete, tasks, and /api/v1/dagSources/{file_token} (the stored
// source text of the DAG's file; the token is signed, see file-token.ts).
import { createRoute, z } from "@hono/zod-openapi";
import { and, count, eq, inArray, sql, type SQL } from "drizzle-orm";
import { dag, dagVersion, deleteDag, type Store } from "@updraft/store";
import type { SerializedDag, SerializedTask } from "@updraft/sdk";
import type { ApiApp, ApiDeps } from "../types.ts";
import { isReadMethod, requireScope } from "../auth.ts";
import { visibleDags } from "../dag-visibility.ts";
import { badRequest, conflict, notFound } from "../problem.ts";
import { orderBy, pageQuery } from "../pagination.ts";
import { dagJson } from "../serialize.ts";
import type { FileTokens } from "../file-token.ts";
import { nextScheduledInterval } from "../dag-schedule-info.ts";
import { anyJson, problemJson, errors, jsonBody, parseUpdateMask, updateMaskQuery } from "./kit.ts";
import { likeContains } from "./ui/kit.ts";
import { serializedDag } from "../queries/dags.ts";

const DagId = z.string().openapi({ param: { name: "dag_id", in: "path" }, description: "The DAG ID." });

async function loadDag(store: Store, dagId: string) {
  const [row] = await store.db.select().from(dag).where(eq(dag.dagId, dagId));
  if (!row) throw notFound(`DAG with dag_id: '${dagId}' not found`);
  return row;
}

const ms = (n: number | null) => (n == null ? null : { __type: "TimeDelta", days: Math.floor(n / 86_400_000), seconds: Math.floor((n % 86_400_000) / 1000), microseconds: (n % 1000) * 1000 });

export function taskJson(t: SerializedTask, s: SerializedDag, downstream: string[]) {
  return {
    task_id: t.id,
    task_display_name: t.id,
    owner: t.owner ?? "airflow",
    start_date: s.startDate,
    end_date: s.endDate,
    trigger_rule: t.triggerRule,
    extra_links: [],
    depends_on_past: t.dependsOnPast,
    is_mapped: t.expand !== null,
    wait_for_downstream: false,
    retries: t.retries,
    queue: t.queue,
    executor: null,
    pool: t.pool,
    pool_slots: t.poolSlots,
    execution_timeout: ms(t.executionTimeoutMs),
    retry_delay: ms(t.retryDelayMs),
    retry_exponential_backoff: t.retryExponentialBackoff,
    priority_weight: t.priorityWeight,
    weight_rule: "downstream",
    ui_color: "#fff",
    ui_fgcolor: "#000",
    template_fields: t.shell ? ["command", "env"] : [],
    downstream_task_ids: downstream,
    doc_md: t.doc,
    class_ref: { module_path: "@updraft/sdk", class_name: { task: "task", shell: "shell", sensor: "sensor", branch: "branch", short_circuit: "shortCircuit" }[t.kind] },
  };
}

const boolParam = z.enum(["true", "false"]);

export function registerDags(app: ApiApp, deps: ApiDeps, fileTokens: FileTokens): void {
  const { store } = deps;
  /** Airflow's DAG object for a row: its structure, its signed file token, its next scheduled run. */
  const dagOf = async (d: typeof dag.$inferSelect, s?: SerializedDag | null) => {
    const serialized = s === undefined ? await serializedDag(store, d.dagId) : s;
    return dagJson(d, serialized, { fileToken: fileTokens.sign(d.fileloc), next: await nextScheduledInterval(store, d.dagId, serialized) });
  };
  const columns = { dag_id: dag.dagId, last_parsed_time: dag.lastParsedTime, fileloc: dag.fileloc, is_paused: dag.isPaused, next_dagrun: dag.nextDagrun };

  app.use("/api/v1/dags", async (c, next) => (isReadMethod(c.req.method) ? requireScope("read")(c, next) : requireScope("edit")(c, next)));
  app.use("/api/v1/dags/:dag_id", async (c, next) => (isReadMethod(c.req.method) ? requireScope("read")(c, next) : requireScope("edit")(c, next)));
  app.use("/api/v1/dags/:dag_id/details", requireScope("read"));
  app.use("/api/v1/dags/:dag_id/tasks", requireScope("read"));
  app.use("/api/v1/dags/:dag_id/tasks/*", requireScope("read"));
  app.use("/api/v1/dagSources/*", requireScope("read"));

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/dags", tags: ["DAG"], summary: "List DAGs",
      request: {
        query: z.object({
          ...pageQuery,
          tags: z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
          only_active: z.enum(["true", "false"]).default("true").transform((v) => v === "true"),
          paused: z.enum(["true", "false"]).optional().transform((v) => (v === undefined ? undefined : v === "true")),
          dag_id_pattern: z.string().optional(),
        }),
      },
      responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const where: SQL[] = [...visibleDags(c.get("principal"), dag.dagId)];
      if (q.only_active) where.push(eq(dag.isActive, true));
      if (q.paused !== undefined) where.push(eq(dag.isPaused, q.paused));
      // A substring of the id, ignoring case as Airflow's ilike; `_`, `%` and `\` in it match themselves.
      if (q.dag_id_pattern) where.push(likeContains(dag.dagId, q.dag_id_pattern));
      for (const t of q.tags) where.push(sql`exists (select 1 from json_each(${dag.tags}) where json_each.value = ${t})`);
      const cond = where.length ? and(...where) : undefined;
      const [{ total }] = (await store.db.select({ total: count() }).from(dag).where(cond)) as [{ total: number }];
      const rows = await store.db.select().from(dag).where(cond).orderBy(...orderBy(q.order_by, columns, "dag_id")).limit(q.limit).offset(q.offset);
      const dags = [];
      for (const d of rows) dags.push(await dagOf(d));
      return c.json({ dags, total_entries: total }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch", path: "/api/v1/dags", tags: ["DAG"], summary: "Pause or unpause every DAG matching dag_id_pattern (`~` for all)",
      request: {
        query: z.object({
          limit: pageQuery.limit, offset: pageQuery.offset,
          tags: z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : [v].flat())),
          update_mask: updateMaskQuery,
          only_active: boolParam.default("true").transform((v) => v === "true"),
          dag_id_pattern: z.string().openapi({ description: "A substring of the DAG ids to update (ignoring case), or `~` for every DAG." }),
        }),
        body: jsonBody(z.object({ is_paused: z.boolean() }).passthrough()),
      },
      responses: { 200: { description: "Success: the DAGs updated.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      parseUpdateMask(q.update_mask, ["is_paused"]);
      const { is_paused } = c.req.valid("json");
      // Only the DAGs the credentials may see: a portal token pauses its own DAGs, not others'.
      const where: SQL[] = [...visibleDags(c.get("principal"), dag.dagId)];
      if (q.only_active) where.push(eq(dag.isActive, true));
      if (q.dag_id_pattern !== "~") where.push(likeContains(dag.dagId, q.dag_id_pattern));
      for (const t of q.tags) where.push(sql`exists (select 1 from json_each(${dag.tags}) where json_each.value = ${t})`);
      const cond = where.length ? and(...where) : undefined;
      const [{ total }] = (await store.db.select({ total: count() }).from(dag).where(cond)) as [{ total: number }];
      const ids = (await store.db.select({ id: dag.dagId }).from(dag).where(cond).orderBy(dag.dagId).limit(q.limit).offset(q.offset)).map((r) => r.id);
      if (ids.length) await store.write((tx) => tx.update(dag).set({ isPaused: is_paused }).where(inArray(dag.dagId, ids)));
      const rows = ids.length ? await store.db.select().from(dag).where(inArray(dag.dagId, ids)).orderBy(dag.dagId) : [];
      const dags = [];
      for (const d of rows) dags.push(await dagOf(d));
      return c.json({ dags, total_entries: total }, 200);
    },
  );

  app.openapi(
    createRoute({ method: "get", path: "/api/v1/dags/{dag_id}", tags: ["DAG"], summary: "Get basic information about a DAG", request: { params: z.object({ dag_id: DagId }) }, responses: { 200: { description: "Success.", content: anyJson }, ...errors } }),
    async (c) => {
      const d = await loadDag(store, c.req.valid("param").dag_id);
      return c.json(await dagOf(d), 200);
    },
  );

  app.openapi(
    createRoute({ method: "get", path: "/api/v1/dags/{dag_id}/details", tags: ["DAG"], summary: "Get a simplified representation of a DAG", request: { params: z.object({ dag_id: DagId }) }, responses: { 200: { description: "Success.", content: anyJson }, ...errors } }),
    async (c) => {
      const d = await loadDag(store, c.req.valid("param").dag_id);
      const s = await serializedDag(store, d.dagId);
      return c.json({
        ...(await dagOf(d, s)),
        timezone: s?.timezone ?? "UTC",
        catchup: s?.catchup ?? false,
        orientation: "LR",
        concurrency: d.maxActiveTasks,
        start_date: s?.startDate ?? null,
        end_date: s?.endDate ?? null,
        dag_run_timeout: ms(s?.dagrunTimeoutMs ?? null),
        dataset_expression: null,
        doc_md: s?.description ?? null,
        params: Object.fromEntries(Object.entries(s?.params ?? {}).map(([k, v]) => [k, { __class: "airflow.models.param.Param", value: v, description: null, schema: {} }])),
        is_paused_upon_creation: s?.isPausedUponCreation ?? null,
        last_parsed: d.lastParsedTime?.toISOString() ?? null,
        template_search_path: null,
        render_template_as_native_obj: false,
      }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch", path: "/api/v1/dags/{dag_id}", tags: ["DAG"], summary: "Pause or unpause a DAG",
      request: {
        params: z.object({ dag_id: DagId }),
        query: z.object({ update_mask: z.union([z.string(), z.array(z.string())]).optional() }),
        body: jsonBody(z.object({ is_paused: z.boolean() }).passthrough()),
      },
      responses: { 200: { description: "Success.", content: anyJson }, ...errors },
    }),
    async (c) => {
      const { dag_id } = c.req.valid("param");
      const mask = [c.req.valid("query").update_mask ?? []].flat().flatMap((m) => m.split(",")).map((m) => m.trim()).filter(Boolean);
      for (const m of mask) if (m !== "is_paused") throw badRequest(`update_mask: "${m}" cannot be updated; only is_paused can`);
      const body = c.req.valid("json");
      await loadDag(store, dag_id);
      await store.write((tx) => tx.update(dag).set({ isPaused: body.is_paused }).where(eq(dag.dagId, dag_id)));
      const d = await loadDag(store, dag_id);
      return c.json(await dagOf(d), 200);
    },
  );

  app.openapi(
    createRoute({ method: "delete", path: "/api/v1/dags/{dag_id}", tags: ["DAG"], summary: "Delete a DAG and its metadata", request: { params: z.object({ dag_id: DagId }) }, responses: { 204: { description: "Success." }, 409: { description: "An existing resource conflicts with the request.", content: problemJson }, ...errors } }),
    async (c) => {
      const { dag_id } = c.req.valid("param");
      // Runs, task instances, tries, XComs, versions and the file's import error, as Airflow's delete_dag.
      const result = await deleteDag(store, dag_id);
      if (result.status === "unknown") throw notFound(`DAG with dag_id: '${dag_id}' not found`);
      if (result.status === "active") throw conflict(`DAG "${dag_id}" has queued or running runs; wait for them or mark them failed first`);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({ method: "get", path: "/api/v1/dags/{dag_id}/tasks", tags: ["DAG"], summary: "Get tasks for DAG", request: { params: z.object({ dag_id: DagId }), query: z.object({ order_by: z.string().optional() }) }, responses: { 200: { description: "Success.", content: anyJson }, ...errors } }),
    async (c) => {
      const { dag_id } = c.req.valid("param");
      await loadDag(store, dag_id);
      const s = (await serializedDag(store, dag_id))!;
      const downstream = new Map<string, string[]>(s.tasks.map((t) => [t.id, []]));
      for (const t of s.tasks) for (const u of t.upstream) downstream.get(u)!.push(t.id);
      let tasks = s.tasks.map((t) => taskJson(t, s, downstream.get(t.id)!));
      const ob = c.req.valid("query").order_by;
      if (ob) {
        const field = ob.replace(/^-/, "") as keyof (typeof tasks)[number];
        if (!tasks[0] || !(field in tasks[0])) throw badRequest(`order_by: "${String(field)}" is not a task field`);
        tasks = [...tasks].sort((a, b) => String(a[field]).localeCompare(String(b[field])) * (ob.startsWith("-") ? -1 : 1));
      }
      return c.json({ tasks, total_entries: tasks.length }, 200);
    },
  );

  app.openapi(
    createRoute({ method: "get", path: "/api/v1/dags/{dag_id}/tasks/{task_id}", tags: ["DAG"], summary: "Get simplified representation of a task", request: { params: z.object({ dag_id: DagId, task_id: z.string() }) }, responses: { 200: { description: "Success.", content: anyJson }, ...errors } }),
    async (c) => {
      const { dag_id, task_id } = c.req.valid("param");
      await loadDag(store, dag_id);
      const s = (await serializedDag(store, dag_id))!;
      const t = s.tasks.find((x) => x.id === task_id);
      if (!t) throw notFound(`Task with id '${task_id}' not found in DAG '${dag_id}'`);
      return c.json(taskJson(t, s, s.tasks.filter((x) => x.upstream.includes(task_id)).map((x) => x.id)), 200);
    },
  );

  app.openapi(
    createRoute({ method: "get", path: "/api/v1/dagSources/{file_token}", tags: ["DagSource"], summary: "Get a source code", request: { params: z.object({ file_token: z.string() }) }, responses: { 200: { description: "Success.", content: { "application/json": { schema: z.object({ content: z.string() }) }, "text/plain": { schema: z.string() } } }, ...errors } }),
    async (c) => {
      const fileloc = fileTokens.verify(c.req.valid("param").file_token);
      // A token this server did not sign answers as one of a file without a DAG: take tokens from a DAG's file_token.
      if (fileloc === null) throw notFound(`no DAG source for file token ${c.req.param("file_token")}`);
      const [row] = await store.db.select({ source: dagVersion.source }).from(dag)
        .innerJoin(dagVersion, and(eq(dagVersion.dagId, dag.dagId), eq(dagVersion.versionHash, dag.versionHash)))
        .where(and(eq(dag.fileloc, fileloc), ...visibleDags(c.get("principal"), dag.dagId))).limit(1);
      if (!row) throw notFound(`no DAG source for file token ${c.req.param("file_token")}`);
      if ((c.req.header("accept") ?? "").includes("text/plain")) return c.text(row.source, 200);
      return c.json({ content: row.source }, 200);
    },
  );
}
