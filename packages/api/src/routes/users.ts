// /api/v1/users and /api/v1/roles: Updraft's users (HTTP Basic and the UI's login) as Airflow's
// FAB users, and its scopes as Airflow's roles: Viewer = read, User = trigger, Op = edit, Admin =
// admin (and Worker = worker, Updraft's own). Users are listed, read, created, patched (with
// update_mask) and deleted with the admin scope; a password is stored as a salted scrypt hash and
// never returned. Changing a user's password or role, or deleting them, ends their UI sessions.
// Roles are fixed: listed and read here (and GET /permissions, the actions they grant); creating,
// changing or deleting one is not offered.
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, count, desc, eq, ne } from "drizzle-orm";
import { AlreadyExistsError, abUser, createUser, hashPassword, uiSession, type AbUser, type TokenScope } from "@updraft/store";
import type { ApiApp, ApiDeps } from "../types.ts";
import { requireScope } from "../auth.ts";
import { badRequest, conflict, notFound } from "../problem.ts";
import { iso, pageQuery } from "../pagination.ts";
import { alreadyExists, errors, jsonBody, jsonOf, parseUpdateMask, updateMaskQuery } from "./kit.ts";
import { ROLES, roleOf, scopeOfRole } from "./roles.ts";

const UserItem = z.object({
  username: z.string(), email: z.string().optional(), first_name: z.string(), last_name: z.string(),
  roles: z.array(z.object({ name: z.string() })), active: z.boolean(), created_on: z.string().nullable(), changed_on: z.string().nullable(),
  last_login: z.string().nullable(), login_count: z.number().int().nullable(), failed_login_count: z.number().int().nullable(),
});
const UserBody = z.object({
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  email: z.string().min(1).optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  roles: z.array(z.object({ name: z.string() }).nullable()).optional(),
});
const RoleItem = z.object({ name: z.string(), actions: z.array(z.object({ action: z.object({ name: z.string() }), resource: z.object({ name: z.string() }) })) });

/** Airflow's `UserCollectionItem` for a row; the password hash never leaves. */
function userJson(u: AbUser) {
  return {
    username: u.username,
    ...(u.email ? { email: u.email } : {}),
    first_name: u.firstName ?? "",
    last_name: u.lastName ?? "",
    roles: [{ name: roleOf(u.role) }],
    active: true,
    created_on: iso(u.createdAt),
    changed_on: iso(u.changedOn ?? u.createdAt),
    last_login: null,
    login_count: null,
    failed_login_count: null,
  };
}

/** The one scope the body's roles name (Updraft users have one role); a 400 names what is wrong. */
function scopeOfRoles(roles: Array<{ name: string } | null>): TokenScope {
  const names = roles.filter((r): r is { name: string } => r !== null).map((r) => r.name);
  if (names.length !== 1) throw badRequest(`roles: an Updraft user has exactly one role (one of ${ROLES.map((r) => r.name).join(", ")}), got ${names.length}`);
  const scope = scopeOfRole(names[0]!);
  if (!scope) throw badRequest(`roles: unknown role "${names[0]}"; use one of ${ROLES.map((r) => r.name).join(", ")}`);
  return scope;
}

