// /api/v1/variables: list, get, create (POST replaces an existing key, as Airflow's
// Variable.set does), PATCH with update_mask, delete. Values are stored encrypted and returned in
// plaintext, in the list too, as Airflow 2.10 returns them, but only to credentials that may edit
// variables: a `read` token (Airflow's Viewer reads no variables at all) lists the keys and
// descriptions without values, and may not read one variable.
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { deleteVariable, getVariable, listVariables, setVariable, variable, type Store, type VariableEntry } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../types.ts";
import { allows, requireScope } from "../auth.ts";
import { badRequest, notFound } from "../problem.ts";
import { pageQuery } from "../pagination.ts";
import { errors, guardByMethod, jsonOf, parseUpdateMask, requireMaskedFields, updateMaskQuery, jsonBody } from "./kit.ts";

/** Airflow's `variable.key` column is 250 characters. */
const KEY_MAX = 250;

const VariableKey = z.string().min(1).openapi({ param: { name: "variable_key", in: "path" }, description: "The variable Key." });

const VariableJson = z.object({ key: z.string(), value: z.string(), description: z.string().nullable() });
const VariableItem = VariableJson.extend({ value: z.string().optional().openapi({ description: "Only for credentials with the edit scope." }) });
const VariableCollection = z.object({ variables: z.array(VariableItem), total_entries: z.number().int() });

const VariableBody = z.strictObject({
  key: z.string().min(1).max(KEY_MAX),
  value: z.string(),
  description: z.string().nullable().optional(),
});
const VariablePatch = z.strictObject({
  key: z.string().min(1).max(KEY_MAX),
  value: z.string().optional(),
  description: z.string().nullable().optional(),
});

const SORTABLE = { key: "key", value: "value", description: "description", id: "key" } as const;

const variableJson = (v: Pick<VariableEntry, "key" | "value" | "description">) => ({ key: v.key, value: v.value, description: v.description });

async function loadVariable(store: Store, key: string) {
  const [row] = await store.db.select({ description: variable.description }).from(variable).where(eq(variable.key, key));
  const value = row ? await getVariable(store, key) : null;
  if (!row || value === null) throw notFound(`Variable with key '${key}' not found`);
  return { key, value, description: row.description };
}

export function registerVariables(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  guardByMethod(app, "/api/v1/variables", "/api/v1/variables/:variable_key");
  // One variable is read for its value: that needs the edit scope (the list shows a read token the keys).
  const edit = requireScope("edit");
  app.use("/api/v1/variables/:variable_key", async (c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? edit(c, next) : next()));

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/variables", tags: ["Variable"], summary: "List variables",
      request: { query: z.object(pageQuery) },
      responses: { 200: { description: "Success.", content: jsonOf(VariableCollection) }, ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const text = q.order_by ?? "key";
      const field = text.replace(/^-/, "");
      if (!Object.hasOwn(SORTABLE, field)) throw badRequest(`order_by: "${field}" is not a field to order by; use one of ${Object.keys(SORTABLE).join(", ")}`);
      const withValues = allows(c.get("principal").scope, "edit");
      if (field === "value" && !withValues) throw badRequest(`order_by: "value" needs the edit scope, which may read the values; use one of key, description`);
      const by = SORTABLE[field as keyof typeof SORTABLE];
      const sign = text.startsWith("-") ? -1 : 1;
      // Values are ciphertext in the table, so sorting by value happens after decryption.
      const all = await listVariables(store);
      all.sort((a, b) => sign * compare(a[by], b[by]) || compare(a.key, b.key));
      const page = all.slice(q.offset, q.offset + q.limit);
      return c.json({ variables: withValues ? page.map(variableJson) : page.map((v) => ({ key: v.key, description: v.description })), total_entries: all.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/variables/{variable_key}", tags: ["Variable"], summary: "Get a variable",
      request: { params: z.object({ variable_key: VariableKey }) },
      responses: { 200: { description: "Success.", content: jsonOf(VariableJson) }, ...errors },
    }),
    async (c) => c.json(await loadVariable(store, c.req.valid("param").variable_key), 200),
  );

  app.openapi(
    createRoute({
      method: "post", path: "/api/v1/variables", tags: ["Variable"], summary: "Create a variable",
      description: "Creates the variable, or replaces the value of an existing one (Airflow's Variable.set).",
      request: { body: jsonBody(VariableBody) },
      responses: { 200: { description: "Success.", content: jsonOf(VariableJson) }, ...errors },
    }),
    async (c) => {
      const body = c.req.valid("json");
      await setVariable(store, body.key, body.value, { description: body.description ?? null });
      return c.json(await loadVariable(store, body.key), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch", path: "/api/v1/variables/{variable_key}", tags: ["Variable"], summary: "Update a variable",
      request: {
        params: z.object({ variable_key: VariableKey }),
        query: z.object({ update_mask: updateMaskQuery }),
        body: jsonBody(VariablePatch),
      },
      responses: { 200: { description: "Success.", content: jsonOf(VariableJson) }, ...errors },
    }),
    async (c) => {
      const { variable_key } = c.req.valid("param");
      const body = c.req.valid("json");
      const mask = parseUpdateMask(c.req.valid("query").update_mask, ["value", "description"], { val: "value" });
      if (body.key !== variable_key) throw badRequest(`key: "${body.key}" from the request body does not match the variable_key "${variable_key}" of the path`);
      const current = await loadVariable(store, variable_key);
      if (mask) requireMaskedFields(mask, body);
      else if (body.value === undefined) throw badRequest(`value: Required (or name the fields to change in update_mask)`);
      const update = (f: "value" | "description") => (mask ? mask.has(f) : body[f] !== undefined);
      const value = update("value") ? body.value! : current.value;
      const description = update("description") ? { description: body.description ?? null } : {};
      await setVariable(store, variable_key, value, description);
      return c.json(await loadVariable(store, variable_key), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete", path: "/api/v1/variables/{variable_key}", tags: ["Variable"], summary: "Delete a variable",
      request: { params: z.object({ variable_key: VariableKey }) },
      responses: { 204: { description: "Success." }, ...errors },
    }),
    async (c) => {
      const { variable_key } = c.req.valid("param");
      if (!(await deleteVariable(store, variable_key))) throw notFound(`Variable with key '${variable_key}' not found`);
      return c.body(null, 204);
    },
  );
}

function compare(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
