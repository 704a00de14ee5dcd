// The workers view's data: one row per worker (the scheduler's own thread pool, each remote
// worker) with its counters and tries finished per minute, and the task stream's bars laid out in
// lanes — a lane per thread of the pool, a slot lane per unit of a remote worker's capacity, a
// try in the first slot free when it started, and kept there (a bar never jumps to another lane).
// Live `task` and `worker` events are applied in place; a resync loads everything again.
import type { TaskEvent, WorkerEvent } from "../../shared/event-stream.ts";
import type { LocalPoolJson, UiWorkersJson, WorkerJson, WorkerTryJson } from "./workers-types.ts";

export const MINUTE_MS = 60_000;
/**
 * How much two tries of one slot may overlap on the server's clock: a thread or worker starts its
 * next try as soon as it is free, while the end of the one before is the moment the scheduler
 * handled its result, a little later on a busy server.
 */
const OVERLAP_MS = 1_500;

export type WorkerState = WorkerJson["state"];

/** A worker as the table shows it. */
export interface WorkerRow {
  /** `local`, a remote worker's id, or `host:<name>` for a host seen in tries but no longer known. */
  id: string;
  kind: "local" | "remote" | "gone";
  name: string;
  /** The machine (and pid) it runs on. */
  host: string;
  state: WorkerState;
  queues: string[];
  capacity: number;
  running: number;
  /** Tries held but not started: prefetched on a remote worker, queued in the pool. */
  waiting: number;
  done: number;
  failed: number;
  /** Server time (ms) of the last heartbeat; null for the local pool (it is this process). */
  heartbeat: number | null;
  since: number | null;
  version: string | null;
  address: string | null;
  threads: LocalPoolJson["threads"];
  tries: WorkerTryJson[];
  /** Tries finished per minute (start of the minute, server ms). */
  perMinute: Map<number, { done: number; failed: number }>;
}

/** One try drawn on the stream. */
export interface StreamBar {
  key: string;
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  /** `running` while it runs, then the state its try ended with. */
  state: string;
  hostname: string;
  start: number;
  end: number | null;
  row: string;
  lane: string;
  slot: number;
}

/** One line of the stream: a slot of a lane of a worker. */
export interface StreamLine {
  row: string;
  lane: string;
  slot: number;
  /** Shown at the left: the thread's name, or `slot n` of a remote worker. */
  label: string;
  /** The first line of its worker: the worker's name is shown above it. */
  first: boolean;
}

interface Lane {
  /** End of the last bar placed in each slot (Infinity while it runs). */
  slotEnds: number[];
  minSlots: number;
}

const KEPT = new Set(["success", "skipped", "removed", "up_for_reschedule"]);

/**
 * The state a finished try's bar shows, from the state its instance moved to: a try that failed
 * is `failed` whether a retry follows (`up_for_retry`) or it was interrupted (`scheduled` again);
 * a sensor's poke that ended waiting is `up_for_reschedule`.
 */
export function barState(state: string | null): string {
  return state && KEPT.has(state) ? state : "failed";
}

export const tryKey = (t: { dag_id: string; run_id: string; task_id: string; map_index: number; try_number: number }) =>
  `${t.dag_id}\u001f${t.run_id}\u001f${t.task_id}\u001f${t.map_index}\u001f${t.try_number}`;

/** Whether a try a worker holds is the one an event is about. */
const sameTry = (t: WorkerTryJson, e: TaskEvent) =>
  t.dag_id === e.dag_id && t.dag_run_id === e.run_id && t.task_id === e.task_id && t.map_index === e.map_index && t.try_number === e.try_number;

const threadOrder = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

export class WorkersModel {
  /** Server clock minus this browser's: bars and ages are drawn on the server's clock. */
  skew = 0;
  scheduler = true;
  windowMinutes = 10;
  truncated = false;
  localHost: string | null = null;
  rows: WorkerRow[] = [];
  bars: StreamBar[] = [];
  readonly #rows = new Map<string, WorkerRow>();
  readonly #lanes = new Map<string, Map<string, Lane>>();
  readonly #bars = new Map<string, StreamBar>();
  /** Where each try was drawn, kept across resyncs so that nothing moves. */
  readonly #placed = new Map<string, { row: string; lane: string; slot: number }>();

