// Live events for a process that has no scheduler of its own (`updraft api`): one shared tail of
// the store's `updated_at` indexes, read a few times a second while anyone listens, and turned
// into the same events the scheduler announces. Clients never poll lists; this process does one
// indexed query per table per tick for all of them.
import { and, asc, gte } from "drizzle-orm";
import { dagRun, taskInstance, type Store } from "@updraft/store";
import type { LiveEvent, LiveEventSource } from "./types.ts";

const TICK_MS = 250;
const BATCH = 2_000;

export function storeEventSource(store: Store, tickMs = TICK_MS): LiveEventSource {
  const listeners = new Set<(e: LiveEvent) => void>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let since = new Date();
  /** Last state seen per row, so rows read twice (same millisecond) are announced once. */
  const seen = new Map<string, string>();

  const emit = (e: LiveEvent, key: string, signature: string) => {
    if (seen.get(key) === signature) return;
    seen.set(key, signature);
    for (const l of listeners) l(e);
  };

  const tick = async () => {
    try {
      const from = since;
      const runs = await store.db.select().from(dagRun).where(gte(dagRun.updatedAt, from)).orderBy(asc(dagRun.updatedAt)).limit(BATCH);
      const tis = await store.db.select().from(taskInstance).where(and(gte(taskInstance.updatedAt, from))).orderBy(asc(taskInstance.updatedAt)).limit(BATCH);
      for (const t of tis) {
        const state = t.state ?? "none";
        emit({ type: "task", dagId: t.dagId, runId: t.runId, taskId: t.taskId, mapIndex: t.mapIndex, state, tryNumber: t.tryNumber, at: t.updatedAt.getTime(), hostname: t.hostname },
          `t\u0000${t.dagId}\u0000${t.runId}\u0000${t.taskId}\u0000${t.mapIndex}`, `${state}/${t.tryNumber}`);
        if (t.updatedAt > since) since = t.updatedAt;
      }
      for (const r of runs) {
        emit({ type: "run", dagId: r.dagId, runId: r.runId, state: r.state, at: r.updatedAt.getTime() }, `r\u0000${r.dagId}\u0000${r.runId}`, r.state);
        if (r.updatedAt > since) since = r.updatedAt;
      }
      if (seen.size > 100_000) seen.clear();
    } catch {
      // The store is busy or closing: try again on the next tick.
    }
    if (listeners.size > 0) timer = setTimeout(() => void tick(), tickMs);
    else timer = null;
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!timer) {
        since = new Date();
        timer = setTimeout(() => void tick(), tickMs);
      }
      return () => listeners.delete(listener);
    },
  };
}
