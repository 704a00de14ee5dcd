// `updraft connections add | get | list | delete | import | export | test`, against the database
// (with UPDRAFT_CONN_<ID> connections of the environment, which win over stored ones) or, with
// `--server URL --token T`, through the REST API (pages of 100 followed to the end). `get` never
// prints the password; sensitive keys of `extra` print as "***". `export` writes passwords (as
// Airflow's does) to a file readable by its owner only.
import {
  connectionFromEnv, envConnectionIds, extraObject, parseConnectionJson, parseConnectionUri, type ConnectionFields, type Json,
} from "@updraft/sdk";
import { addConnection, AlreadyExistsError, deleteConnection, getConnection, listConnections, recordEvent, type Store } from "@updraft/store";
import type { Config } from "../config.ts";
import { DuplicateError, NotFoundError, RefusedError, UsageError } from "../errors.ts";
import { openConfiguredStore } from "../runtime.ts";
import { allPages } from "./api-pages.ts";
import { fileFormat, formatConnectionsFile, parseConnectionsFile, type NamedConnection } from "./connection-files.ts";
import { testConnection } from "./connection-test.ts";
import { printData, printTable } from "./output.ts";
import { ApiClient, RemoteError } from "./remote.ts";
import { readText, writeText } from "./text-files.ts";

/** Where a connection shown by the CLI comes from. */
type Source = "env" | "database" | "server";
type Shown = NamedConnection & { source: Source };

/** The connections of the database (and environment), or of a server's API. */
interface Backend {
  list(): Promise<Shown[]>;
  /** With the password when the backend can read it (never from a server). */
  get(connId: string): Promise<Shown | null>;
  /** Adds; "exists" when the id is taken and `overwrite` is false. */
  put(c: NamedConnection, overwrite: boolean): Promise<"added" | "replaced" | "exists">;
  delete(connId: string): Promise<boolean>;
  /** The database's connections alone, with their passwords (what an export holds); local only. */
  storedOnly?(): Promise<Shown[]>;
  close(): Promise<void>;
}

const env = (): Record<string, string | undefined> => process.env;

function storeBackend(store: Store): Backend {
  const fromEnv = (connId: string): Shown | null => {
    const c = connectionFromEnv(connId, env());
    return c ? { connId, ...c, source: "env" } : null;
  };
  return {
    async list() {
      const stored = (await listConnections(store)).map((c): Shown => ({ ...c, source: "database" }));
      const envIds = envConnectionIds(env());
      // An environment connection hides a stored one of the same id, as it does for tasks.
      const shown = stored.filter((c) => !envIds.includes(c.connId));
      for (const id of envIds) shown.push(fromEnv(id)!);
      return shown.sort((a, b) => a.connId.localeCompare(b.connId));
    },
    async get(connId) {
      const e = fromEnv(connId);
      if (e) return e;
      const c = await getConnection(store, connId);
      return c ? { ...c, source: "database" } : null;
    },
    async put(c, overwrite) {
      const { connId, ...fields } = c;
      try {
        const existed = overwrite && (await getConnection(store, connId)) !== null;
        await addConnection(store, { connId, ...fields }, { replace: overwrite });
        await recordEvent(store, { event: existed ? "connection.update" : "connection.add", owner: "cli", extra: { conn_id: connId } });
        return existed ? "replaced" : "added";
      } catch (err) {
        if (err instanceof AlreadyExistsError) return "exists";
        throw err;
      }
    },
    async delete(connId) {
      const deleted = await deleteConnection(store, connId);
      if (deleted) await recordEvent(store, { event: "connection.delete", owner: "cli", extra: { conn_id: connId } });
      return deleted;
    },
    async storedOnly() {
      return (await listConnections(store)).map((c): Shown => ({ ...c, source: "database" }));
    },
    close: () => store.close(),
  };
}

interface ApiConnection {
  connection_id: string; conn_type: string; description: string | null; host: string | null; login: string | null;
  schema: string | null; port: number | null; extra?: string | null;
}

const enc = encodeURIComponent;

