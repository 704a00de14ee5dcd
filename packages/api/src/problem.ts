// RFC 7807 problem bodies, as Airflow's API returns them (`type`, `title`, `status`, `detail`),
// and the one error type handlers throw at request time.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

const TITLES: Record<number, string> = {
  400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
  409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable",
};

/** Thrown by handlers: becomes a problem response with this status and detail. */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: ContentfulStatusCode;
  /** Headers the problem response carries (e.g. `Retry-After` with a 429). */
  readonly headers: Record<string, string>;
  constructor(status: ContentfulStatusCode, detail: string, options?: ErrorOptions & { headers?: Record<string, string> }) {
    super(detail, options);
    this.status = status;
    this.headers = options?.headers ?? {};
  }
}

export const badRequest = (detail: string) => new ApiError(400, detail);
export const notFound = (detail: string) => new ApiError(404, detail);
export const conflict = (detail: string) => new ApiError(409, detail);

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
}

export function problem(c: Context, status: ContentfulStatusCode, detail: string, headers: Record<string, string> = {}): Response {
  const body: Problem = { type: "about:blank", title: TITLES[status] ?? "Error", status, detail, instance: c.req.path };
  return c.json(body, status, { "content-type": "application/problem+json", ...headers });
}
