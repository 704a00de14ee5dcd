// A task instance's note (PATCH …/setNote, unmapped and mapped), why it is not running
// (GET …/dependencies, unmapped and mapped: the scheduler's own readiness checks, see
// @updraft/scheduler's taskInstanceDependencies) and its extra links (GET …/links: Updraft's
// operators define none, so the list is empty, in Airflow's shape).
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { runDagVersion, taskInstance } from "@updraft/store";
import { taskInstanceDependencies } from "@updraft/scheduler";
import type { ApiApp, ApiDeps } from "../types.ts";
import { requireScope } from "../auth.ts";
import { taskInstanceJson } from "../task-instance-json.ts";
import { notFound } from "../problem.ts";
import { anyJson, errors, jsonBody, jsonOf, loadRun } from "./kit.ts";
import { loadTaskInstance } from "../queries/task-instances.ts";
import { integerParam } from "../params.ts";

const base = "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}";
const Ti = { dag_id: z.string(), dag_run_id: z.string(), task_id: z.string() };
const MapIndex = { map_index: integerParam.openapi({ param: { name: "map_index", in: "path" }, type: "integer" }) };
/** Airflow's notes are at most 1000 characters (the `note` column of task_instance_note). */
const NOTE_MAX = 1000;
const NoteBody = z.object({ note: z.string().max(NOTE_MAX, `note: at most ${NOTE_MAX} characters`) });
const Dependencies = z.object({ dependencies: z.array(z.object({ name: z.string(), reason: z.string() })) });
const Links = z.object({ extra_links: z.array(z.object({ name: z.string(), href: z.string(), class_ref: z.object({ class_name: z.string(), module_path: z.string() }) })) });

export function registerTaskInstanceExtras(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  // Notes change the instance (Airflow: can_edit on Task Instances); the routes' reads need `read`
  // (registered with the task-instance routes).
  app.use("/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id/setNote", requireScope("edit"));
  app.use("/api/v1/dags/:dag_id/dagRuns/:dag_run_id/taskInstances/:task_id/:map_index/setNote", requireScope("edit"));

  for (const mapped of [false, true]) {
    const params = mapped ? z.object({ ...Ti, ...MapIndex }) : z.object(Ti);
    app.openapi(
      createRoute({
        method: "patch", path: mapped ? `${base}/{map_index}/setNote` : `${base}/setNote`, tags: ["TaskInstance"],
        summary: mapped ? "Update the note of a mapped task instance" : "Update the note of a task instance",
        request: { params, body: jsonBody(NoteBody) },
        responses: { 200: { description: "Success: the task instance.", content: anyJson }, ...errors },
      }),
      async (c) => {
        const p = c.req.valid("param") as { dag_id: string; dag_run_id: string; task_id: string; map_index?: number };
        const { note } = c.req.valid("json");
        const { run, ti } = await loadTaskInstance(store, p.dag_id, p.dag_run_id, p.task_id, p.map_index ?? -1);
        const where = and(eq(taskInstance.dagId, ti.dagId), eq(taskInstance.runId, ti.runId), eq(taskInstance.taskId, ti.taskId), eq(taskInstance.mapIndex, ti.mapIndex));
        await store.write((tx) => tx.update(taskInstance).set({ note, updatedAt: new Date() }).where(where));
        const [after] = await store.db.select().from(taskInstance).where(where);
        return c.json(taskInstanceJson(after ?? { ...ti, note }, run.logicalDate), 200);
      },
    );

    app.openapi(
      createRoute({
        method: "get", path: mapped ? `${base}/{map_index}/dependencies` : `${base}/dependencies`, tags: ["TaskInstance"],
        summary: mapped ? "The dependencies that keep a mapped task instance from being scheduled" : "The dependencies that keep a task instance from being scheduled",
        request: { params },
        responses: { 200: { description: "Success: empty when nothing holds the instance back.", content: jsonOf(Dependencies) }, ...errors },
      }),
      async (c) => {
        const p = c.req.valid("param") as { dag_id: string; dag_run_id: string; task_id: string; map_index?: number };
        const { run } = await loadTaskInstance(store, p.dag_id, p.dag_run_id, p.task_id, p.map_index ?? -1);
        const s = await runDagVersion(store, run);
        const dependencies = s
          ? await taskInstanceDependencies(store, s, { dagId: run.dagId, runId: run.runId, logicalDate: run.logicalDate, state: run.state }, p.task_id, p.map_index ?? -1)
          : [{ name: "Dag Exists", reason: `The DAG '${run.dagId}' has no stored structure: it is not loaded.` }];
        return c.json({ dependencies }, 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: "get", path: `${base}/links`, tags: ["TaskInstance"], summary: "List extra links (Updraft's operators define none yet)",
      request: { params: z.object(Ti) },
      responses: { 200: { description: "Success.", content: jsonOf(Links) }, ...errors },
    }),
    async (c) => {
      const p = c.req.valid("param");
      const run = await loadRun(store, p.dag_id, p.dag_run_id);
      const s = await runDagVersion(store, run);
      if (!s?.tasks.some((t) => t.id === p.task_id)) throw notFound(`Task with id '${p.task_id}' not found in DAG '${p.dag_id}'`);
      return c.json({ extra_links: [] }, 200);
    },
  );
}
