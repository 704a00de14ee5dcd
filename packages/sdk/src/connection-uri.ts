// Connections written as one string, as Airflow writes them: a URI
// (`postgres://user:p%40ss@host:5432/db?sslmode=require`, percent-encoded parts, query parameters
// into `extra`, `__extra__` for an extra that is not a flat map of strings) or a JSON object
// (Airflow 2.3+). Pure: used by the CLI, the scheduler, remote workers and the API alike.
// Parsing follows Airflow's `Connection._parse_from_uri` and Python's `urlsplit` rules (hostnames
// are lower-cased, `postgresql` becomes `postgres`, `-` in a type becomes `_`).
import { ConnectionFormatError } from "./errors.ts";
import type { Connection } from "./context.ts";
import type { Json } from "./serialized.ts";

/** A connection's fields as they are stored: `extra` is JSON text (or other text), as in Airflow. */
export interface ConnectionFields {
  connType: string;
  description: string | null;
  host: string | null;
  schema: string | null;
  login: string | null;
  password: string | null;
  port: number | null;
  extra: string | null;
}

/** Airflow's query key for an extra that is given whole, as text. */
export const EXTRA_KEY = "__extra__";

/** Airflow's two normalisations of a connection type: `postgresql` → `postgres`, `-` → `_`. */
export function normalizeConnType(type: string): string {
  return type === "postgresql" ? "postgres" : type.replaceAll("-", "_");
}

/**
 * Parses a connection URI as Airflow does. Errors name `what` (e.g. `UPDRAFT_CONN_PG`) and never
 * repeat the URI, which may carry a password.
 * @example parseConnectionUri("postgres://u:p%40ss@h:5432/db") // { connType: "postgres", login: "u", password: "p@ss", host: "h", port: 5432, schema: "db", … }
 */
