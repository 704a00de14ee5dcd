// The one HTTP client of a page (or of a lone widget): every element reads the API through it.
// With an `api-base` and a `token` it calls another origin with a bearer header (a portal);
// without them it calls its own origin with the session cookie and the CSRF header (the app).

/** An RFC 7807 problem from the API, thrown by the client for any non-2xx answer. */
export class ApiProblem extends Error {
  override name = "ApiProblem";
  readonly status: number;
  constructor(status: number, detail: string) {
    super(detail);
    this.status = status;
  }
}

/** Where and how to call the API. */
export interface ClientOptions {
  /** Base URL of the server, e.g. `https://updraft.example.com`; empty for this page's origin. */
  apiBase: string;
  /** A bearer token; empty to rely on the session cookie. */
  token: string;
}

const CSRF_COOKIE = "updraft_csrf";

function csrfToken(): string | null {
  if (typeof document === "undefined") return null;
  const m = document.cookie.match(new RegExp(`(?:^|; )${CSRF_COOKIE}=([^;]+)`));
  return m ? decodeURIComponent(m[1]!) : null;
}

/**
 * Calls the API: JSON in, JSON out, problems thrown as `ApiProblem`.
 * @example const dags = await client.get<DagList>("/api/v1/dags", { limit: 100 });
 */
export class ApiClient {
  readonly apiBase: string;
  readonly token: string;

  readonly #unauthorized = new Set<() => void>();

  constructor(options: ClientOptions) {
    this.apiBase = options.apiBase.replace(/\/+$/, "");
    this.token = options.token;
  }

  /** Calls `listener` whenever the server answers 401 (the session ended); returns the call that stops it. */
  onUnauthorized(listener: () => void): () => void {
    this.#unauthorized.add(listener);
    return () => this.#unauthorized.delete(listener);
  }

  /** The absolute URL of an API path with its query (undefined values are left out). */
  url(path: string, query?: Record<string, string | number | boolean | undefined | null | string[]>): string {
    const base = this.apiBase || (typeof location !== "undefined" ? location.origin : "");
    const u = new URL(path, base + "/");
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined || v === null || v === "") continue;
      if (Array.isArray(v)) for (const item of v) u.searchParams.append(k, item);
      else u.searchParams.set(k, String(v));
    }
    return u.toString();
  }

  /** Headers every call carries: the bearer token, or the CSRF token that goes with the cookie. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { accept: "application/json", ...extra };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    else {
      const csrf = csrfToken();
      if (csrf) h["x-csrf-token"] = csrf;
    }
    return h;
  }

  /** The fetch `credentials` mode: cookies only for the same origin, never with a token. */
  get credentials(): RequestCredentials {
    return this.token ? "omit" : "same-origin";
  }

  async request<T>(method: string, path: string, options: { query?: Parameters<ApiClient["url"]>[1]; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
    const init: RequestInit = { method, headers: this.headers(options.body === undefined ? {} : { "content-type": "application/json" }), credentials: this.credentials };
    if (options.body !== undefined) init.body = JSON.stringify(options.body);
    if (options.signal) init.signal = options.signal;
    const res = await fetch(this.url(path, options.query), init);
    if (!res.ok) {
      let detail = `${res.status} ${res.statusText}`;
      try {
        const body = (await res.json()) as { detail?: string; title?: string };
        detail = body.detail ?? body.title ?? detail;
      } catch {
        // not a problem body; keep the status line
      }
      if (res.status === 401) for (const l of this.#unauthorized) l();
      throw new ApiProblem(res.status, detail);
    }
    if (res.status === 204) return undefined as T;
    const type = res.headers.get("content-type") ?? "";
    return (type.includes("json") ? await res.json() : await res.text()) as T;
  }

  get<T>(path: string, query?: Parameters<ApiClient["url"]>[1], signal?: AbortSignal): Promise<T> {
    return this.request<T>("GET", path, signal ? { query, signal } : { query });
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, { body: body ?? {} });
  }
  patch<T>(path: string, body: unknown, query?: Parameters<ApiClient["url"]>[1]): Promise<T> {
    return this.request<T>("PATCH", path, { body, query });
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }
}

const clients = new Map<string, ApiClient>();

/** One client per (api-base, token) on a page, shared by every element that uses the same pair. */
export function clientFor(apiBase: string, token: string): ApiClient {
  const key = `${apiBase}\u0000${token}`;
  let c = clients.get(key);
  if (!c) {
    c = new ApiClient({ apiBase, token });
    clients.set(key, c);
  }
  return c;
}

/** `encodeURIComponent` for path segments (DAG and run ids carry `:` and `+`). */
export const seg = (s: string | number): string => encodeURIComponent(String(s));
