// `updraft pools set | get | list | delete | import | export`, against the database or, with
// `--server URL --token T`, through the REST API (pages of 100 followed to the end). Files are
// Airflow's JSON: {"name": {"slots": 4, "description": "…", "include_deferred": false}}.
import { DEFAULT_POOL, DefaultPoolDeletionError, deletePool, getPool, listPools, recordEvent, setPool, type Store } from "@updraft/store";
import type { Config } from "../config.ts";
import { NotFoundError, RefusedError, UsageError } from "../errors.ts";
import { openConfiguredStore } from "../runtime.ts";
import { allPages } from "./api-pages.ts";
import { printData, printTable } from "./output.ts";
import { ApiClient, RemoteError } from "./remote.ts";
import { parseJsonFile, readText, writeText } from "./text-files.ts";

/** A pool as files and output show it (Airflow's names). */
export interface PoolEntry {
  pool: string;
  slots: number;
  description: string | null;
  include_deferred: boolean;
}

interface Backend {
  get(name: string): Promise<PoolEntry | null>;
  set(p: PoolEntry): Promise<void>;
  delete(name: string): Promise<boolean>;
  list(): Promise<PoolEntry[]>;
  close(): Promise<void>;
}

function storeBackend(store: Store): Backend {
  const entry = (p: { pool: string; slots: number; description: string | null; includeDeferred: boolean }): PoolEntry =>
    ({ pool: p.pool, slots: p.slots, description: p.description, include_deferred: p.includeDeferred });
  return {
    async get(name) {
      const p = await getPool(store, name);
      return p ? entry(p) : null;
    },
    async set(p) {
      await setPool(store, { pool: p.pool, slots: p.slots, description: p.description, includeDeferred: p.include_deferred });
      await recordEvent(store, { event: "pool.set", owner: "cli", extra: { pool: p.pool, slots: p.slots } });
    },
    async delete(name) {
      const deleted = await deletePool(store, name);
      if (deleted) await recordEvent(store, { event: "pool.delete", owner: "cli", extra: { pool: name } });
      return deleted;
    },
    list: async () => (await listPools(store)).map(entry),
    close: () => store.close(),
  };
}

interface ApiPool {
  name: string;
  slots: number;
  description: string | null;
  include_deferred: boolean;
}

const enc = encodeURIComponent;

function apiBackend(client: ApiClient): Backend {
  const entry = (p: ApiPool): PoolEntry => ({ pool: p.name, slots: p.slots, description: p.description, include_deferred: p.include_deferred });
  return {
    async get(name) {
      try {
        return entry(await client.request<ApiPool>("GET", `/api/v1/pools/${enc(name)}`));
      } catch (err) {
        if (err instanceof RemoteError && err.status === 404) return null;
        throw err;
      }
    },
    async set(p) {
      const body = { name: p.pool, slots: p.slots, description: p.description, include_deferred: p.include_deferred };
      try {
        await client.request("POST", "/api/v1/pools", body);
      } catch (err) {
        if (!(err instanceof RemoteError && err.status === 409)) throw err;
        await client.request("PATCH", `/api/v1/pools/${enc(p.pool)}?update_mask=slots,description,include_deferred`, body);
      }
    },
    async delete(name) {
      try {
        await client.request("DELETE", `/api/v1/pools/${enc(name)}`);
        return true;
      } catch (err) {
        if (err instanceof RemoteError && err.status === 404) return false;
        throw err;
      }
    },
    list: async () => (await allPages<ApiPool>(client, "/api/v1/pools?order_by=name", "pools")).map(entry),
    close: async () => undefined,
  };
}

async function withBackend<T>(config: Config, fn: (b: Backend, where: string) => Promise<T>): Promise<T> {
  const backend = config.server ? apiBackend(new ApiClient(config)) : storeBackend(await openConfiguredStore(config));
  try {
    return await fn(backend, config.server ? `server ${config.server}` : "the database");
  } finally {
    await backend.close();
  }
}

function slotsOf(text: string, where: string): number {
  const slots = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isInteger(slots) || slots < -1) throw new UsageError(`${where}: slots must be a whole number (-1 for unlimited), got "${text}"`);
  return slots;
}

