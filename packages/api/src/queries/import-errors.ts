// How many import errors credentials may see: all of them, or, for DAG-restricted credentials,
// those of files that hold a DAG they may see.
import { and, count, sql } from "drizzle-orm";
import { dag, importError, type Store } from "@updraft/store";
import { visibleDags } from "../dag-visibility.ts";
import type { Principal } from "../types.ts";

/** Import errors of files the credentials may see: for restricted ones, files that define a DAG they may see. */
export async function importErrorCount(store: Store, p: Principal): Promise<number> {
  const where = p.dags === null ? undefined : sql`exists (select 1 from ${dag} where ${dag.fileloc} = ${importError.filename} and ${and(...visibleDags(p, dag.dagId))})`;
  const [row] = await store.db.select({ n: count() }).from(importError).where(where);
  return Number(row?.n ?? 0);
}
