// /api/v1/connections: list, get, create (409 when the id exists), PATCH with update_mask, delete,
// and /connections/test (disabled, as Airflow's default). The password is write-only: no response
// carries it. `extra` is returned from a single connection with its sensitive keys masked, as
// Airflow's secrets masker does; the list carries neither. Every call needs the edit scope: a
// `read` token sees no connections, as Airflow's Viewer.
import { createRoute, z } from "@hono/zod-openapi";
import { count } from "drizzle-orm";
import {
  addConnection, AlreadyExistsError, connection, deleteConnection, getConnection, InvalidValueError,
  type ConnectionEntry, type ConnectionInput, type Store,
} from "@updraft/store";
import type { ApiApp, ApiDeps } from "../types.ts";
import { ApiError, badRequest, conflict, notFound } from "../problem.ts";
import { orderBy, pageQuery } from "../pagination.ts";
import { requireScope } from "../auth.ts";
import { alreadyExists, errors, jsonOf, parseUpdateMask, requireMaskedFields, updateMaskQuery, jsonBody } from "./kit.ts";

const ConnectionId = z.string().min(1).openapi({ param: { name: "connection_id", in: "path" }, description: "The connection ID." });

const ConnectionItem = z.object({
  connection_id: z.string(),
  conn_type: z.string(),
  description: z.string().nullable(),
  host: z.string().nullable(),
  login: z.string().nullable(),
  schema: z.string().nullable(),
  port: z.number().int().nullable(),
});
const ConnectionJson = ConnectionItem.extend({ extra: z.string().nullable() });
const ConnectionCollection = z.object({ connections: z.array(ConnectionItem), total_entries: z.number().int() });

const optionalText = z.string().nullable().optional();
const fields = {
  conn_type: z.string().min(1),
  description: optionalText,
  host: optionalText,
  login: optionalText,
  schema: optionalText,
  port: z.number().int().min(0).max(65_535).nullable().optional(),
  password: z.string().nullable().optional().openapi({ format: "password", writeOnly: true }),
  extra: optionalText,
};
const connectionIdField = z.string().min(1).max(200).regex(/^[A-Za-z0-9_.-]+$/, "may contain only letters, digits, '_', '.' and '-'");
const ConnectionBody = z.strictObject({ connection_id: connectionIdField, ...fields });
const ConnectionPatch = z.strictObject({ connection_id: connectionIdField.optional(), ...fields, conn_type: fields.conn_type.optional() });

const UPDATABLE = ["conn_type", "description", "host", "login", "schema", "port", "password", "extra"] as const;
type Updatable = (typeof UPDATABLE)[number];

/** Airflow's default sensitive field names: a key containing one of them has its value masked. */
const SENSITIVE = ["access_token", "api_key", "apikey", "authorization", "passphrase", "passwd", "password", "private_key", "secret", "token", "keyfile_dict", "service_account"];

function redact(value: unknown, key = ""): unknown {
  if (key && SENSITIVE.some((s) => key.toLowerCase().includes(s))) return "***";
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  return value;
}

/** `extra` as Airflow returns it: JSON with sensitive keys masked; other text as it is. */
function maskedExtra(extra: string | null): string | null {
  if (extra === null) return null;
  try {
    return JSON.stringify(redact(JSON.parse(extra)));
  } catch {
    return extra;
  }
}

const itemJson = (c: Omit<ConnectionEntry, "password" | "extra">) => ({
  connection_id: c.connId, conn_type: c.connType, description: c.description, host: c.host, login: c.login, schema: c.schema, port: c.port,
});
const connectionJson = (c: ConnectionEntry) => ({ ...itemJson(c), extra: maskedExtra(c.extra) });

async function loadConnection(store: Store, connId: string): Promise<ConnectionEntry> {
  const c = await getConnection(store, connId);
  if (!c) throw notFound(`The Connection with connection_id: '${connId}' was not found`);
  return c;
}