export function registerUsers(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  for (const path of ["/api/v1/users", "/api/v1/users/*", "/api/v1/roles", "/api/v1/roles/*", "/api/v1/permissions"]) app.use(path, requireScope("admin"));
  const Username = z.object({ username: z.string() });
  const order = { username: abUser.username, id: abUser.id, user_id: abUser.id, created_on: abUser.createdAt, email: abUser.email, first_name: abUser.firstName, last_name: abUser.lastName };

  const load = async (username: string): Promise<AbUser> => {
    const [u] = await store.db.select().from(abUser).where(eq(abUser.username, username));
    if (!u) throw notFound(`The User with username \`${username}\` was not found`);
    return u;
  };
  const emailTaken = async (email: string, other?: number) => {
    const [row] = await store.db.select({ id: abUser.id }).from(abUser).where(other === undefined ? eq(abUser.email, email) : and(eq(abUser.email, email), ne(abUser.id, other)));
    return row !== undefined;
  };
  /** A changed password or role, or a deleted user: their UI sessions end (Basic checks are remembered up to a minute). */
  const endSessions = (username: string) => store.write((tx) => tx.delete(uiSession).where(eq(uiSession.principal, `user:${username}`)));

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/users", tags: ["User"], summary: "List users",
      request: { query: z.object(pageQuery) },
      responses: { 200: { description: "Success.", content: jsonOf(z.object({ users: z.array(UserItem), total_entries: z.number().int() })) }, ...errors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const text = q.order_by ?? "id";
      const field = text.replace(/^-/, "");
      const column = Object.hasOwn(order, field) ? order[field as keyof typeof order] : undefined;
      if (!column) throw badRequest(`order_by: "${field}" is not a field to order by; use one of ${Object.keys(order).join(", ")}`);
      const [{ total }] = (await store.db.select({ total: count() }).from(abUser)) as [{ total: number }];
      const rows = await store.db.select().from(abUser).orderBy(text.startsWith("-") ? desc(column) : asc(column), asc(abUser.id)).limit(q.limit).offset(q.offset);
      return c.json({ users: rows.map(userJson), total_entries: total }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/users/{username}", tags: ["User"], summary: "Get a user",
      request: { params: Username }, responses: { 200: { description: "Success.", content: jsonOf(UserItem) }, ...errors },
    }),
    async (c) => c.json(userJson(await load(c.req.valid("param").username)), 200),
  );

  app.openapi(
    createRoute({
      method: "post", path: "/api/v1/users", tags: ["User"], summary: "Create a user (one role; the password is stored hashed)",
      request: { body: jsonBody(UserBody.extend({ username: z.string().min(1), password: z.string().min(1) })) },
      responses: { 200: { description: "Success.", content: jsonOf(UserItem) }, ...errors, ...alreadyExists },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const role = b.roles === undefined ? "read" : scopeOfRoles(b.roles);
      if ((await store.db.select({ id: abUser.id }).from(abUser).where(eq(abUser.username, b.username))).length) throw conflict(`Username \`${b.username}\` already exists. Use PATCH to update.`);
      if (b.email !== undefined && (await emailTaken(b.email))) throw conflict(`The email \`${b.email}\` is already taken.`);
      const { id } = await createUser(store, { username: b.username, password: b.password, role }).catch((err: unknown) => {
        // Made by another request since the check above.
        if (err instanceof AlreadyExistsError) throw conflict(`Username \`${b.username}\` already exists. Use PATCH to update.`);
        throw err;
      });
      await store.write((tx) => tx.update(abUser).set({ email: b.email ?? null, firstName: b.first_name ?? null, lastName: b.last_name ?? null }).where(eq(abUser.id, id)));
      return c.json(userJson(await load(b.username)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch", path: "/api/v1/users/{username}", tags: ["User"], summary: "Update a user (update_mask: first_name, last_name, email, roles, password)",
      request: { params: Username, query: z.object({ update_mask: updateMaskQuery }), body: jsonBody(UserBody) },
      responses: { 200: { description: "Success.", content: jsonOf(UserItem) }, ...errors, ...alreadyExists },
    }),
    async (c) => {
      const { username } = c.req.valid("param");
      const b = c.req.valid("json");
      const u = await load(username);
      const fields = ["first_name", "last_name", "email", "roles", "password"] as const;
      const mask = parseUpdateMask(c.req.valid("query").update_mask, fields);
      // Without a mask, Airflow replaces the user with the body: a different username in it is an error, not a rename.
      if (b.username !== undefined && b.username !== username) throw badRequest(`username: the body names "${b.username}" but the path "${username}"; renaming a user is not supported`);
      const wants = (f: (typeof fields)[number]) => (mask ? mask.has(f) : b[f] !== undefined);
      for (const f of fields) if (mask?.has(f) && b[f] === undefined) throw badRequest(`update_mask names "${f}" but the body does not give it`);
      const set: Partial<AbUser> = { changedOn: new Date() };
      if (wants("first_name")) set.firstName = b.first_name ?? null;
      if (wants("last_name")) set.lastName = b.last_name ?? null;
      if (wants("email")) {
        if (b.email !== undefined && (await emailTaken(b.email, u.id))) throw conflict(`The email \`${b.email}\` is already taken.`);
        set.email = b.email ?? null;
      }
      if (wants("roles")) set.role = scopeOfRoles(b.roles ?? []);
      if (wants("password")) set.passwordHash = await hashPassword(b.password!);
      await store.write((tx) => tx.update(abUser).set(set).where(eq(abUser.id, u.id)));
      if ((set.role !== undefined && set.role !== u.role) || set.passwordHash !== undefined) await endSessions(username);
      return c.json(userJson(await load(username)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete", path: "/api/v1/users/{username}", tags: ["User"], summary: "Delete a user (their UI sessions end)",
      request: { params: Username }, responses: { 204: { description: "Success." }, ...errors },
    }),
    async (c) => {
      const u = await load(c.req.valid("param").username);
      await store.write(async (tx) => {
        await tx.delete(abUser).where(eq(abUser.id, u.id));
        await tx.delete(uiSession).where(eq(uiSession.principal, `user:${u.username}`));
      });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/roles", tags: ["Role"], summary: "List roles (Updraft's scopes)",
      request: { query: z.object(pageQuery) },
      responses: { 200: { description: "Success.", content: jsonOf(z.object({ roles: z.array(RoleItem), total_entries: z.number().int() })) }, ...errors },
    }),
    (c) => {
      const q = c.req.valid("query");
      const field = (q.order_by ?? "name").replace(/^-/, "");
      if (field !== "name") throw badRequest(`order_by: "${field}" is not a field to order by; use name`);
      const sorted = [...ROLES].sort((a, b) => a.name.localeCompare(b.name) * (q.order_by?.startsWith("-") ? -1 : 1));
      return c.json({ roles: sorted.slice(q.offset, q.offset + q.limit).map((r) => ({ name: r.name, actions: r.actions })), total_entries: ROLES.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/roles/{role_name}", tags: ["Role"], summary: "Get a role",
      request: { params: z.object({ role_name: z.string() }) }, responses: { 200: { description: "Success.", content: jsonOf(RoleItem) }, ...errors },
    }),
    (c) => {
      const { role_name } = c.req.valid("param");
      const r = ROLES.find((x) => x.name === role_name);
      if (!r) throw notFound(`Role with name \`${role_name}\` was not found`);
      return c.json({ name: r.name, actions: r.actions }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get", path: "/api/v1/permissions", tags: ["Permission"], summary: "List the permission actions the roles grant",
      request: { query: z.object({ limit: pageQuery.limit, offset: pageQuery.offset }) },
      responses: { 200: { description: "Success.", content: jsonOf(z.object({ actions: z.array(z.object({ name: z.string() })), total_entries: z.number().int() })) }, ...errors },
    }),
    (c) => {
      const { limit, offset } = c.req.valid("query");
      const names = [...new Set(ROLES.flatMap((r) => r.actions.map((a) => a.action.name)))].sort();
      return c.json({ actions: names.slice(offset, offset + limit).map((name) => ({ name })), total_entries: names.length }, 200);
    },
  );
}
