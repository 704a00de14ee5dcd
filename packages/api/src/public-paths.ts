// What answers without credentials under the authenticated prefixes (the version, the OpenAPI
// document, the Swagger UI's files, as Airflow serves them), and the `WWW-Authenticate` challenge a
// 401 of /api/v1 carries: Bearer (tokens) and Basic (users), the two schemes the API accepts.
import type { Context } from "hono";

/** The Swagger UI's page and files: `/api/v1/ui/`, as Airflow serves its own. */
export const SWAGGER_UI_PATH = "/api/v1/ui";

/**
 * Whether a path answers without credentials (health and the login are registered before the
 * authentication middleware and need no entry here).
 * @example isPublicPath("/api/v1/version") // true
 */
export function isPublicPath(path: string): boolean {
  return path === "/api/v1/version" || path === "/openapi.json" || path === SWAGGER_UI_PATH || path.startsWith(`${SWAGGER_UI_PATH}/`);
}

const REALM = 'realm="Updraft"';

/**
 * The challenge of a 401 under /api/v1 (RFC 9110 §11.6.1): Bearer always; Basic too, except for a
 * script of a web page, where a Basic challenge would make the browser open its own login dialog
 * over the UI's login. Browsers send `Sec-Fetch-Site` with every request (and `Sec-Fetch-Mode`
 * other than `navigate` from a script); Node's fetch sends `Sec-Fetch-Mode` alone, and gets Basic.
 */
export function challengeHeaders(c: Context): Record<string, string> {
  if (!c.req.path.startsWith("/api/v1/")) return {};
  const fromPageScript = c.req.header("sec-fetch-site") !== undefined && (c.req.header("sec-fetch-mode") ?? "navigate") !== "navigate";
  const basic = !fromPageScript;
  return { "www-authenticate": basic ? `Basic ${REALM}, Bearer ${REALM}` : `Bearer ${REALM}` };
}
