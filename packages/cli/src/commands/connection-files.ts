// The files of `connections import` and `connections export`, in Airflow's formats:
//   JSON / YAML  {"conn_id": {"conn_type": …, "host": …, "login": …, "password": …, "port": …,
//                 "schema": …, "extra": …, "description": …}}  (a value may also be a URI string)
//   .env         conn_id=URI (or conn_id={JSON}) per line; blank lines and `#` comments ignored
// as Airflow's local filesystem secrets backend reads them and `airflow connections export` writes.
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { connectionToUri, parseConnectionJson, parseConnectionUri, type ConnectionFields } from "@updraft/sdk";
import { UsageError } from "../errors.ts";

/** The file formats of connections. */
export const CONNECTION_FILE_FORMATS = ["json", "yaml", "env"] as const;
export type ConnectionFileFormat = (typeof CONNECTION_FILE_FORMATS)[number];

/** A connection with its id, as files carry it. */
export interface NamedConnection extends ConnectionFields {
  connId: string;
}

/**
 * The format of `file`: `format` when given, else from the extension (.json, .yaml/.yml, .env);
 * JSON for `-` (standard input or output).
 * @example fileFormat("conns.yml") // "yaml"
 */
export function fileFormat(file: string, format?: string): ConnectionFileFormat {
  if (format !== undefined) {
    if (!(CONNECTION_FILE_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: expected one of ${CONNECTION_FILE_FORMATS.join(", ")}, got "${format}"`);
    return format as ConnectionFileFormat;
  }
  if (file === "-") return "json";
  const ext = /\.([A-Za-z]+)$/.exec(file)?.[1]?.toLowerCase();
  if (ext === "json") return "json";
  if (ext === "yaml" || ext === "yml") return "yaml";
  if (ext === "env") return "env";
  throw new UsageError(`"${file}": cannot tell the format from the name; use a .json, .yaml, .yml or .env file or pass --format json|yaml|env`);
}

/**
 * Reads the connections of a file's text. Errors name the file and the connection id.
 * @example parseConnectionsFile('{"pg": "postgres://u:p@h/db"}', "json", "c.json")[0]?.host // "h"
 */
export function parseConnectionsFile(text: string, format: ConnectionFileFormat, file: string): NamedConnection[] {
  if (format === "env") return parseEnvFile(text, file);
  let doc: unknown;
  try {
    doc = format === "json" ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UsageError(`"${file}": not valid ${format.toUpperCase()} (${(err as Error).message.split("\n")[0]})`, { cause: err });
  }
  if (doc === null || doc === undefined) return [];
  if (typeof doc !== "object" || Array.isArray(doc)) throw new UsageError(`"${file}": expected an object of connections by id, like {"my_pg": {"conn_type": "postgres", …}}`);
  return Object.entries(doc as Record<string, unknown>).map(([connId, value]) => named(connId, value, file));
}

function named(connId: string, value: unknown, file: string): NamedConnection {
  const where = `"${file}": connection "${connId}"`;
  if (typeof value === "string") return { connId, ...parseConnectionUri(value, where) };
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new UsageError(`${where}: expected a URI or an object of fields`);
  const fields = { ...(value as Record<string, unknown>) };
  for (const key of ["conn_id", "connection_id"]) {
    if (fields[key] !== undefined && fields[key] !== connId) throw new UsageError(`${where}: its "${key}" is "${String(fields[key])}", not its key "${connId}"`);
    delete fields[key];
  }
  // Airflow's files may give the extra parsed, as `extra_dejson`.
  if (fields.extra_dejson !== undefined) {
    if (fields.extra !== undefined) throw new UsageError(`${where}: give "extra" or "extra_dejson", not both`);
    fields.extra = fields.extra_dejson;
    delete fields.extra_dejson;
  }
  if (typeof fields.uri === "string") {
    const { uri, ...rest } = fields;
    if (Object.keys(rest).length > 0) throw new UsageError(`${where}: "uri" cannot be mixed with other fields (${Object.keys(rest).join(", ")})`);
    return { connId, ...parseConnectionUri(uri, where) };
  }
  return { connId, ...parseConnectionJson(fields, where) };
}

function parseEnvFile(text: string, file: string): NamedConnection[] {
  const out: NamedConnection[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new UsageError(`"${file}" line ${i + 1}: expected conn_id=URI`);
    const connId = line.slice(0, eq).trim();
    if (seen.has(connId)) throw new UsageError(`"${file}" line ${i + 1}: connection "${connId}" is given twice`);
    seen.add(connId);
    const value = line.slice(eq + 1).trim();
    const where = `"${file}" line ${i + 1}: connection "${connId}"`;
    out.push({ connId, ...(value.startsWith("{") ? parseConnectionJson(value, where) : parseConnectionUri(value, where)) });
  });
  return out;
}

/**
 * The text of an export file; passwords included, as Airflow's export (the caller writes it
 * readable by its owner only). `serialization` chooses URI or JSON lines for the env format.
 * @example formatConnectionsFile([pg], "env") // "pg=postgres://u:p%40ss@h:5432/db\n"
 */
export function formatConnectionsFile(conns: NamedConnection[], format: ConnectionFileFormat, serialization: "uri" | "json" = "uri"): string {
  if (format === "env") {
    return conns.map((c) => `${c.connId}=${serialization === "uri" ? connectionToUri(c) : JSON.stringify(jsonFields(c))}\n`).join("");
  }
  const doc = Object.fromEntries(conns.map((c) => [c.connId, jsonFields(c)]));
  return format === "json" ? `${JSON.stringify(doc, null, 2)}\n` : toYaml(doc);
}

/** Airflow's export fields of one connection (`extra` stays text, as Airflow stores it). */
function jsonFields(c: NamedConnection): Record<string, unknown> {
  return { conn_type: c.connType, description: c.description, login: c.login, password: c.password, host: c.host, port: c.port, schema: c.schema, extra: c.extra };
}