/** `pools set NAME SLOTS [DESCRIPTION] [--include-deferred]`: creates or updates. */
export function poolsSet(config: Config, name: string, slotsText: string, description?: string, includeDeferred?: boolean): Promise<number> {
  const slots = slotsOf(slotsText, "pools set");
  return withBackend(config, async (b) => {
    const current = await b.get(name);
    await b.set({ pool: name, slots, description: description ?? current?.description ?? null, include_deferred: includeDeferred ?? current?.include_deferred ?? false });
    console.log(`pool ${name} set to ${slots} slot(s)`);
    return 0;
  });
}

/** `pools get NAME`. */
export function poolsGet(config: Config, name: string, output?: string): Promise<number> {
  return withBackend(config, async (b) => {
    const p = await b.get(name);
    if (!p) throw new NotFoundError(`pool "${name}"`);
    printData(p, output, () => printTable([{ ...p }], output));
    return 0;
  });
}

/** `pools list`. */
export function poolsList(config: Config, output?: string): Promise<number> {
  return withBackend(config, async (b) => {
    printTable((await b.list()).map((p) => ({ ...p })), output, ["pool", "slots", "description", "include_deferred"]);
    return 0;
  });
}

/** `pools delete NAME`; `default_pool` and unknown names exit 1. */
export function poolsDelete(config: Config, name: string): Promise<number> {
  if (name === DEFAULT_POOL) throw new RefusedError(`pool "${DEFAULT_POOL}" is the default pool and cannot be deleted`);
  return withBackend(config, async (b) => {
    try {
      if (!(await b.delete(name))) throw new NotFoundError(`pool "${name}"`);
    } catch (err) {
      if (err instanceof DefaultPoolDeletionError) throw new RefusedError(err.message, { cause: err });
      throw err;
    }
    console.log(`pool ${name} deleted`);
    return 0;
  });
}

/** `pools export FILE`: Airflow's {"name": {"slots", "description", "include_deferred"}} JSON. */
export function poolsExport(config: Config, file: string): Promise<number> {
  return withBackend(config, async (b, where) => {
    const pools = await b.list();
    const doc = Object.fromEntries(pools.map((p) => [p.pool, { slots: p.slots, description: p.description, include_deferred: p.include_deferred }]));
    await writeText(file, `${JSON.stringify(doc, null, 2)}\n`);
    console.error(`${pools.length} pool(s) exported from ${where} to ${file === "-" ? "standard output" : file}`);
    return 0;
  });
}

/**
 * Reads an import file's pools, checking all of them first (Airflow requires "slots"; a missing
 * description is null, a missing include_deferred false).
 */
export function parsePoolsFile(doc: unknown, file: string): PoolEntry[] {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new UsageError(`"${file}": expected a JSON object of pools, like {"spark": {"slots": 4, "description": "cluster seats"}}`);
  return Object.entries(doc as Record<string, unknown>).map(([pool, v]) => {
    const where = `"${file}": pool "${pool}"`;
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new UsageError(`${where}: expected an object with "slots"`);
    const f = v as Record<string, unknown>;
    for (const key of Object.keys(f)) if (!["slots", "description", "include_deferred"].includes(key)) throw new UsageError(`${where}: unknown field "${key}" (expected slots, description, include_deferred)`);
    if (typeof f.slots !== "number" || !Number.isInteger(f.slots) || f.slots < -1) throw new UsageError(`${where}: "slots" must be a whole number (-1 for unlimited)`);
    if (f.description !== undefined && f.description !== null && typeof f.description !== "string") throw new UsageError(`${where}: "description" must be a string`);
    if (f.include_deferred !== undefined && typeof f.include_deferred !== "boolean") throw new UsageError(`${where}: "include_deferred" must be true or false`);
    return { pool, slots: f.slots, description: (f.description as string | null | undefined) ?? null, include_deferred: (f.include_deferred as boolean | undefined) ?? false };
  });
}

/** `pools import FILE`: creates or updates every pool of the file. */
export async function poolsImport(config: Config, file: string): Promise<number> {
  const pools = parsePoolsFile(parseJsonFile(await readText(file), file), file);
  return withBackend(config, async (b, where) => {
    for (const p of pools) await b.set(p);
    console.log(`${pools.length} pool(s) imported from ${file} into ${where}`);
    return 0;
  });
}
