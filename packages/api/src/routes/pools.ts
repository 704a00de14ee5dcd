// /api/v1/pools: list, get, create (409 when the name exists), PATCH with update_mask (a pool may be
// renamed, except default_pool), delete (default_pool cannot be). Slot counts are computed from
// the task instances that hold or wait for the pool's slots, as Airflow's Pool.slots_stats does.
import { createRoute, z } from "@hono/zod-openapi";
import { and, count, eq, inArray, sql } from "drizzle-orm";
import { constraintViolation, DEFAULT_POOL, deletePool, getPool, slotPool, taskInstance, type SlotPool, type Store } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../types.ts";
import { badRequest, conflict, notFound } from "../problem.ts";
import { orderBy, pageQuery } from "../pagination.ts";
import { alreadyExists, errors, guardByMethod, jsonOf, parseUpdateMask, requireMaskedFields, updateMaskQuery, jsonBody } from "./kit.ts";

const PoolName = z.string().min(1).openapi({ param: { name: "pool_name", in: "path" }, description: "The pool name." });

const PoolJson = z.object({
  name: z.string(),
  slots: z.number().int(),
  occupied_slots: z.number().int(),
  running_slots: z.number().int(),
  queued_slots: z.number().int(),
  scheduled_slots: z.number().int(),
  deferred_slots: z.number().int(),
  open_slots: z.number().int().openapi({ description: "Free slots; -1 for a pool with unlimited (-1) slots." }),
  description: z.string().nullable(),
  include_deferred: z.boolean(),
});
const PoolCollection = z.object({ pools: z.array(PoolJson), total_entries: z.number().int() });

const fields = {
  name: z.string().min(1).max(256).regex(/^[A-Za-z0-9_.-]+$/, "may contain only letters, digits, '_', '.' and '-'"),
  slots: z.number().int().min(-1).openapi({ description: "The maximum number of slots; -1 for unlimited." }),
  description: z.string().nullable().optional(),
  include_deferred: z.boolean().optional(),
};
const PoolBody = z.strictObject(fields);
const PoolPatch = z.strictObject({ ...fields, name: fields.name.optional(), slots: fields.slots.optional() });

const UPDATABLE = ["name", "slots", "description", "include_deferred"] as const;

interface SlotStats { running: number; queued: number; scheduled: number }

/** Slots held per pool by running and queued instances, and wanted by scheduled ones. */
async function slotStats(store: Store, pools: string[]): Promise<Map<string, SlotStats>> {
  const stats = new Map<string, SlotStats>(pools.map((p) => [p, { running: 0, queued: 0, scheduled: 0 }]));
  if (pools.length === 0) return stats;
  const rows = await store.db
    .select({ pool: taskInstance.pool, state: taskInstance.state, slots: sql<number>`coalesce(sum(${taskInstance.poolSlots}), 0)` })
    .from(taskInstance)
    .where(and(inArray(taskInstance.pool, pools), inArray(taskInstance.state, ["running", "queued", "scheduled"])))
    .groupBy(taskInstance.pool, taskInstance.state);
  for (const r of rows) {
    const s = stats.get(r.pool);
    if (s && (r.state === "running" || r.state === "queued" || r.state === "scheduled")) s[r.state] = Number(r.slots);
  }
  return stats;
}

function poolJson(p: SlotPool, s: SlotStats = { running: 0, queued: 0, scheduled: 0 }) {
  // Updraft has no deferred state, so deferred instances never hold slots.
  const deferred = 0;
  const occupied = s.running + s.queued + (p.includeDeferred ? deferred : 0);
  return {
    name: p.pool,
    slots: p.slots,
    occupied_slots: occupied,
    running_slots: s.running,
    queued_slots: s.queued,
    scheduled_slots: s.scheduled,
    deferred_slots: deferred,
    open_slots: p.slots === -1 ? -1 : p.slots - occupied,
    description: p.description,
    include_deferred: p.includeDeferred,
  };
}

async function loadPool(store: Store, name: string): Promise<SlotPool> {
  const row = await getPool(store, name);
  if (!row) throw notFound(`Pool with name:'${name}' not found`);
  return row;
}

async function pooled(store: Store, p: SlotPool) {
  return poolJson(p, (await slotStats(store, [p.pool])).get(p.pool));
}

