// What the UI endpoints share: the DAG lookup that answers 404 for a DAG the credentials may not
// see (as for one that does not exist, so a portal token cannot probe for names).
import { sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Context } from "hono";
import type { ApiEnv } from "../../auth.ts";
import { canSeeDag } from "../../auth.ts";
import { notFound } from "../../problem.ts";

/** 404 unless the caller may see this DAG. */
export function requireVisibleDag(c: Context<ApiEnv>, dagId: string): void {
  if (!canSeeDag(c.get("principal"), dagId)) throw notFound(`DAG with dag_id: '${dagId}' not found`);
}

/**
 * `column LIKE '%text%'` with `%`, `_` and `\` in the text taken literally (LIKE ignores ASCII case
 * in SQLite, as a search box should).
 * @example where.push(likeContains(dag.dagId, "sales_"));
 */
export function likeContains(column: SQLiteColumn | SQL, text: string): SQL {
  return sql`${column} like ${`%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`} escape '\\'`;
}
