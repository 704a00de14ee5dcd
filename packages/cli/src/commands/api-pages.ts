// Reading a whole collection of the REST API a page at a time: the API gives at most 100 entries
// per request (Airflow's maximum `limit`), so lists, exports and imports past 100 entries page with
// `offset` until `total_entries` is reached.
import type { ApiClient } from "./remote.ts";

/** The page size asked for: Airflow's maximum. */
export const PAGE_LIMIT = 100;

/**
 * Every entry of a collection, in the API's order (`order_by` of the path, if any).
 * @example const pools = await allPages<{ name: string }>(client, "/api/v1/pools", "pools");
 */
export async function allPages<T>(client: ApiClient, path: string, key: string, limit = PAGE_LIMIT): Promise<T[]> {
  const out: T[] = [];
  const sep = path.includes("?") ? "&" : "?";
  for (let offset = 0; ; offset += limit) {
    const page = await client.request<Record<string, unknown>>("GET", `${path}${sep}limit=${limit}&offset=${offset}`);
    const items = page[key];
    if (!Array.isArray(items)) throw new Error(`GET ${path}: the answer has no "${key}" list`);
    out.push(...(items as T[]));
    const total = typeof page.total_entries === "number" ? page.total_entries : Number.POSITIVE_INFINITY;
    if (items.length < limit || out.length >= total) return out;
  }
}
