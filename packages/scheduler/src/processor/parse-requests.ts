// Requests to parse a DAG file soon (PUT /api/v1/parseDagFile, Airflow 2.10's
// DagPriorityParsingRequest): rows of `dag_priority_parsing_request` that any process may write
// and the DAG processor takes at its next pass, loading each requested file of its folder again
// even when the file did not change (a DAG file may read what changed elsewhere at load time).
import { inArray } from "drizzle-orm";
import { dagPriorityParsingRequest, type Store } from "@updraft/store";

/**
 * Asks the DAG processor to parse `fileloc` at its next pass; asking again before then is one request.
 * @example await requestParse(store, "/srv/dags/etl.ts");
 */
export async function requestParse(store: Store, fileloc: string): Promise<void> {
  await store.write((tx) => tx.insert(dagPriorityParsingRequest).values({ fileloc, requestedAt: new Date() })
    .onConflictDoUpdate({ target: dagPriorityParsingRequest.fileloc, set: { requestedAt: new Date() } }));
}

/**
 * Takes the requests for files among `present` (the folder's files this processor parses) and
 * deletes them; requests for other files are left for the processor that has them.
 */
export async function takeParseRequests(store: Store, present: readonly string[]): Promise<string[]> {
  const rows = await store.db.select({ fileloc: dagPriorityParsingRequest.fileloc }).from(dagPriorityParsingRequest);
  const mine = rows.map((r) => r.fileloc).filter((f) => present.includes(f));
  if (mine.length) await store.write((tx) => tx.delete(dagPriorityParsingRequest).where(inArray(dagPriorityParsingRequest.fileloc, mine)));
  return mine;
}
