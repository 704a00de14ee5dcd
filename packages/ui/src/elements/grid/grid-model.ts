// The grid's data: rows (tasks, submitted children under their parent), columns (runs, oldest
// first) and one summary per run and task, kept up to date by applying the event stream's `run`
// and `task` events in place. Each event costs a few Map lookups, so the grid keeps up with
// thousands of changes a second; what an event cannot settle alone (a run or task not seen yet,
// an instance of a mapped task whose previous state is unknown) is reported so that the element
// fetches that one run's column.
import type { RunEvent, TaskEvent } from "../../shared/event-stream.ts";
import { dominantState, FINISHED_STATES, type CellSummary, type GridNode, type GridPage, type GridRun } from "../../shared/grid-types.ts";

/** A row of the grid. */
export interface GridRow {
  node: GridNode;
  /** 0 for a task of the DAG, 1 for a child started with `ctx.submit`. */
  depth: number;
}

/** What applying an event did. */
export const Applied = {
  /** The data changed. */
  changed: "changed",
  /** Nothing to show (another DAG, an event already applied). */
  ignored: "ignored",
  /** The run is not a column yet: fetch its column. */
  unknownRun: "unknown-run",
  /** The task is not a row yet (a new submitted child): fetch the run's column. */
  unknownTask: "unknown-task",
  /** Changed, but on a guess of the instance's previous state: refetch the column a little later to be exact. */
  guessed: "guessed",
} as const;
export type Applied = (typeof Applied)[keyof typeof Applied];

/** The state an instance most likely had before this one (used only when it was never seen). */
const PREVIOUS: Record<string, string> = {
  queued: "scheduled", running: "queued", success: "running", failed: "running", up_for_retry: "running",
  up_for_reschedule: "running", deferred: "running", skipped: "none", upstream_failed: "none", removed: "none", restarting: "running",
};

export class GridModel {
  rows: GridRow[] = [];
  runs: GridRun[] = [];
  hasMore = false;
  totalRuns = 0;
  /** Bumped on every change, for whoever caches a derived value. */
  version = 0;

  readonly #nodes = new Map<string, GridNode>();
  readonly #rowIndex = new Map<string, number>();
  readonly #runIndex = new Map<string, number>();
  /** run id → task id → summary. */
  readonly #columns = new Map<string, Map<string, CellSummary>>();
  /**
   * run id → `task\0map` → last state an event gave (mapped instances and children only). Kept
   * when a column is refetched: an event is as new as anything the refetch read.
   */
  readonly #seen = new Map<string, Map<string, string | null>>();

  /** Replaces everything with a first page. */
  load(page: GridPage): void {
    this.#nodes.clear();
    this.#columns.clear();
    this.#seen.clear();
    this.runs = [];
    this.#setNodes(page.nodes);
    this.#addRuns(page);
    this.hasMore = page.has_more;
    this.totalRuns = page.total_runs;
  }

  /** Adds an older page on the left. */
  addOlder(page: GridPage): void {
    this.#mergeNodes(page.nodes);
    this.#addRuns(page);
    this.hasMore = page.has_more;
    this.totalRuns = page.total_runs;
  }

  /** Adds or replaces the columns of a page (one run fetched by id), placed by logical date. */
  mergeColumns(page: GridPage): void {
    this.#mergeNodes(page.nodes);
    this.#addRuns(page);
    this.totalRuns = Math.max(this.totalRuns, page.total_runs);
  }

  node(taskId: string): GridNode | undefined {
    return this.#nodes.get(taskId);
  }

  rowOf(taskId: string): number | undefined {
    return this.#rowIndex.get(taskId);
  }

  columnOf(runId: string): number | undefined {
    return this.#runIndex.get(runId);
  }

  cell(runId: string, taskId: string): CellSummary | undefined {
    return this.#columns.get(runId)?.get(taskId);
  }

  /** A run's state change. */
  applyRun(e: RunEvent): Applied {
    const i = this.#runIndex.get(e.run_id);
    if (i === undefined) return Applied.unknownRun;
    const run = this.runs[i]!;
    if (run.state === e.state) return Applied.ignored;
    const at = e.at ?? new Date().toISOString();
    run.state = e.state;
    if (e.state === "running") {
      run.start_date ??= at;
      run.end_date = null;
      run.duration = null;
    } else if (e.state === "queued") {
      run.end_date = null;
      run.duration = null;
    } else if (e.state === "success" || e.state === "failed") {
      run.end_date = at;
      run.duration = run.start_date ? Math.max(0, (Date.parse(at) - Date.parse(run.start_date)) / 1000) : null;
    }
    this.version++;
    return Applied.changed;
  }