function apiBackend(client: ApiClient): Backend {
  const shown = (c: ApiConnection): Shown => ({
    connId: c.connection_id, connType: c.conn_type, description: c.description, host: c.host, login: c.login,
    schema: c.schema, port: c.port, password: null, extra: c.extra ?? null, source: "server",
  });
  const body = (c: NamedConnection) => ({
    connection_id: c.connId, conn_type: c.connType, description: c.description, host: c.host, login: c.login,
    schema: c.schema, port: c.port, password: c.password, extra: c.extra,
  });
  return {
    async list() {
      return (await allPages<ApiConnection>(client, "/api/v1/connections?order_by=connection_id", "connections")).map(shown);
    },
    async get(connId) {
      try {
        return shown(await client.request<ApiConnection>("GET", `/api/v1/connections/${enc(connId)}`));
      } catch (err) {
        if (err instanceof RemoteError && err.status === 404) return null;
        throw err;
      }
    },
    async put(c, overwrite) {
      try {
        await client.request("POST", "/api/v1/connections", body(c));
        return "added";
      } catch (err) {
        if (!(err instanceof RemoteError && err.status === 409)) throw err;
        if (!overwrite) return "exists";
      }
      const { connection_id: _id, ...fields } = body(c);
      await client.request("PATCH", `/api/v1/connections/${enc(c.connId)}`, fields);
      return "replaced";
    },
    async delete(connId) {
      try {
        await client.request("DELETE", `/api/v1/connections/${enc(connId)}`);
        return true;
      } catch (err) {
        if (err instanceof RemoteError && err.status === 404) return false;
        throw err;
      }
    },
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

/** Options of `connections add`: a URI, Airflow's JSON, or the fields one by one. */
export interface AddOptions {
  connUri?: string;
  connJson?: string;
  connType?: string;
  connDescription?: string;
  connHost?: string;
  connLogin?: string;
  connPassword?: string;
  connPort?: string;
  connSchema?: string;
  connExtra?: string;
}

/** The fields `add` was given, checked: exactly one of --conn-uri, --conn-json, --conn-type. */
export function fieldsOfAdd(connId: string, o: AddOptions): ConnectionFields {
  const ways = [o.connUri !== undefined && "--conn-uri", o.connJson !== undefined && "--conn-json", o.connType !== undefined && "--conn-type"].filter(Boolean);
  if (ways.length !== 1) throw new UsageError(`connections add ${connId}: give one of --conn-uri URI, --conn-json JSON or --conn-type TYPE${ways.length > 1 ? ` (not ${ways.join(" and ")})` : ""}`);
  const single = [o.connHost && "--conn-host", o.connLogin && "--conn-login", o.connPassword && "--conn-password", o.connPort && "--conn-port", o.connSchema && "--conn-schema", o.connExtra && "--conn-extra"].filter(Boolean);
  try {
    if (o.connUri !== undefined || o.connJson !== undefined) {
      if (single.length > 0) throw new UsageError(`connections add ${connId}: ${single.join(", ")} cannot be mixed with ${String(ways[0])}`);
      const fields = o.connUri !== undefined ? parseConnectionUri(o.connUri, "--conn-uri") : parseConnectionJson(o.connJson!, "--conn-json");
      return { ...fields, description: o.connDescription ?? fields.description };
    }
  } catch (err) {
    if (err instanceof Error && err.name === "ConnectionFormatError") throw new UsageError(err.message, { cause: err });
    throw err;
  }
  let port: number | null = null;
  if (o.connPort !== undefined) {
    port = /^\d+$/.test(o.connPort) ? Number(o.connPort) : NaN;
    if (!Number.isInteger(port) || port > 65_535) throw new UsageError(`--conn-port: "${o.connPort}" is not a port number (0..65535)`);
  }
  if (o.connExtra !== undefined) {
    try {
      JSON.parse(o.connExtra);
    } catch (err) {
      throw new UsageError(`--conn-extra: not valid JSON (${(err as Error).message})`, { cause: err });
    }
  }
  return {
    connType: o.connType!, description: o.connDescription ?? null, host: o.connHost ?? null, schema: o.connSchema ?? null,
    login: o.connLogin ?? null, password: o.connPassword ?? null, port, extra: o.connExtra ?? null,
  };
}

/** `connections add ID (--conn-uri URI | --conn-json JSON | --conn-type T …)`; a taken id exits 1. */
export function connectionsAdd(config: Config, connId: string, o: AddOptions): Promise<number> {
  const fields = fieldsOfAdd(connId, o);
  return withBackend(config, async (b, where) => {
    if ((await b.put({ connId, ...fields }, false)) === "exists") throw new DuplicateError(`connection "${connId}"`);
    console.log(`connection ${connId} added to ${where}`);
    return 0;
  });
}

/** Airflow's default sensitive names (as the task log masker's): a key containing one is masked. */
const SENSITIVE = ["access_token", "api_key", "apikey", "authorization", "passphrase", "passwd", "password", "private_key", "secret", "token", "keyfile_dict", "service_account", "credentials"];

function masked(value: Json, key = ""): Json {
  if (key && SENSITIVE.some((s) => key.toLowerCase().includes(s))) return "***";
  if (Array.isArray(value)) return value.map((v) => masked(v));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, k)]));
  return value;
}

/** The fields `get` prints: never the password; sensitive extra keys as "***". */
export function shownFields(c: Shown): Record<string, unknown> {
  let extra: Json = null;
  if (c.extra !== null) {
    const parsed = extraObject(c.extra);
    extra = Object.keys(parsed).length > 0 || c.extra.trim().startsWith("{") ? masked(parsed) : "(not JSON: hidden)";
  }
  return {
    conn_id: c.connId, conn_type: c.connType, description: c.description, host: c.host, schema: c.schema,
    login: c.login, port: c.port, extra, source: c.source,
  };
}

