// GET /api/updraft/events: a Server-Sent Events stream of run and task-instance state changes,
// filterable by `dag_id` and `run_id`, and, without filters, of remote workers joining, leaving,
// being lost, reconnecting and draining (when the scheduler and its workers are in this process). With a `run_id` it starts with a snapshot of that run (its
// state and every task instance), so a client that connects after triggering misses nothing.
// The UI and `updraft dags trigger --wait` follow it instead of polling lists. DAG-restricted
// credentials get the events of their DAGs only, and worker events without other DAGs' tries.
//
// Each client's backlog is bounded: events wait in a queue while the client's socket is full, and
// once more than UPDRAFT_EVENT_BACKLOG_BYTES (default 2 MiB) wait, the client is dropped with a
// final `overflow` event (`{"type":"overflow",…}`); it reconnects and resyncs from the API. A
// burst that arrives while the stream is idle is written at once, so a client that reads is not
// dropped for a large run's burst. A client that does not read even the final event is
// disconnected a few seconds later.
import { streamSSE } from "hono/streaming";
import { and, eq } from "drizzle-orm";
import { dagRun, taskInstance } from "@updraft/store";
import type { ApiApp, ApiDeps, LiveEvent } from "../types.ts";
import { canSeeDag, requireScope } from "../auth.ts";
import { badRequest } from "../problem.ts";
import { visibleWorker, workerJson } from "../queries/workers.ts";

const KEEPALIVE_MS = 15_000;
const BACKLOG_BYTES = 2 * 1024 * 1024;
/** How long a dropped client has to read its `overflow` event before its connection is cut. */
const OVERFLOW_GRACE_MS = 5_000;

/** The backlog cap: UPDRAFT_EVENT_BACKLOG_BYTES when set to a positive number, else 2 MiB. */
export function eventBacklogBytes(): number {
  const n = Number(process.env.UPDRAFT_EVENT_BACKLOG_BYTES);
  return Number.isFinite(n) && n > 0 ? n : BACKLOG_BYTES;
}

/** One event as written on the wire. */
const frame = (event: string, data: string) => `event: ${event}\ndata: ${data}\n\n`;

export function registerEvents(app: ApiApp, deps: ApiDeps): void {
  app.get("/api/updraft/events", requireScope("read"), async (c) => {
    const source = deps.events;
    if (!source) throw badRequest("this server has no scheduler to stream events from");
    const dagId = c.req.query("dag_id");
    const runId = c.req.query("run_id");
    const principal = c.get("principal");
    const wanted = (e: LiveEvent) => (e.type === "worker"
      ? !dagId && !runId
      : (!dagId || e.dagId === dagId) && (!runId || e.runId === runId) && canSeeDag(principal, e.dagId));
    const cap = eventBacklogBytes();
    return streamSSE(c, async (stream) => {
      // Frames waiting for the socket, and their size. `writing` is true while a write waits for
      // the client: only then does the backlog count against the cap.
      let queue: string[] = [];
      let queued = 0;
      let writing = false;
      let overflowed = false;
      let wake: (() => void) | null = null;
      const push = (e: LiveEvent) => {
        if (overflowed || !wanted(e)) return;
        const f = frame(e.type, JSON.stringify(toWire(e)));
        queue.push(f);
        queued += Buffer.byteLength(f);
        if (writing && queued > cap) {
          overflowed = true;
          off();
          queue = [];
          queued = 0;
        }
        wake?.();
      };
      const offRuns = source.subscribe(push);
      const offWorkers = deps.workers?.onWorkerEvent((e) => push({ type: "worker", event: e.type, worker: visibleWorker(principal, e.worker), at: e.at })) ?? (() => undefined);
      let subscribed = true;
      const off = () => {
        if (!subscribed) return;
        subscribed = false;
        offRuns();
        offWorkers();
      };
      const write = async (text: string) => {
        writing = true;
        try {
          await stream.write(text);
        } finally {
          writing = false;
        }
      };
      stream.onAbort(() => {
        off();
        wake?.();
      });
      let grace: ReturnType<typeof setTimeout> | undefined;
      try {
        // A hidden DAG's snapshot is empty, as a missing DAG's is.
        if (dagId && runId && canSeeDag(principal, dagId)) {
          const [run] = await deps.store.db.select().from(dagRun).where(and(eq(dagRun.dagId, dagId), eq(dagRun.runId, runId)));
          const tis = await deps.store.db.select().from(taskInstance).where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId)));
          for (const t of tis) {
            if (overflowed || stream.aborted) break;
            await write(frame("task", JSON.stringify({ type: "task", dag_id: dagId, run_id: runId, task_id: t.taskId, map_index: t.mapIndex, state: t.state, try_number: t.tryNumber, hostname: t.hostname, snapshot: true })));
          }
          if (run && !overflowed) await write(frame("run", JSON.stringify({ type: "run", dag_id: dagId, run_id: runId, state: run.state, snapshot: true })));
        }
        while (!stream.aborted && !overflowed) {
          if (queue.length) {
            // Everything waiting goes out in one write.
            const text = queue.join("");
            queue = [];
            queued = 0;
            await write(text);
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, KEEPALIVE_MS).unref();
          });
          wake = null;
          if (!queue.length && !stream.aborted && !overflowed) await write(": keep-alive\n\n");
        }
        if (overflowed && !stream.aborted) {
          // A client that never reads never takes this event either: cut it off after a grace period.
          grace = setTimeout(() => {
            stream.abort();
            (c.env as { outgoing?: { destroy(): void } } | undefined)?.outgoing?.destroy();
          }, OVERFLOW_GRACE_MS);
          grace.unref();
          await stream.write(frame("overflow", JSON.stringify({
            type: "overflow",
            detail: `this client fell more than ${cap} bytes of events behind and was dropped; reconnect and resync`,
            at: new Date().toISOString(),
          })));
        }
      } finally {
        clearTimeout(grace);
        off();
      }
    });
  });
}

function toWire(e: LiveEvent): Record<string, unknown> {
  if (e.type === "worker") return { type: "worker", event: e.event, worker: workerJson(e.worker), at: new Date(e.at).toISOString() };
  if (e.type === "run") return { type: "run", dag_id: e.dagId, run_id: e.runId, state: e.state, at: new Date(e.at).toISOString() };
  return {
    type: "task", dag_id: e.dagId, run_id: e.runId, task_id: e.taskId, map_index: e.mapIndex, state: e.state === "none" ? null : e.state,
    try_number: e.tryNumber, hostname: e.hostname, at: new Date(e.at).toISOString(),
  };
}