  /** A task instance's state change. */
  applyTask(e: TaskEvent): Applied {
    const column = this.#columns.get(e.run_id);
    if (!column) return Applied.unknownRun;
    const node = this.#nodes.get(e.task_id);
    if (!node) return Applied.unknownTask;
    const at = e.at ?? new Date().toISOString();
    let cell = column.get(e.task_id);
    const grouped = e.map_index >= 0 || node.is_mapped || node.parent_task_id !== null;
    if (!cell) {
      cell = { state: null, try_number: 0, start_date: null, end_date: null };
      if (grouped) Object.assign(cell, { counts: {}, total: 0 });
      column.set(e.task_id, cell);
    }
    this.version++;
    if (!grouped || (e.map_index < 0 && !cell.total)) {
      // One instance (or a mapped task's placeholder before it expands).
      const newTry = cell.try_number !== e.try_number;
      cell.try_number = e.try_number;
      cell.state = e.state;
      if (e.state === null || e.state === "scheduled" || e.state === "queued") {
        cell.start_date = null;
        cell.end_date = null;
      } else if (e.state === "running") {
        if (newTry || !cell.start_date) cell.start_date = at;
        cell.end_date = null;
      } else if (FINISHED_STATES.has(e.state)) {
        cell.start_date ??= at;
        cell.end_date = at;
      }
      return Applied.changed;
    }
    if (e.map_index < 0) return Applied.ignored; // the placeholder of a task already expanded
    const counts = (cell.counts ??= {});
    cell.total ??= 0;
    const key = `${e.task_id}\u0000${e.map_index}`;
    let seen = this.#seen.get(e.run_id);
    if (!seen) this.#seen.set(e.run_id, (seen = new Map()));
    const next = e.state ?? "none";
    let result: Applied = Applied.changed;
    if (seen.has(key)) {
      const prev = seen.get(key) ?? "none";
      if (prev === next) return Applied.ignored;
      counts[prev] = Math.max(0, (counts[prev] ?? 0) - 1);
    } else if (next === "scheduled" || next === "none") {
      cell.total++; // a new instance: the mapped task expanded, or a child was submitted
    } else {
      const guess = PREVIOUS[next] ?? "running";
      const from = (counts[guess] ?? 0) > 0 ? guess : Object.keys(counts).find((s) => (counts[s] ?? 0) > 0 && !FINISHED_STATES.has(s));
      if (from === undefined) cell.total++;
      else counts[from] = counts[from]! - 1;
      result = Applied.guessed;
    }
    seen.set(key, e.state);
    counts[next] = (counts[next] ?? 0) + 1;
    cell.state = dominantState(counts);
    cell.try_number = Math.max(cell.try_number, e.try_number);
    if (e.state === "running" && (!cell.start_date || Date.parse(at) < Date.parse(cell.start_date))) cell.start_date = at;
    const unfinished = Object.entries(counts).some(([s, n]) => n > 0 && !FINISHED_STATES.has(s));
    cell.end_date = unfinished ? null : at;
    return result;
  }

  /** The longest run duration among the columns (a running run counts up to now), for the bar chart's scale. */
  maxDuration(now = Date.now()): number {
    let max = 0;
    for (const r of this.runs) max = Math.max(max, runSeconds(r, now));
    return max;
  }

  #addRuns(page: GridPage): void {
    for (const r of page.runs) {
      const { task_instances: tis, ...run } = r;
      const column = new Map(Object.entries(tis));
      const i = this.#runIndex.get(run.run_id);
      if (i !== undefined) this.runs[i] = run;
      else this.runs.push(run);
      this.#columns.set(run.run_id, column);
    }
    this.runs.sort((a, b) => Date.parse(a.logical_date ?? "") - Date.parse(b.logical_date ?? ""));
    this.#runIndex.clear();
    this.runs.forEach((r, i) => this.#runIndex.set(r.run_id, i));
    this.version++;
  }

  #setNodes(nodes: GridNode[]): void {
    this.rows = nodes.map((node) => ({ node, depth: node.parent_task_id !== null ? 1 : 0 }));
    this.#reindex();
  }

  /** Adds nodes not known yet: a child after its parent's last child, anything else at the end. */
  #mergeNodes(nodes: GridNode[]): void {
    let changed = false;
    for (const node of nodes) {
      if (this.#nodes.has(node.id)) continue;
      changed = true;
      const row: GridRow = { node, depth: node.parent_task_id !== null ? 1 : 0 };
      const parent = node.parent_task_id !== null ? this.#rowIndex.get(node.parent_task_id) : undefined;
      if (parent === undefined) this.rows.push(row);
      else {
        let at = parent + 1;
        while (at < this.rows.length && this.rows[at]!.node.parent_task_id === node.parent_task_id) at++;
        this.rows.splice(at, 0, row);
      }
      this.#reindex();
    }
    if (changed) this.version++;
  }

  #reindex(): void {
    this.#rowIndex.clear();
    this.#nodes.clear();
    this.rows.forEach((r, i) => {
      this.#rowIndex.set(r.node.id, i);
      this.#nodes.set(r.node.id, r.node);
    });
  }
}

/** A run's duration in seconds: start to end, or to now while it runs. */
export function runSeconds(r: GridRun, now = Date.now()): number {
  if (r.duration != null) return r.duration;
  if (!r.start_date) return 0;
  const end = r.end_date ? Date.parse(r.end_date) : now;
  return Math.max(0, (end - Date.parse(r.start_date)) / 1000);
}