/** `connections get ID [-o json]`: the parsed fields, never the password. */
export function connectionsGet(config: Config, connId: string, output?: string): Promise<number> {
  return withBackend(config, async (b) => {
    const c = await b.get(connId);
    if (!c) throw new NotFoundError(`connection "${connId}"`);
    const fields = shownFields(c);
    printData(fields, output, () => printTable(Object.entries(fields).map(([field, value]) => ({ field, value })), output));
    return 0;
  });
}

/** `connections list`: ids, types, hosts and where each comes from; no secrets. */
export function connectionsList(config: Config, output?: string): Promise<number> {
  return withBackend(config, async (b) => {
    printTable((await b.list()).map((c) => ({ conn_id: c.connId, conn_type: c.connType, host: c.host, port: c.port, login: c.login, source: c.source })), output, ["conn_id", "conn_type", "host", "port", "login", "source"]);
    return 0;
  });
}

/** `connections delete ID`; an unknown id exits 1, and so does one that only the environment defines. */
export function connectionsDelete(config: Config, connId: string): Promise<number> {
  return withBackend(config, async (b, where) => {
    if (await b.delete(connId)) {
      console.log(`connection ${connId} deleted from ${where}`);
      if (!config.server && connectionFromEnv(connId, env())) console.error(`updraft: note: UPDRAFT_CONN_${connId.toUpperCase()} still defines "${connId}" in this environment`);
      return 0;
    }
    if (!config.server && connectionFromEnv(connId, env())) throw new RefusedError(`connection "${connId}" is defined by UPDRAFT_CONN_${connId.toUpperCase()} in the environment, not in the database; unset the variable instead`);
    throw new NotFoundError(`connection "${connId}"`);
  });
}

/**
 * `connections import FILE [--overwrite]` (.json, .yaml/.yml or .env, Airflow's formats). An id
 * that exists is skipped with a line, unless --overwrite. The whole file is checked before any
 * connection is written.
 */
export async function connectionsImport(config: Config, file: string, opts: { overwrite?: boolean; format?: string } = {}): Promise<number> {
  const format = fileFormat(file, opts.format);
  const text = await readText(file);
  let conns: NamedConnection[];
  try {
    conns = parseConnectionsFile(text, format, file);
  } catch (err) {
    if (err instanceof Error && err.name === "ConnectionFormatError") throw new UsageError(err.message, { cause: err });
    throw err;
  }
  return withBackend(config, async (b, where) => {
    const counts = { added: 0, replaced: 0, exists: 0 };
    for (const c of conns) {
      const result = await b.put(c, opts.overwrite ?? false);
      counts[result]++;
      if (result === "exists") console.error(`updraft: connection "${c.connId}" already exists; skipped (pass --overwrite to replace it)`);
    }
    console.log(`${conns.length} connection(s) in ${file}: ${counts.added} added, ${counts.replaced} replaced, ${counts.exists} skipped, into ${where}`);
    return 0;
  });
}

/**
 * `connections export FILE [--format json|yaml|env] [--serialization-format uri|json]`: the
 * stored connections with their passwords (a server's API never gives passwords: exported from a
 * server, they are absent and sensitive extra values are masked, and a warning says so).
 */
export function connectionsExport(config: Config, file: string, opts: { format?: string; serializationFormat?: string } = {}): Promise<number> {
  const format = fileFormat(file, opts.format);
  const serialization = opts.serializationFormat ?? "uri";
  if (serialization !== "uri" && serialization !== "json") throw new UsageError(`--serialization-format: expected uri or json, got "${serialization}"`);
  return withBackend(config, async (b, where) => {
    // The environment's connections are not the database's: an export holds the stored ones.
    const stored = config.server ? await b.list() : await b.storedOnly!();
    const text = formatConnectionsFile(stored.map(({ source: _s, ...c }) => c), format, serialization);
    await writeText(file, text);
    const to = file === "-" ? "standard output" : file;
    console.error(`${stored.length} connection(s) exported from ${where} to ${to} (${format})`);
    if (config.server) console.error("updraft: warning: the REST API never returns passwords: the exported connections have none, and sensitive extra values are masked");
    return 0;
  });
}

/** `connections test ID`: TCP reachability of its host and port, said as such; exit 1 when it fails or no test exists. */
export function connectionsTest(config: Config, connId: string): Promise<number> {
  return withBackend(config, async (b) => {
    const c = await b.get(connId);
    if (!c) throw new NotFoundError(`connection "${connId}"`);
    const result = await testConnection(connId, c);
    const from = config.server ? " (tested from this machine, not from the server)" : "";
    (result.ok ? console.log : console.error)(`${result.ok ? "" : "updraft: "}${result.message}${from}`);
    return result.ok ? 0 : 1;
  });
}
