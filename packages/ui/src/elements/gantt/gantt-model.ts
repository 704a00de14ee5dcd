// The Gantt chart's data: one row per task instance (sorted by when it first started), each with
// its tries, kept up to date by applying the event stream's `task` events of the run in place,
// and the time axis's ticks.
import type { TaskEvent } from "../../shared/event-stream.ts";
import { FINISHED_STATES, type GanttData, type GanttTry, type GridRun } from "../../shared/grid-types.ts";

/** A task instance's row: its tries in order. */
export interface GanttRow {
  key: string;
  taskId: string;
  mapIndex: number;
  parentTaskId: string | null;
  tries: GanttTry[];
}

const rowKey = (taskId: string, mapIndex: number) => `${taskId}\u0000${mapIndex}`;
const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);

export class GanttModel {
  run: GridRun | null = null;
  rows: GanttRow[] = [];
  readonly #byKey = new Map<string, GanttRow>();

  load(data: GanttData): void {
    this.run = data.run;
    this.rows = [];
    this.#byKey.clear();
    for (const t of data.tries) this.#rowFor(t.task_id, t.map_index, t.parent_task_id).tries.push(t);
    for (const r of this.rows) r.tries.sort((a, b) => a.try_number - b.try_number);
    const first = (r: GanttRow) => Math.min(...r.tries.map((t) => ms(t.start_date ?? t.queued_dttm) || Number.MAX_SAFE_INTEGER));
    this.rows.sort((a, b) => first(a) - first(b) || a.taskId.localeCompare(b.taskId) || a.mapIndex - b.mapIndex);
  }

  /** Applies a state change of one of the run's instances; false when it is another run's. */
  applyTask(e: TaskEvent): boolean {
    if (!this.run || e.run_id !== this.run.run_id || e.try_number <= 0) return false;
    const at = e.at ?? new Date().toISOString();
    const row = this.#rowFor(e.task_id, e.map_index, null);
    let t = row.tries.find((x) => x.try_number === e.try_number);
    if (!t) {
      t = {
        task_id: e.task_id, map_index: e.map_index, try_number: e.try_number, state: e.state, queued_dttm: null, start_date: null,
        end_date: null, hostname: e.hostname, parent_task_id: row.parentTaskId, current: true,
      };
      for (const earlier of row.tries) earlier.current = false;
      row.tries.push(t);
    }
    t.state = e.state;
    if (e.hostname) t.hostname = e.hostname;
    if (e.state === "queued") t.queued_dttm ??= at;
    else if (e.state === "running") t.start_date ??= at;
    else if (e.state === "up_for_retry" || (e.state && FINISHED_STATES.has(e.state))) {
      if (t.start_date) t.end_date ??= at;
    }
    return true;
  }

  /** Applies the run's own state change. */
  applyRun(state: string, at: string | undefined): boolean {
    if (!this.run || this.run.state === state) return false;
    this.run.state = state;
    if (state === "success" || state === "failed") this.run.end_date ??= at ?? new Date().toISOString();
    return true;
  }

  /** The time span the chart covers: the earliest queued or start to the latest end (or now while something runs). */
  extent(now = Date.now()): { from: number; to: number } {
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    let open = false;
    for (const r of this.rows) for (const t of r.tries) {
      const a = ms(t.queued_dttm ?? t.start_date);
      if (Number.isFinite(a)) from = Math.min(from, a);
      const s = ms(t.start_date);
      if (Number.isFinite(s)) from = Math.min(from, s);
      const e = ms(t.end_date);
      if (Number.isFinite(e)) to = Math.max(to, e);
      else if (Number.isFinite(a)) open = true;
    }
    const runStart = ms(this.run?.start_date);
    if (Number.isFinite(runStart)) from = Math.min(from, runStart);
    const runEnd = ms(this.run?.end_date);
    if (Number.isFinite(runEnd)) to = Math.max(to, runEnd);
    if (open || (this.run && !this.run.end_date)) to = Math.max(to, now);
    if (!Number.isFinite(from)) return { from: now - 60_000, to: now };
    if (!(to > from)) to = from + 1000;
    return { from, to };
  }

  #rowFor(taskId: string, mapIndex: number, parent: string | null): GanttRow {
    const key = rowKey(taskId, mapIndex);
    let row = this.#byKey.get(key);
    if (!row) {
      row = { key, taskId, mapIndex, parentTaskId: parent, tries: [] };
      this.#byKey.set(key, row);
      this.rows.push(row);
    }
    return row;
  }
}

const STEPS_S = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Round ticks for a span (ms), about `target` of them, as instants in ms. */
export function timeTicks(from: number, to: number, target = 8): number[] {
  const span = (to - from) / 1000;
  const step = (STEPS_S.find((s) => span / s <= target) ?? STEPS_S.at(-1)!) * 1000;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}

/** A tick's label: `HH:MM:SS` in UTC, with tenths when the step is under a second. */
export function tickLabel(t: number, stepMs: number): string {
  const iso = new Date(t).toISOString();
  return stepMs < 1000 ? iso.slice(11, 21) : iso.slice(11, 19);
}
