// What the workers view draws from the store: the tries that ran in the last minutes (for its
// task stream, one bar per try) and the tries finished per host and minute (its sparklines), both
// in SQL and both limited to the DAGs the credentials may see.
import { and, desc, eq, gte, isNotNull, sql } from "drizzle-orm";
import { taskInstance, taskInstanceHistory, type Store } from "@updraft/store";
import type { Principal } from "../../auth.ts";
import { visibleDags } from "../../dag-visibility.ts";

/** One try on the time axis: running (no end yet) or finished. */
export interface ActivityTry {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  state: string | null;
  hostname: string;
  startDate: Date;
  endDate: Date | null;
}

/** Tries finished on one host in one minute. */
export interface ThroughputBucket {
  hostname: string;
  /** Start of the minute, ms since epoch. */
  minute: number;
  done: number;
  failed: number;
}

const MINUTE_MS = 60_000;

/**
 * The tries that ran in [since, now]: every finished try is a row of task_instance_history (one
 * per finished try, success included), and the running ones are task_instance rows. Newest first,
 * at most `limit`; `truncated` says when more matched.
 */
export async function recentTries(store: Store, since: Date, who: Principal, limit: number): Promise<{ tries: ActivityTry[]; truncated: boolean }> {
  const h = taskInstanceHistory;
  const finished = await store.db.select({
    dagId: h.dagId, runId: h.runId, taskId: h.taskId, mapIndex: h.mapIndex, tryNumber: h.tryNumber,
    state: h.state, hostname: h.hostname, startDate: h.startDate, endDate: h.endDate,
  }).from(h)
    .where(and(gte(h.endDate, since), isNotNull(h.hostname), isNotNull(h.startDate), ...visibleDags(who, h.dagId)))
    .orderBy(desc(h.endDate)).limit(limit + 1);
  const t = taskInstance;
  const running = await store.db.select({
    dagId: t.dagId, runId: t.runId, taskId: t.taskId, mapIndex: t.mapIndex, tryNumber: t.tryNumber,
    state: t.state, hostname: t.hostname, startDate: t.startDate, endDate: sql<null>`null`,
  }).from(t)
    .where(and(eq(t.state, "running"), isNotNull(t.hostname), isNotNull(t.startDate), ...visibleDags(who, t.dagId)))
    .orderBy(desc(t.startDate)).limit(limit);
  const all = [...running, ...finished] as ActivityTry[];
  return { tries: all.slice(0, limit), truncated: all.length > limit };
}

/** Tries finished per host and minute since `since` (minute buckets aligned to the epoch). */
export async function throughput(store: Store, since: Date, who: Principal): Promise<ThroughputBucket[]> {
  const h = taskInstanceHistory;
  const minute = sql<number>`cast(${h.endDate} / ${MINUTE_MS} as integer) * ${MINUTE_MS}`;
  const rows = await store.db.select({
    hostname: h.hostname, minute,
    done: sql<number>`count(*)`,
    failed: sql<number>`sum(case when ${h.state} in ('failed', 'up_for_retry', 'upstream_failed') then 1 else 0 end)`,
  }).from(h)
    .where(and(gte(h.endDate, since), isNotNull(h.hostname), ...visibleDags(who, h.dagId)))
    .groupBy(h.hostname, minute);
  return rows.map((r) => ({ hostname: r.hostname!, minute: Number(r.minute), done: Number(r.done), failed: Number(r.failed ?? 0) }));
}