  /** Now, on the server's clock. */
  now(): number {
    return Date.now() + this.skew;
  }

  load(data: UiWorkersJson, clientNow = Date.now()): void {
    this.skew = Date.parse(data.now) - clientNow;
    this.scheduler = data.scheduler;
    this.windowMinutes = data.window_minutes;
    this.truncated = data.tries_truncated;
    this.localHost = data.local?.hostname ?? null;
    this.#rows.clear();
    this.#lanes.clear();
    this.#bars.clear();
    if (data.local) this.#addRow(localRow(data.local));
    for (const w of data.workers) this.#addRow(remoteRow(w));
    for (const b of data.throughput) {
      const row = this.#rowOf(b.hostname).row;
      const minute = Date.parse(b.minute);
      const m = row.perMinute.get(minute) ?? { done: 0, failed: 0 };
      m.done += b.done;
      m.failed += b.failed;
      row.perMinute.set(minute, m);
    }
    const tries = [...data.tries].sort((a, b) => Date.parse(a.start_date) - Date.parse(b.start_date));
    for (const t of tries) {
      this.#place({
        key: tryKey(t), dagId: t.dag_id, runId: t.run_id, taskId: t.task_id, mapIndex: t.map_index, tryNumber: t.try_number,
        state: t.end_date ? barState(t.state) : "running", hostname: t.hostname, start: Date.parse(t.start_date),
        end: t.end_date ? Date.parse(t.end_date) : null, row: "", lane: "", slot: 0,
      });
    }
    for (const key of this.#placed.keys()) if (!this.#bars.has(key)) this.#placed.delete(key);
    this.#refresh();
  }

  /** A try started or ended; true when something shown changed. */
  applyTask(e: TaskEvent): boolean {
    if (e.snapshot || e.try_number <= 0) return false;
    const key = tryKey(e);
    const at = (e.at ? Date.parse(e.at) : Number.NaN) || this.now();
    const bar = this.#bars.get(key);
    if (e.state === "running") {
      if (bar || !e.hostname) return false;
      const placed = this.#place({
        key, dagId: e.dag_id, runId: e.run_id, taskId: e.task_id, mapIndex: e.map_index, tryNumber: e.try_number,
        state: "running", hostname: e.hostname, start: at, end: null, row: "", lane: "", slot: 0,
      });
      const row = this.#rows.get(placed.row)!;
      row.running++;
      if (row.kind === "remote") {
        const held = row.tries.find((t) => sameTry(t, e));
        if (held) held.started = true;
        else row.tries.push({ key, dag_id: e.dag_id, dag_run_id: e.run_id, task_id: e.task_id, map_index: e.map_index, try_number: e.try_number, started: true });
        row.waiting = row.tries.filter((t) => !t.started).length;
      } else if (row.waiting > 0) {
        // It was one of the pool's queued tries (the resync corrects the count).
        row.waiting--;
      }
      this.#refresh();
      return true;
    }
    if (!bar || bar.end !== null) return false;
    bar.end = Math.max(at, bar.start);
    bar.state = barState(e.state);
    const lane = this.#lanes.get(bar.row)?.get(bar.lane);
    if (lane && lane.slotEnds[bar.slot] === Number.POSITIVE_INFINITY) lane.slotEnds[bar.slot] = bar.end;
    if (lane) this.#pullBack(bar, lane);
    const row = this.#rows.get(bar.row);
    if (row) {
      row.running = Math.max(0, row.running - 1);
      row.done++;
      if (bar.state === "failed") row.failed++;
      const minute = Math.floor(bar.end / MINUTE_MS) * MINUTE_MS;
      const m = row.perMinute.get(minute) ?? { done: 0, failed: 0 };
      m.done++;
      if (bar.state === "failed") m.failed++;
      row.perMinute.set(minute, m);
      if (row.kind === "remote") {
        row.tries = row.tries.filter((t) => !sameTry(t, e));
        row.waiting = row.tries.filter((t) => !t.started).length;
      }
    }
    return true;
  }

  /** A remote worker joined, left, was lost, came back or drains. */
  applyWorker(e: WorkerEvent): boolean {
    const w = e.worker as unknown as WorkerJson;
    if (!w || typeof w.worker_id !== "string") return false;
    const fresh = remoteRow(w);
    const row = this.#rows.get(w.worker_id);
    if (row) {
      // The counters of the minutes stay; everything the worker tells replaces what it told before.
      fresh.perMinute = row.perMinute;
      Object.assign(row, fresh);
      const lane = this.#lanes.get(row.id)?.get("");
      if (lane) lane.minSlots = Math.max(1, row.capacity);
    } else {
      this.#addRow(fresh);
      this.#refresh();
    }
    return true;
  }

  /** Drops the bars that ended before the window; true when some went. */
  prune(windowMs: number): boolean {
    const from = this.now() - windowMs;
    let dropped = false;
    for (const [key, bar] of this.#bars) {
      if (bar.end !== null && bar.end < from) {
        this.#bars.delete(key);
        this.#placed.delete(key);
        dropped = true;
      }
    }
    if (dropped) this.bars = [...this.#bars.values()];
    return dropped;
  }

  /** The stream's lines, worker by worker, lane by lane, slot by slot. */
  lines(): StreamLine[] {
    const out: StreamLine[] = [];
    for (const row of this.#streamRows()) {
      const lanes = this.#lanes.get(row.id);
      if (!lanes) continue;
      let first = true;
      for (const name of [...lanes.keys()].sort(threadOrder)) {
        const lane = lanes.get(name)!;
        const n = Math.max(lane.minSlots, lane.slotEnds.length);
        for (let slot = 0; slot < n; slot++) {
          const label = row.kind === "remote" ? `slot ${slot + 1}` : slot === 0 ? name : `${name} · ${slot + 1}`;
          out.push({ row: row.id, lane: name, slot, label, first });
          first = false;
        }
      }
    }
    return out;
  }

  /** Tries finished per minute over the last `minutes` minutes, oldest first (the current minute last). */
  series(row: WorkerRow, minutes: number): Array<{ minute: number; done: number; failed: number }> {
    const current = Math.floor(this.now() / MINUTE_MS) * MINUTE_MS;
    const out = [];
    for (let i = minutes - 1; i >= 0; i--) {
      const minute = current - i * MINUTE_MS;
      const m = row.perMinute.get(minute);
      out.push({ minute, done: m?.done ?? 0, failed: m?.failed ?? 0 });
    }
    return out;
  }

  /** The row a try's hostname belongs to, and its lane there. */
  #rowOf(hostname: string): { row: WorkerRow; lane: string } {
    if (this.localHost && hostname.startsWith(`${this.localHost}/`)) {
      const row = this.#rows.get("local");
      if (row) return { row, lane: hostname.slice(this.localHost.length + 1) };
    }
    let named: WorkerRow | undefined;
    for (const r of this.#rows.values()) {
      if (r.kind === "remote" && r.name === hostname && (!named || (named.state !== "online" && r.state === "online"))) named = r;
    }
    if (named) return { row: named, lane: "" };
    // A host no longer known: a worker since forgotten, or the pool of an earlier scheduler.
    const slash = hostname.indexOf("/");
    const host = slash > 0 ? hostname.slice(0, slash) : hostname;
    const id = `host:${host}`;
    let row = this.#rows.get(id);
    if (!row) {
      row = goneRow(id, host);
      this.#addRow(row);
    }
    return { row, lane: slash > 0 ? hostname.slice(slash + 1) : "" };
  }

  #place(bar: StreamBar): StreamBar {
    const { row, lane: laneName } = this.#rowOf(bar.hostname);
    const lanes = this.#lanes.get(row.id)!;
    let lane = lanes.get(laneName);
    if (!lane) {
      lane = { slotEnds: [], minSlots: 1 };
      lanes.set(laneName, lane);
    }
    const before = this.#placed.get(bar.key);
    // A worker starts its next try before the server has recorded the end of the one before (the
    // end is when the result arrived): that much overlap does not need another slot. But a slot
    // of the lane's capacity that is really free comes first: tries that ran at once on a
    // worker's slots overlap for real, however short they are.
    const end = (i: number) => lane.slotEnds[i] ?? Number.NEGATIVE_INFINITY;
    const free = (i: number) => end(i) <= bar.start + OVERLAP_MS;
    let slot = before && before.row === row.id && before.lane === laneName && free(before.slot) ? before.slot : -1;
    if (slot < 0) {
      slot = 0;
      while (slot < lane.minSlots && end(slot) > bar.start) slot++;
      if (slot >= lane.minSlots) {
        slot = 0;
        while (!free(slot)) slot++;
      }
    }
    while (lane.slotEnds.length <= slot) lane.slotEnds.push(Number.NEGATIVE_INFINITY);
    lane.slotEnds[slot] = bar.end ?? Number.POSITIVE_INFINITY;
    Object.assign(bar, { row: row.id, lane: laneName, slot });
    this.#placed.set(bar.key, { row: row.id, lane: laneName, slot });
    this.#bars.set(bar.key, bar);
    return bar;
  }

  /**
   * The next try of a slot may start (on the worker) before the end of the one before reached the
   * server: live, it was put in a slot beyond the lane's capacity. Once that end is known, it moves
   * back into the slot that just freed. (A try in a slot within the capacity stays: it ran beside
   * the one that ended.)
   */
  #pullBack(ended: StreamBar, lane: Lane): void {
    const end = ended.end!;
    const next = [...this.#bars.values()].find((b) => b.row === ended.row && b.lane === ended.lane && b.slot > ended.slot
      && b.slot >= lane.minSlots && b.start >= end - OVERLAP_MS && b.start <= end + OVERLAP_MS);
    if (!next || (lane.slotEnds[ended.slot] ?? Number.NEGATIVE_INFINITY) > next.start + OVERLAP_MS) return;
    const from = next.slot;
    next.slot = ended.slot;
    this.#placed.set(next.key, { row: next.row, lane: next.lane, slot: next.slot });
    lane.slotEnds[next.slot] = next.end ?? Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const b of this.#bars.values()) if (b.row === next.row && b.lane === next.lane && b.slot === from) last = Math.max(last, b.end ?? Number.POSITIVE_INFINITY);
    lane.slotEnds[from] = last;
    // Slots left empty at the end go (down to the lane's least).
    while (lane.slotEnds.length > lane.minSlots && lane.slotEnds.at(-1) === Number.NEGATIVE_INFINITY) lane.slotEnds.pop();
  }

  #addRow(row: WorkerRow): void {
    this.#rows.set(row.id, row);
    const lanes = new Map<string, Lane>();
    if (row.kind === "remote") lanes.set("", { slotEnds: [], minSlots: Math.max(1, row.capacity) });
    for (const t of row.threads) lanes.set(t.name, { slotEnds: [], minSlots: 1 });
    this.#lanes.set(row.id, lanes);
  }

  #streamRows(): WorkerRow[] {
    return [...this.#rows.values()].sort((a, b) => kindOrder(a) - kindOrder(b) || a.name.localeCompare(b.name));
  }

  #refresh(): void {
    this.rows = this.#streamRows().filter((r) => r.kind !== "gone");
    this.bars = [...this.#bars.values()];
  }
}