export function parseConnectionUri(uri: string, what = "connection URI"): ConnectionFields {
  const schemes = uri.split("://").length - 1;
  if (schemes > 2) throw new ConnectionFormatError(`${what}: more than two "://" in the URI`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(uri);
  if (!scheme) throw new ConnectionFormatError(`${what}: expected a URI that starts with a connection type, like "postgres://…"`);
  const hostWithProtocol = schemes === 2;
  const rest = (hostWithProtocol ? "" : "//") + uri.slice(scheme[0].length);
  let protocol: string | null = null;
  let split: SplitUrl;
  if (hostWithProtocol) {
    // `spark://k8s://100.68.0.1:443`: the host carries a protocol of its own.
    const [first] = rest.split("://", 1) as [string];
    if (first.includes("@") || first.includes(":")) throw new ConnectionFormatError(`${what}: a host with a protocol ("type://protocol://host") cannot have credentials before the protocol`);
    split = urlsplit(rest);
    protocol = split.scheme;
  } else {
    split = urlsplit(rest);
  }
  const parts = netlocParts(split.netloc, what);
  const host = hostnameOf(split.netloc, parts.hostname);
  const path = split.path.slice(1);
  const password = parts.password ? unquote(parts.password) : null;
  let extra: string | null = null;
  if (split.query) {
    const query = parseQuery(split.query);
    extra = Object.hasOwn(query, EXTRA_KEY) ? query[EXTRA_KEY]! : JSON.stringify(query);
  }
  return {
    connType: normalizeConnType(scheme[1]!.toLowerCase()),
    description: null,
    host: protocol ? `${protocol}://${host}` : host,
    schema: path ? unquote(path) : path,
    login: parts.username ? unquote(parts.username) : parts.username,
    password,
    port: parts.port,
    extra,
  };
}

/**
 * Parses Airflow's JSON form of a connection: `{"conn_type": …, "host": …, "login": …,
 * "password": …, "port": …, "schema": …, "extra": {…} or "text", "description": …}`.
 * @example parseConnectionJson('{"conn_type": "http", "host": "api.example.com", "extra": {"timeout": 5}}')
 */
export function parseConnectionJson(text: string | Record<string, unknown>, what = "connection JSON"): ConnectionFields {
  let value: unknown = text;
  if (typeof text === "string") {
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new ConnectionFormatError(`${what}: not valid JSON (${(err as Error).message})`, { cause: err });
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ConnectionFormatError(`${what}: expected a JSON object with "conn_type", "host", "login"…`);
  const obj = value as Record<string, unknown>;
  const known = new Set(["conn_type", "description", "host", "login", "password", "port", "schema", "extra", "conn_id", "connection_id"]);
  for (const key of Object.keys(obj)) if (!known.has(key)) throw new ConnectionFormatError(`${what}: unknown field "${key}" (expected ${[...known].slice(0, 8).join(", ")})`);
  const text_ = (key: string): string | null => {
    const v = obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== "string") throw new ConnectionFormatError(`${what}: "${key}" must be a string`);
    return v;
  };
  const type = text_("conn_type");
  if (!type) throw new ConnectionFormatError(`${what}: "conn_type" is required`);
  let port: number | null = null;
  const rawPort = obj.port;
  if (rawPort !== undefined && rawPort !== null && rawPort !== "") {
    port = typeof rawPort === "number" ? rawPort : typeof rawPort === "string" && /^\s*\d+\s*$/.test(rawPort) ? Number(rawPort) : NaN;
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConnectionFormatError(`${what}: "port" must be an integer 0..65535 (got ${JSON.stringify(rawPort)})`);
  }
  const rawExtra = obj.extra;
  const extra = rawExtra === undefined || rawExtra === null || rawExtra === "" ? null : typeof rawExtra === "string" ? rawExtra : JSON.stringify(rawExtra);
  return {
    connType: normalizeConnType(type),
    description: text_("description"),
    host: text_("host"),
    schema: text_("schema"),
    login: text_("login"),
    // Airflow's password getter gives None for an empty password.
    password: text_("password") || null,
    port,
    extra,
  };
}

/** A URI or, when it starts with `{`, the JSON form: what UPDRAFT_CONN_<ID> may hold. */
export function parseConnectionString(text: string, what = "connection"): ConnectionFields {
  return text.trimStart().startsWith("{") ? parseConnectionJson(text, what) : parseConnectionUri(text.trim(), what);
}

/**
 * The URI of a connection, as Airflow's `Connection.get_uri` writes it; parsing it gives the
 * fields back (the description is not part of a URI).
 * @example connectionToUri({ connType: "postgres", login: "u", password: "p@ss", host: "h", port: 5432, schema: "db", extra: null, description: null })
 * // "postgres://u:p%40ss@h:5432/db"
 */
export function connectionToUri(c: Omit<ConnectionFields, "description">): string {
  let uri = c.connType ? `${c.connType.toLowerCase().replaceAll("_", "-")}://` : "//";
  let host = c.host;
  if (host && host.includes("://")) {
    const at = host.indexOf("://");
    uri += `${host.slice(0, at)}://`;
    host = host.slice(at + 3);
  }
  let authority = "";
  if (c.login !== null) authority += quote(c.login);
  if (c.password !== null) authority += `:${quote(c.password)}`;
  if (authority) uri += `${authority}@`;
  let hostBlock = host ? quote(host) : "";
  if (c.port) hostBlock += hostBlock === "" && authority === "" ? `@:${c.port}` : `:${c.port}`;
  if (c.schema) hostBlock += `/${quote(c.schema)}`;
  uri += hostBlock;
  if (c.extra) {
    const flat = flatStringMap(c.extra);
    const query = flat ? Object.entries(flat).map(([k, v]) => `${quotePlus(k)}=${quotePlus(v)}`).join("&") : "";
    uri += (c.schema ? "?" : "/?") + (flat && query ? query : `${EXTRA_KEY}=${quotePlus(c.extra)}`);
  }
  return uri;
}

/**
 * The connection a task sees: `extra` parsed (an object; `{}` when it is not JSON).
 * @example toTaskConnection("pg", parseConnectionUri("postgres://h/db?sslmode=require")).extra // { sslmode: "require" }
 */
export function toTaskConnection(connId: string, c: Omit<ConnectionFields, "description">): Connection {
  return { connId, connType: c.connType, host: c.host, schema: c.schema, login: c.login, password: c.password, port: c.port, extra: extraObject(c.extra) };
}

/** `extra` text as an object: `{}` when it is empty or not JSON. */
export function extraObject(extra: string | null): Record<string, Json> {
  if (!extra) return {};
  try {
    const v = JSON.parse(extra) as Json;
    return v && typeof v === "object" ? (v as Record<string, Json>) : {};
  } catch {
    return {};
  }
}

function flatStringMap(extra: string): Record<string, string> | null {
  try {
    const v = JSON.parse(extra) as unknown;
    if (!v || typeof v !== "object" || Array.isArray(v)) return null;
    const entries = Object.entries(v as Record<string, unknown>);
    return entries.length > 0 && entries.every(([k, x]) => typeof x === "string" && k !== EXTRA_KEY) ? (v as Record<string, string>) : null;
  } catch {
    return null;
  }
}

interface SplitUrl {
  scheme: string;
  netloc: string;
  path: string;
  query: string;
}

/** Python's `urllib.parse.urlsplit`, for the URLs Airflow's parser hands it. */
function urlsplit(url: string): SplitUrl {
  let rest = url;
  let scheme = "";
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  }
  let netloc = "";
  if (rest.startsWith("//")) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, end + 2);
    rest = end < 0 ? "" : rest.slice(end + 2);
  }
  const hash = rest.indexOf("#");
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf("?");
  return { scheme, netloc, path: q < 0 ? rest : rest.slice(0, q), query: q < 0 ? "" : rest.slice(q + 1) };
}

