// Who the page's credentials are, fetched once per client from /api/updraft/ui/me, so elements can
// hide the actions their scope does not allow (a read-only portal token shows no trigger button).
import type { ApiClient } from "./api-client.ts";

export interface Me {
  name: string;
  scope: "read" | "trigger" | "edit" | "admin" | "worker";
  dags: string[] | null;
  can: { trigger: boolean; edit: boolean; admin: boolean };
}

const cache = new WeakMap<ApiClient, Promise<Me>>();

/** The caller's identity and scope; one request per client, shared by every element. */
export function whoAmI(client: ApiClient): Promise<Me> {
  let p = cache.get(client);
  if (!p) {
    p = client.get<Me>("/api/updraft/ui/me");
    p.catch(() => cache.delete(client));
    cache.set(client, p);
  }
  return p;
}

/** Forgets who the caller was (after a login or logout). */
export function forgetWhoAmI(client: ApiClient): void {
  cache.delete(client);
}
