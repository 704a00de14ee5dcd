// What the UI endpoints share: the DAG lookup that answers 404 for a DAG the credentials may not
// see (as for one that does not exist, so a portal token cannot probe for names).
import type { Context } from "hono";
import type { ApiEnv } from "../../auth.ts";
import { canSeeDag } from "../../auth.ts";
import { notFound } from "../../problem.ts";

/** 404 unless the caller may see this DAG. */
export function requireVisibleDag(c: Context<ApiEnv>, dagId: string): void {
  if (!canSeeDag(c.get("principal"), dagId)) throw notFound(`DAG with dag_id: '${dagId}' not found`);
}
