// What the routes share: response declarations, scopes by method, Airflow's `update_mask`,
// and the lookups of a DAG and a run that answer 404 naming them.
//
import { z } from "@hono/zod-openapi";
import type { ApiApp } from "../types.ts";
import { requireScope } from "../auth.ts";
import { badRequest, notFound } from "../problem.ts";
import { and, eq } from "drizzle-orm";
import { dag, dagRun, type Store } from "@updraft/store";

export const problemJson = {
  "application/problem+json": {
    schema: z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string(), instance: z.string() }),
  },
};

/** The error responses every route may give, as Airflow's spec declares them. */
export const errors = {
  400: { description: "Client specified an invalid argument.", content: problemJson },
  401: { description: "Request not authenticated due to missing, invalid, authentication info.", content: problemJson },
  403: { description: "Client does not have sufficient permission.", content: problemJson },
  404: { description: "A specified resource is not found.", content: problemJson },
};

export const alreadyExists = { 409: { description: "An existing resource conflicts with the request.", content: problemJson } };

/** A JSON object body, for routes whose response shape Airflow's document defines. */
export const anyJson = { "application/json": { schema: z.record(z.string(), z.unknown()) } };

/** An ISO 8601 date-time query or body field, read as a Date. */
/** The run, after checking its DAG: a 404 names whichever is missing, as Airflow does. */
export async function loadRun(store: Store, dagId: string, runId: string) {
  await requireDag(store, dagId);
  const [row] = await store.db.select().from(dagRun).where(and(eq(dagRun.dagId, dagId), eq(dagRun.runId, runId)));
  if (!row) throw notFound(`DAGRun with DAG ID: '${dagId}' and DagRun ID: '${runId}' not found`);
  return row;
}

/** A 404 naming the DAG unless it exists. */
export async function requireDag(store: Store, dagId: string): Promise<void> {
  const [row] = await store.db.select({ id: dag.dagId }).from(dag).where(eq(dag.dagId, dagId));
  if (!row) throw notFound(`DAG with dag_id: '${dagId}' not found`);
}

/** `application/json` content with this schema. */
export const jsonOf = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

/** A required JSON request body with this schema: bad JSON or a field of the wrong type is a 400 naming it. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: jsonOf(schema) });

/**
 * Reads need the `read` scope; every other method needs `edit`, as Airflow's "can edit"
 * permissions on variables, connections and pools.
 * @example guardByMethod(app, "/api/v1/pools", "/api/v1/pools/:pool_name");
 */
export function guardByMethod(app: ApiApp, ...paths: string[]): void {
  const read = requireScope("read");
  const edit = requireScope("edit");
  for (const path of paths) app.use(path, async (c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? read(c, next) : edit(c, next)));
}

export const updateMaskQuery = z.union([z.string(), z.array(z.string())]).optional().openapi({
  param: { name: "update_mask", in: "query", style: "form", explode: false },
  description: "The fields to update on the resource. If absent or empty, all modifiable fields are updated. A comma-separated list of fully qualified names of fields.",
});

/**
 * The fields `update_mask` names (`a,b` or the parameter repeated), each checked against the
 * fields that may be updated (`aliases` maps another accepted name onto one of them); null when
 * the mask is absent or empty, which means "every field the body gives".
 */
export function parseUpdateMask(raw: string | string[] | undefined, updatable: readonly string[], aliases: Record<string, string> = {}): Set<string> | null {
  const names = [raw ?? []].flat().flatMap((m) => m.split(",")).map((m) => m.trim()).filter(Boolean);
  if (names.length === 0) return null;
  const mask = new Set<string>();
  for (const name of names) {
    const field = aliases[name] ?? name;
    if (!updatable.includes(field)) throw badRequest(`update_mask: "${name}" is unknown or cannot be updated; use one of ${updatable.join(", ")}`);
    mask.add(field);
  }
  return mask;
}

/** Fails with a 400 naming each field of the mask that the body does not give. */
export function requireMaskedFields(mask: Set<string>, body: Record<string, unknown>): void {
  const missing = [...mask].filter((f) => !Object.hasOwn(body, f) || body[f] === undefined);
  if (missing.length) throw badRequest(`update_mask names ${missing.map((f) => `"${f}"`).join(", ")} but the body does not give ${missing.length > 1 ? "them" : "it"}`);
}