export function registerConnections(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  const columns = { connection_id: connection.connId, id: connection.connId, conn_type: connection.connType, description: connection.description, host: connection.host, port: connection.port };
  const edit = requireScope("edit");
  for (const path of ["/api/v1/connections", "/api/v1/connections/:connection_id"]) app.use(path, edit);

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/connections", tags: ["Connection"], summary: "List connections",
      request: { query: z.object(pageQuery) },
      responses: { 200: { description: "Success.", content: jsonOf(ConnectionCollection) }, ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const order = orderBy(q.order_by, columns, "connection_id");
      const [{ total }] = (await store.db.select({ total: count() }).from(connection)) as [{ total: number }];
      // Only the columns without secrets are read: the list never carries password or extra.
      const rows = await store.db.select({
        connId: connection.connId, connType: connection.connType, description: connection.description,
        host: connection.host, login: connection.login, schema: connection.schema, port: connection.port,
      }).from(connection).orderBy(...order, connection.connId).limit(q.limit).offset(q.offset);
      return c.json({ connections: rows.map(itemJson), total_entries: total }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/connections/{connection_id}", tags: ["Connection"], summary: "Get a connection",
      request: { params: z.object({ connection_id: ConnectionId }) },
      responses: { 200: { description: "Success.", content: jsonOf(ConnectionJson) }, ...errors },
    }),
    async (c) => c.json(connectionJson(await loadConnection(store, c.req.valid("param").connection_id)), 200),
  );

  app.openapi(
    createRoute({
      method: "post", path: "/api/v1/connections", tags: ["Connection"], summary: "Create a connection",
      request: { body: jsonBody(ConnectionBody) },
      responses: { 200: { description: "Success.", content: jsonOf(ConnectionJson) }, ...alreadyExists, ...errors },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const { connection_id, conn_type, ...rest } = body;
      await save(store, { connId: connection_id, connType: conn_type, ...rest }, false);
      return c.json(connectionJson(await loadConnection(store, connection_id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch", path: "/api/v1/connections/{connection_id}", tags: ["Connection"], summary: "Update a connection",
      request: {
        params: z.object({ connection_id: ConnectionId }),
        query: z.object({ update_mask: updateMaskQuery }),
        body: jsonBody(ConnectionPatch),
      },
      responses: { 200: { description: "Success.", content: jsonOf(ConnectionJson) }, ...errors },
    }),
    async (c) => {
      const { connection_id } = c.req.valid("param");
      const body = c.req.valid("json");
      const mask = parseUpdateMask(c.req.valid("query").update_mask, UPDATABLE);
      const current = await loadConnection(store, connection_id);
      if (body.connection_id !== undefined && body.connection_id !== connection_id) throw badRequest(`connection_id: the connection_id cannot be updated (path "${connection_id}", body "${body.connection_id}")`);
      if (mask) requireMaskedFields(mask, body);
      const changes: Partial<Record<Updatable, unknown>> = {};
      for (const f of UPDATABLE) if (mask ? mask.has(f) : body[f] !== undefined) changes[f] = body[f];
      const next: ConnectionInput = {
        connId: current.connId, connType: current.connType, description: current.description, host: current.host,
        login: current.login, schema: current.schema, port: current.port, password: current.password, extra: current.extra,
      };
      if (changes.conn_type !== undefined) next.connType = changes.conn_type as string;
      for (const f of ["description", "host", "login", "schema", "password", "extra"] as const) if (f in changes) next[f] = (changes[f] as string | null | undefined) ?? null;
      if ("port" in changes) next.port = (changes.port as number | null | undefined) ?? null;
      await save(store, next, true);
      return c.json(connectionJson(await loadConnection(store, connection_id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete", path: "/api/v1/connections/{connection_id}", tags: ["Connection"], summary: "Delete a connection",
      request: { params: z.object({ connection_id: ConnectionId }) },
      responses: { 204: { description: "Success." }, ...errors },
    }),
    async (c) => {
      const { connection_id } = c.req.valid("param");
      if (!(await deleteConnection(store, connection_id))) throw notFound(`The Connection with connection_id: '${connection_id}' was not found`);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: "post", path: "/api/v1/connections/test", tags: ["Connection"], summary: "Test a connection",
      description: "Disabled, as Airflow's default: testing a connection runs code against an external system on the server's behalf.",
      request: { body: { content: jsonOf(z.record(z.string(), z.unknown())), required: false } },
      responses: { 200: { description: "Success.", content: jsonOf(z.object({ status: z.boolean(), message: z.string() })) }, ...errors },
    }),
    () => {
      throw new ApiError(403, "Testing connections is disabled in Updraft's configuration.");
    },
  );
}

async function save(store: Store, input: ConnectionInput, replace: boolean): Promise<void> {
  try {
    await addConnection(store, input, { replace });
  } catch (err) {
    if (err instanceof AlreadyExistsError) throw conflict(`Connection already exist. ID: ${input.connId}`);
    if (err instanceof InvalidValueError) throw badRequest(err.message);
    throw err;
  }
}
