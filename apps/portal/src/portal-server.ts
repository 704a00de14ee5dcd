// The example portal's own small static server (not Updraft's): it serves `public/index.html`
// with the Updraft server's URL, a read-only token and a DAG id filled in, and `public/portal.css`.
// The page then loads Updraft's elements from the other origin with one script tag.
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** What the page embeds and where it is served. */
export interface PortalConfig {
  /** The Updraft server, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  updraftUrl: string;
  /** A read-only token restricted to the DAG: `updraft tokens create --scope read --dags 'daily_sales' --expires 30d`. */
  token: string;
  /** The DAG the page shows; `?dag=<id>` in the page's URL overrides it. */
  dagId: string;
  host: string;
  port: number;
}

/** Why the configuration is not usable, naming the variable. */
export class PortalConfigError extends Error {
  override name = "PortalConfigError";
}

/**
 * Reads the configuration from the environment: `UPDRAFT_URL`, `UPDRAFT_TOKEN`, `UPDRAFT_DAG`,
 * `PORTAL_HOST` and `PORTAL_PORT`.
 * @example configFromEnv({ UPDRAFT_URL: "http://127.0.0.1:8080", UPDRAFT_TOKEN: "updr_…" })
 */
export function configFromEnv(env: Record<string, string | undefined>): PortalConfig {
  const raw = env.UPDRAFT_URL ?? "http://127.0.0.1:8080";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PortalConfigError(`UPDRAFT_URL: "${raw}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new PortalConfigError(`UPDRAFT_URL: "${raw}" must be http or https`);
  const token = env.UPDRAFT_TOKEN ?? "";
  if (!token) {
    throw new PortalConfigError(
      "UPDRAFT_TOKEN is not set: create a read-only token for the portal with\n" +
        "  updraft tokens create --scope read --dags 'daily_sales' --expires 30d",
    );
  }
  const port = Number(env.PORTAL_PORT ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PortalConfigError(`PORTAL_PORT: "${env.PORTAL_PORT}" is not a port`);
  return {
    updraftUrl: url.toString().replace(/\/+$/, ""),
    token,
    dagId: env.UPDRAFT_DAG || "daily_sales",
    host: env.PORTAL_HOST || "127.0.0.1",
    port,
  };
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The page with its placeholders filled in (each value escaped for an attribute). */
export function renderPage(template: string, config: PortalConfig, query: URLSearchParams): string {
  const values: Record<string, string> = {
    UPDRAFT_URL: config.updraftUrl,
    UPDRAFT_TOKEN: config.token,
    DAG_ID: query.get("dag") || config.dagId,
  };
  return template.replace(/\{\{(\w+)\}\}/g, (all, name: string) => (name in values ? escapeHtml(values[name]!) : all));
}

/**
 * The portal's headers: its content security policy lets scripts and API calls (fetch and the
 * event stream) reach the Updraft server and nothing else.
 */
export function pageHeaders(config: PortalConfig): Record<string, string> {
  const updraft = new URL(config.updraftUrl).origin;
  return {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": `default-src 'self'; script-src 'self' ${updraft}; connect-src 'self' ${updraft}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'`,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  };
}

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), "..", "public");

/**
 * Starts the portal's server; resolves once it listens (port 0 picks a free one).
 * @example const server = await startPortal(configFromEnv(process.env));
 */
export async function startPortal(config: PortalConfig): Promise<Server> {
  const [template, css] = await Promise.all([readFile(join(PUBLIC, "index.html"), "utf8"), readFile(join(PUBLIC, "portal.css"))]);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://portal");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
    } else if (url.pathname === "/" || url.pathname === "/index.html") {
      res.writeHead(200, pageHeaders(config)).end(req.method === "HEAD" ? undefined : renderPage(template, config, url.searchParams));
    } else if (url.pathname === "/portal.css") {
      res.writeHead(200, { "content-type": "text/css; charset=utf-8", "cache-control": "no-cache" }).end(req.method === "HEAD" ? undefined : css);
    } else if (url.pathname === "/favicon.ico") {
      res.writeHead(204).end();
    } else {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  return server;
}
