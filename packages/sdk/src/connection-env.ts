// Connections from the environment: UPDRAFT_CONN_<ID> holds a URI or Airflow's JSON form, as
// AIRFLOW_CONN_<ID> does in Airflow. The variable's name is the connection id upper-cased
// (`my_pg` → UPDRAFT_CONN_MY_PG); such a connection wins over one of the same id in the database,
// as Airflow's secrets backends are searched (environment first, then the metastore).
// Pure: the caller passes the environment (process.env, Deno.env.toObject(), …).
import { parseConnectionString, type ConnectionFields } from "./connection-uri.ts";

/** The prefix of connection variables. */
export const CONN_ENV_PREFIX = "UPDRAFT_CONN_";

/** The environment variable that holds connection `connId`. */
export function connectionEnvName(connId: string): string {
  return `${CONN_ENV_PREFIX}${connId.toUpperCase()}`;
}

/**
 * Connection `connId` from the environment, or null when its variable is unset or empty. A value
 * that does not parse throws `ConnectionFormatError` naming the variable (not its value).
 * @example connectionFromEnv("pg", { UPDRAFT_CONN_PG: "postgres://u:p@db:5432/sales" })?.host // "db"
 */
export function connectionFromEnv(connId: string, env: Record<string, string | undefined>): ConnectionFields | null {
  const name = connectionEnvName(connId);
  const text = Object.hasOwn(env, name) ? env[name] : undefined;
  if (text === undefined || text.trim() === "") return null;
  return parseConnectionString(text, name);
}

/** The ids of every connection defined in the environment (lower-cased names), sorted. */
export function envConnectionIds(env: Record<string, string | undefined>): string[] {
  return Object.keys(env)
    .filter((k) => k.startsWith(CONN_ENV_PREFIX) && k.length > CONN_ENV_PREFIX.length && (env[k] ?? "").trim() !== "")
    .map((k) => k.slice(CONN_ENV_PREFIX.length).toLowerCase())
    .sort();
}