const kindOrder = (r: WorkerRow) => (r.kind === "local" ? 0 : r.kind === "remote" ? 1 : 2);

function localRow(l: LocalPoolJson): WorkerRow {
  return {
    id: "local", kind: "local", name: l.executor === "threads" ? "Scheduler threads" : "Scheduler (sequential)", host: l.hostname,
    state: "online", queues: l.queues, capacity: l.capacity, running: l.running, waiting: l.queued, done: l.tasks_done, failed: l.tasks_failed,
    heartbeat: null, since: Date.parse(l.started_at), version: null, address: null, threads: l.threads, tries: [], perMinute: new Map(),
  };
}

function remoteRow(w: WorkerJson): WorkerRow {
  return {
    id: w.worker_id, kind: "remote", name: w.name, host: `${w.hostname} · pid ${w.pid}`, state: w.state, queues: w.queues,
    capacity: w.capacity, running: w.running, waiting: w.tries.filter((t) => !t.started).length, done: w.tasks_done, failed: w.tasks_failed,
    heartbeat: Date.parse(w.last_heartbeat), since: Date.parse(w.connected_at), version: w.version, address: w.address, threads: [],
    tries: w.tries, perMinute: new Map(),
  };
}

function goneRow(id: string, host: string): WorkerRow {
  return {
    id, kind: "gone", name: host, host, state: "lost", queues: [], capacity: 0, running: 0, waiting: 0, done: 0, failed: 0,
    heartbeat: null, since: null, version: null, address: null, threads: [], tries: [], perMinute: new Map(),
  };
}