export function registerPools(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  const columns = { name: slotPool.pool, id: slotPool.pool, slots: slotPool.slots };
  guardByMethod(app, "/api/v1/pools", "/api/v1/pools/:pool_name");

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/pools", tags: ["Pool"], summary: "List pools",
      request: { query: z.object(pageQuery) },
      responses: { 200: { description: "List of pools.", content: jsonOf(PoolCollection) }, ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const order = orderBy(q.order_by, columns, "name");
      const [{ total }] = (await store.db.select({ total: count() }).from(slotPool)) as [{ total: number }];
      const rows = await store.db.select().from(slotPool).orderBy(...order, slotPool.pool).limit(q.limit).offset(q.offset);
      const stats = await slotStats(store, rows.map((r) => r.pool));
      return c.json({ pools: rows.map((r) => poolJson(r, stats.get(r.pool))), total_entries: total }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/pools/{pool_name}", tags: ["Pool"], summary: "Get a pool",
      request: { params: z.object({ pool_name: PoolName }) },
      responses: { 200: { description: "Success.", content: jsonOf(PoolJson) }, ...errors },
    }),
    async (c) => c.json(await pooled(store, await loadPool(store, c.req.valid("param").pool_name)), 200),
  );

  app.openapi(
    createRoute({
      method: "post", path: "/api/v1/pools", tags: ["Pool"], summary: "Create a pool",
      request: { body: jsonBody(PoolBody) },
      responses: { 200: { description: "Success.", content: jsonOf(PoolJson) }, ...alreadyExists, ...errors },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const inserted = await store.write((tx) => tx.insert(slotPool)
        .values({ pool: body.name, slots: body.slots, description: body.description ?? null, includeDeferred: body.include_deferred ?? false })
        .onConflictDoNothing().returning());
      if (!inserted[0]) throw conflict(`Pool: ${body.name} already exists`);
      return c.json(poolJson(inserted[0]), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch", path: "/api/v1/pools/{pool_name}", tags: ["Pool"], summary: "Update a pool",
      request: {
        params: z.object({ pool_name: PoolName }),
        query: z.object({ update_mask: updateMaskQuery }),
        body: jsonBody(PoolPatch),
      },
      responses: { 200: { description: "Success.", content: jsonOf(PoolJson) }, ...alreadyExists, ...errors },
    }),
    async (c) => {
      const { pool_name } = c.req.valid("param");
      const body = c.req.valid("json");
      const mask = parseUpdateMask(c.req.valid("query").update_mask, UPDATABLE);
      if (mask) requireMaskedFields(mask, body);
      else {
        const missing = (["name", "slots"] as const).filter((f) => body[f] === undefined);
        if (missing.length) throw badRequest(`${missing.join(", ")}: Required (or name the fields to change in update_mask)`);
      }
      const take = (f: (typeof UPDATABLE)[number]) => (mask ? mask.has(f) : body[f] !== undefined);
      if (pool_name === DEFAULT_POOL && take("name") && body.name !== DEFAULT_POOL) throw badRequest(`name: Default Pool's name can't be modified`);
      await loadPool(store, pool_name);
      const set: Partial<SlotPool> = {};
      if (take("name")) set.pool = body.name!;
      if (take("slots")) set.slots = body.slots!;
      if (take("description")) set.description = body.description ?? null;
      if (take("include_deferred")) set.includeDeferred = body.include_deferred!;
      let updated: SlotPool[];
      try {
        updated = Object.keys(set).length
          ? await store.write((tx) => tx.update(slotPool).set(set).where(eq(slotPool.pool, pool_name)).returning())
          : [await loadPool(store, pool_name)];
      } catch (err) {
        if (constraintViolation(err) === "unique") throw conflict(`Pool: ${set.pool} already exists`);
        throw err;
      }
      if (!updated[0]) throw notFound(`Pool with name:'${pool_name}' not found`);
      return c.json(await pooled(store, updated[0]), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete", path: "/api/v1/pools/{pool_name}", tags: ["Pool"], summary: "Delete a pool",
      request: { params: z.object({ pool_name: PoolName }) },
      responses: { 204: { description: "Success." }, ...errors },
    }),
    async (c) => {
      const { pool_name } = c.req.valid("param");
      if (pool_name === DEFAULT_POOL) throw badRequest("Default Pool can't be deleted");
      if (!(await deletePool(store, pool_name))) throw notFound(`Pool with name:'${pool_name}' not found`);
      return c.body(null, 204);
    },
  );
}
