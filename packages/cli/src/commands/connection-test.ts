// `connections test`: what can be tested honestly before hooks exist. A connection with a host is
// tested for TCP reachability of host:port (its port, else the usual port of its type); the
// result says exactly that, never more: credentials and protocol are not tried. A connection
// without a host to reach has no test yet, which is a failure (exit 1), not a success.
import { connect } from "node:net";
import type { ConnectionFields } from "@updraft/sdk";

/** Usual ports of common connection types, used when a connection gives none. */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  postgres: 5432, mysql: 3306, mssql: 1433, oracle: 1521, redis: 6379, mongo: 27017, http: 80, https: 443,
  ftp: 21, sftp: 22, ssh: 22, smtp: 25, imap: 143, elasticsearch: 9200, cassandra: 9042, vertica: 5433,
  trino: 8080, presto: 8080, clickhouse: 9000, kafka: 9092, amqp: 5672, rabbitmq: 5672, ldap: 389, snowflake: 443,
};

/** What a test found. */
export interface ConnectionTestResult {
  ok: boolean;
  /** One line saying what was tested and what happened. */
  message: string;
}

/**
 * Tests connection `connId`. `timeoutMs` bounds the TCP connect (default 5 s).
 * @example const { ok, message } = await testConnection("pg", fields); // "TCP connect to db:5432 succeeded …"
 */
export async function testConnection(connId: string, c: Pick<ConnectionFields, "connType" | "host" | "port">, timeoutMs = 5_000): Promise<ConnectionTestResult> {
  const host = plainHost(c.host);
  if (host === null) {
    return { ok: false, message: `no test for type "${c.connType}": connection "${connId}" has no host and port to reach (type-specific tests come with hooks); nothing was tested` };
  }
  const port = c.port ?? DEFAULT_PORTS[c.connType] ?? null;
  if (port === null) {
    return { ok: false, message: `no test for type "${c.connType}": connection "${connId}" has no port and the type has no usual port; nothing was tested` };
  }
  const portNote = c.port === null ? ` (the usual port of ${c.connType})` : "";
  const started = performance.now();
  const error = await tcpConnect(host, port, timeoutMs);
  const ms = Math.round(performance.now() - started);
  const scope = "only TCP reachability was tested, not the credentials or the protocol";
  if (error === null) return { ok: true, message: `connection "${connId}": TCP connect to ${host}:${port}${portNote} succeeded in ${ms} ms; ${scope}` };
  return { ok: false, message: `connection "${connId}": TCP connect to ${host}:${port}${portNote} failed after ${ms} ms: ${error}; ${scope}` };
}

/** The host to connect to: without a protocol prefix (`k8s://h`); null for none or a path. */
function plainHost(host: string | null): string | null {
  if (!host) return null;
  const bare = host.includes("://") ? host.slice(host.indexOf("://") + 3) : host;
  if (bare === "" || bare.includes("/")) return null;
  return bare.replace(/^\[(.*)\]$/, "$1");
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (error: string | null) => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once("connect", () => done(null));
    socket.once("error", (err: NodeJS.ErrnoException) => done(err.code ? `${err.code} (${err.message})` : err.message));
  });
}
