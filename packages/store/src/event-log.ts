// The event log (Airflow's `log` table, the REST API's eventLogs): who did what to which DAG,
// run or task, and when.
import type { Store } from "./open-store.ts";
import { eventLog } from "./schema/monitoring.ts";

/** An event to record; only `event` is required. */
export interface EventInput {
  /** What happened, Airflow-style: `trigger`, `paused`, `cli_dags_test`, `clear`, … */
  event: string;
  dagId?: string | null;
  taskId?: string | null;
  mapIndex?: number | null;
  runId?: string | null;
  tryNumber?: number | null;
  /** Who did it: a user name, a token name, or `updraft` for the system. */
  owner?: string | null;
  /** Free text, or an object stored as JSON text. */
  extra?: string | Record<string, unknown> | null;
  /** When it happened; now by default. */
  dttm?: Date;
}

/**
 * Appends an event and returns its id.
 * @example await recordEvent(store, { event: "trigger", dagId: "daily_sales", owner: "ci-token" });
 */
export async function recordEvent(store: Store, input: EventInput): Promise<number> {
  const extra = input.extra == null ? null : typeof input.extra === "string" ? input.extra : JSON.stringify(input.extra);
  const [row] = await store.write((tx) =>
    tx
      .insert(eventLog)
      .values({
        dttm: input.dttm ?? new Date(),
        event: input.event,
        dagId: input.dagId ?? null,
        taskId: input.taskId ?? null,
        mapIndex: input.mapIndex ?? null,
        runId: input.runId ?? null,
        tryNumber: input.tryNumber ?? null,
        owner: input.owner ?? null,
        extra,
      })
      .returning({ id: eventLog.id }),
  );
  return row!.id;
}