/** `username`, `password`, `hostname` (lower-cased) and `port` of a netloc, as Python reads them. */
function netlocParts(netloc: string, what: string): { username: string | null; password: string | null; hostname: string | null; port: number | null } {
  const at = netloc.lastIndexOf("@");
  let username: string | null = null;
  let password: string | null = null;
  if (at >= 0) {
    const info = netloc.slice(0, at);
    const colon = info.indexOf(":");
    username = colon < 0 ? info : info.slice(0, colon);
    password = colon < 0 ? null : info.slice(colon + 1);
  }
  const hostinfo = at >= 0 ? netloc.slice(at + 1) : netloc;
  let hostname: string;
  let portText: string;
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(hostinfo);
  if (bracket) {
    hostname = bracket[1]!;
    portText = bracket[2] ?? "";
  } else {
    const colon = hostinfo.indexOf(":");
    hostname = colon < 0 ? hostinfo : hostinfo.slice(0, colon);
    portText = colon < 0 ? "" : hostinfo.slice(colon + 1);
  }
  let port: number | null = null;
  if (portText !== "") {
    if (!/^\d+$/.test(portText) || Number(portText) > 65_535) throw new ConnectionFormatError(`${what}: the port must be a number 0..65535`);
    port = Number(portText);
  }
  return { username, password, hostname: hostname === "" ? null : hostname.toLowerCase(), port };
}

/** Airflow's `_parse_netloc_to_hostname`: a host with an encoded `/` keeps its case. */
function hostnameOf(netloc: string, hostname: string | null): string {
  let host = unquote(hostname ?? "");
  if (host.includes("/")) {
    host = netloc;
    const at = host.lastIndexOf("@");
    if (at >= 0) host = host.slice(at + 1);
    const colon = host.indexOf(":");
    if (colon >= 0) host = host.slice(0, colon);
    host = unquote(host);
  }
  return host;
}

/** Python's `parse_qsl(query, keep_blank_values=True)` into a dict (the last of a repeated key wins). */
function parseQuery(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? "" : pair.slice(eq + 1);
    out[unquote(name.replaceAll("+", " "))] = unquote(value.replaceAll("+", " "));
  }
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Python's `unquote`: `%XX` sequences decoded as UTF-8; a malformed `%` is kept as it is. */
export function unquote(text: string): string {
  if (!text.includes("%")) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const cp = text.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...encoder.encode(ch));
      i += ch.length;
    }
  }
  return decoder.decode(new Uint8Array(bytes));
}

/** Python's `quote(text, safe="")`: everything but letters, digits and `_.-~` percent-encoded. */
export function quote(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function quotePlus(text: string): string {
  return quote(text).replaceAll("%20", "+");
}
