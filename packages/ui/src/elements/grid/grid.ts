// <updraft-grid dag-id>: Airflow's grid. Runs are columns (newest on the right) under a bar chart of
// their durations; tasks are rows (children started with ctx.submit indented under their parent,
// mapped tasks marked [n]); each cell is a task instance square coloured by state, with the
// state's glyph. One request per page of runs; live events change the data in place. Rows and
// columns are virtualised: only the cells in view (and the one holding focus) are in the DOM.
import { html, nothing, type PropertyValues } from "lit";
import { property } from "lit/decorators.js";
import { repeat } from "lit/directives/repeat.js";
import { Task, TaskStatus } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { LiveController } from "../../shared/live-controller.ts";
import { seg } from "../../shared/api-client.ts";
import { stateBadgeStyles } from "../../shared/state-badge-styles.ts";
import { stateGlyphStyles } from "../../shared/state-glyph-css.ts";
import { stateLabel, stateVar } from "../../shared/states.ts";
import { formatDuration } from "../../shared/format.ts";
import type { StreamStatus } from "../../shared/event-stream.ts";
import { FINISHED_STATES, type GridPage } from "../../shared/grid-types.ts";
import { define } from "../../shared/define.ts";
import { Applied, GridModel, runSeconds } from "./grid-model.ts";
import { GEOMETRY, gridStyles } from "./grid-styles.ts";
import { nextPos, type GridPos } from "./grid-keys.ts";
import { cellLabel, cellTip, mixGradient, orderedCounts, runFacts, runLabel, runTip } from "./grid-parts.ts";
import { instancePanel } from "./instance-panel.ts";

const { rowH, colW, headH, barArea } = GEOMETRY;
/**
 * The rendered window grows and moves in blocks, with a margin around what is in view: most
 * scroll frames then change nothing and the browser only scrolls what is already drawn.
 */
const BLOCK_ROWS = 8;
const BLOCK_COLS = 8;
/** More unknown runs than this at once: fetch the newest page instead of one column each. */
const MAX_COLUMN_FETCHES = 4;

interface Window { r0: number; r1: number; c0: number; c1: number }

type Pos = GridPos;

/**
 * `<updraft-grid dag-id="daily_sales"></updraft-grid>`
 *
 * Attributes: `dag-id`; `runs` (runs per page, default 25); `run-id`, `task-id`, `map-index` (the
 * selection: a run, or an instance, shown in the side panel). Events: `updraft-navigate`
 * `{ view: "dag", dagId, tab: "grid", runId?, taskId?, mapIndex? }` when the selection changes.
 * Parts: `toolbar`, `scroller`, `grid`, `panel`, `tooltip`. Token: `--updraft-grid-max-height`.
 * Keyboard: arrows move between cells (up from the first row reaches the runs' bars, left from
 * the first run the task names), Home/End, Ctrl+Home/End, PageUp/PageDown, Enter opens, Escape closes.
 */
export class UpdraftGrid extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, stateBadgeStyles, stateGlyphStyles, ...gridStyles];

  @property({ attribute: "dag-id" }) dagId = "";
  /** Runs per page. */
  @property({ type: Number }) runs = 25;
  @property({ attribute: "run-id" }) runId = "";
  @property({ attribute: "task-id" }) taskId = "";
  /** The instance's map index; absent (null) for a mapped task's whole set of instances. */
  @property({ attribute: "map-index", type: Number }) mapIndex: number | null = null;

  readonly #model = new GridModel();
  #win: Window = { r0: 0, r1: 40, c0: 0, c1: 0 };
  #active: Pos = { r: 0, c: -1 };
  #hover: Pos | null = null;
  #tipAt: { x: number; y: number } | null = null;
  #scrollRight = false;
  #streamStatus: StreamStatus = "closed";
  #olderLoading = false;
  #olderError = "";
  readonly #columnTimers = new Map<string, ReturnType<typeof setTimeout>>();
  #tick: ReturnType<typeof setInterval> | undefined;
  #resize: ResizeObserver | null = null;
  #offStatus: (() => void) | null = null;
  #focusAfterRender = false;
  #labelW = 200;
  #labelVersion = -1;

  readonly #load = new Task(this, {
    task: async ([dagId, runs], { signal }) => {
      if (!dagId) return null;
      const page = await this.client.get<GridPage>(`/api/updraft/ui/dags/${seg(dagId)}/grid`, { limit: runs }, signal);
      this.#model.load(page);
      this.#scrollRight = true;
      this.#active = { r: this.#model.rows.length ? 0 : -1, c: this.#model.runs.length - 1 };
      return this.#model.version;
    },
    args: () => [this.dagId, this.runs, this.apiBase, this.token] as const,
  });

  readonly #live = new LiveController(this, {
    apply: (e) => {
      if (e.type === "worker" || e.dag_id !== this.dagId || this.#load.status !== TaskStatus.COMPLETE) return false;
      const result = e.type === "run" ? this.#model.applyRun(e) : this.#model.applyTask(e);
      if (result === Applied.unknownRun || result === Applied.unknownTask) this.#queueColumn(e.run_id, 150);
      else if (result === Applied.guessed) this.#queueColumn(e.run_id, 1500);
      else if (e.type === "run" && FINISHED_STATES.has(e.state)) this.#queueColumn(e.run_id, 800); // exact final counts
      return result === Applied.changed || result === Applied.guessed;
    },
    resync: () => void this.#reload(),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.#tick = setInterval(() => {
      if (this.#model.runs.some((r) => r.state === "running" || r.state === "queued")) this.requestUpdate();
    }, 1000);
    queueMicrotask(() => {
      if (this.isConnected) this.#offStatus = this.stream.onStatus((s) => {
        this.#streamStatus = s;
        this.requestUpdate();
      });
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#tick);
    this.#resize?.disconnect();
    this.#resize = null;
    this.#offStatus?.();
    this.#offStatus = null;
    for (const t of this.#columnTimers.values()) clearTimeout(t);
    this.#columnTimers.clear();
  }

  get #scroller(): HTMLElement | null {
    return this.renderRoot.querySelector(".scroller");
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("runId") || changed.has("taskId")) {
      const r = this.taskId ? this.#model.rowOf(this.taskId) : undefined;
      const c = this.runId ? this.#model.columnOf(this.runId) : undefined;
      if (r !== undefined && c !== undefined) this.#active = { r, c };
    }
    if (this.#labelVersion !== this.#model.version) this.#measureLabels();
    this.#win = this.#computeWindow();
  }

  override updated(): void {
    const s = this.#scroller;
    if (s && !this.#resize) {
      this.#resize = new ResizeObserver(() => this.#onScroll());
      this.#resize.observe(s);
    }
    if (s && this.#scrollRight) {
      this.#scrollRight = false;
      s.scrollLeft = s.scrollWidth;
      this.#onScroll();
    }
    if (this.#focusAfterRender) {
      this.#focusAfterRender = false;
      const el = this.renderRoot.querySelector<HTMLElement>(`[data-r="${this.#active.r}"][data-c="${this.#active.c}"]`);
      el?.focus({ preventScroll: true });
    }
  }

  override render() {
    void this.#live;
    const m = this.#model;
    const status = this.#load.status;
    if (!this.dagId) return html`<p class="muted">No DAG given (dag-id).</p>`;
    if (status === TaskStatus.ERROR && !m.runs.length && !m.rows.length) {
      return html`<div class="empty error" role="alert">${(this.#load.error as Error)?.message ?? "Could not load the grid."}
        <button @click=${() => void this.#load.run()}>Retry</button></div>`;
    }
    if (status !== TaskStatus.COMPLETE && !m.rows.length) return html`<div class="empty" aria-busy="true">Loading grid…</div>`;
    return html`<div class="wrap">
      ${this.#toolbar()}
      <div class="main">
        ${this.#grid()}
        ${this.#panel()}
      </div>
      ${this.#tooltip()}
    </div>`;
  }

  #toolbar() {
    const m = this.#model;
    const live = this.#streamStatus === "live" ? "Live" : this.#streamStatus === "closed" ? "Not live" : "Reconnecting…";
    return html`<div class="toolbar" part="toolbar">
      <button ?disabled=${!m.hasMore || this.#olderLoading} @click=${() => void this.#loadOlder()} title="Show the previous ${this.runs} runs on the left">
        ${this.#olderLoading ? "Loading…" : "← Older runs"}
      </button>
      <span class="muted">${m.runs.length} of ${m.totalRuns} runs · ${m.rows.length} tasks</span>
      ${this.#olderError ? html`<span class="error" role="alert">${this.#olderError}</span>` : nothing}
      <span class="spacer"></span>
      <span class="live" data-status=${this.#streamStatus} role="status">${live}</span>
    </div>`;
  }

  #grid() {
    const m = this.#model;
    const w = this.#win;
    const labelW = this.#labelW;
    const width = labelW + m.runs.length * colW + 12;
    const height = m.rows.length * rowH;
    const rows: number[] = [];
    for (let r = w.r0; r < w.r1; r++) rows.push(r);
    if (this.#active.r >= 0 && (this.#active.r < w.r0 || this.#active.r >= w.r1) && this.#active.r < m.rows.length) {
      rows.push(this.#active.r);
      rows.sort((a, b) => a - b);
    }
    const selC = this.runId ? m.columnOf(this.runId) : undefined;
    const hovC = this.#hover?.c;
    return html`<div class="scroller" part="scroller" @scroll=${this.#onScroll} @keydown=${this.#onKey} @click=${this.#onClick}
        @pointerover=${this.#onPointer} @pointerleave=${this.#onLeave} @focusin=${this.#onFocus} @focusout=${this.#onLeave}>
      <div class="canvas" part="grid" role="grid" aria-label="Task instances of ${this.dagId} by run" aria-rowcount=${m.rows.length + 1}
        aria-colcount=${m.runs.length + 1} style="width:${width}px">
        ${this.#head(labelW)}
        <div class="body" role="rowgroup" style="height:${height}px">
          ${selC !== undefined ? html`<div class="col-hl selected" style="left:${labelW + selC * colW}px;height:${height}px"></div>` : nothing}
          ${hovC !== undefined && hovC >= 0 && hovC !== selC ? html`<div class="col-hl hover" style="left:${labelW + hovC * colW}px;height:${height}px"></div>` : nothing}
          ${repeat(rows, (r) => m.rows[r]!.node.id, (r) => this.#row(r, labelW))}
        </div>
        ${m.rows.length === 0 ? html`<div class="empty">This DAG has no tasks.</div>` : nothing}
        ${m.runs.length === 0 && m.rows.length ? html`<div class="empty" style="position:absolute;left:${labelW}px;top:${headH}px;right:0">No runs yet.</div>` : nothing}
      </div>
    </div>`;
  }

  #columns(forRow: number): number[] {
    const w = this.#win;
    const cols: number[] = [];
    for (let c = w.c0; c < w.c1; c++) cols.push(c);
    const a = this.#active;
    if (a.r === forRow && a.c >= 0 && (a.c < w.c0 || a.c >= w.c1) && a.c < this.#model.runs.length) {
      cols.push(a.c);
      cols.sort((x, y) => x - y);
    }
    return cols;
  }

  #head(labelW: number) {
    const m = this.#model;
    const now = Date.now();
    const max = m.maxDuration(now);
    const a = this.#active;
    return html`<div class="head" role="row" aria-rowindex="1">
      <div class="corner" role="columnheader" aria-colindex="1" style="width:${labelW}px">
        <div class="axis" aria-hidden="true"><span>${max ? formatDuration(max) : ""}</span><span>${max ? formatDuration(max / 2) : ""}</span><span>0</span></div>
        <span class="title">Task</span>
      </div>
      ${max ? [0, 0.5].map((f) => html`<div class="gridline" style="left:${labelW}px;top:${6 + f * barArea}px;width:calc(100% - ${labelW}px)"></div>`) : nothing}
      ${repeat(this.#columns(-1), (c) => m.runs[c]!.run_id, (c) => {
        const run = m.runs[c]!;
        const h = max ? Math.max(3, (runSeconds(run, now) / max) * barArea) : 3;
        const selected = run.run_id === this.runId && !this.taskId;
        return html`<div class="bar-col ${selected || run.run_id === this.runId ? "selected" : ""} ${this.#hover?.c === c ? "hover" : ""}"
            role="columnheader" aria-colindex=${c + 2} data-r="-1" data-c=${c} data-run-id=${run.run_id}
            tabindex=${a.r === -1 && a.c === c ? 0 : -1} aria-selected=${selected ? "true" : "false"}
            style="left:${labelW + c * colW}px">
          <span class="visually-hidden">Run ${runLabel(run)}: ${stateLabel(run.state)}</span>
          <div class="bar" style="height:${h}px;background:${stateVar(run.state)}"></div>
          <span class="sg" data-state=${run.state} style="color:${stateVar(run.state)}"></span>
        </div>`;
      })}
    </div>`;
  }

  #row(r: number, labelW: number) {
    const m = this.#model;
    const { node, depth } = m.rows[r]!;
    const a = this.#active;
    const newest = m.runs.at(-1);
    const grouped = node.is_mapped || node.parent_task_id !== null;
    const total = grouped && newest ? m.cell(newest.run_id, node.id)?.total : undefined;
    const selected = node.id === this.taskId;
    const title = `${node.id} (${node.kind}${node.is_mapped ? ", mapped" : ""}${node.parent_task_id ? `, submitted by ${node.parent_task_id}` : ""}${!node.in_dag && !node.parent_task_id ? ", not in the current version" : ""})`;
    return html`<div class="row ${selected ? "selected" : ""} ${this.#hover?.r === r ? "hover" : ""}" role="row" aria-rowindex=${r + 2} style="top:${r * rowH}px">
      <div class="label ${!node.in_dag && !node.parent_task_id ? "gone" : ""}" role="rowheader" aria-colindex="1" data-r=${r} data-c="-1"
          tabindex=${a.r === r && a.c === -1 ? 0 : -1} title=${title} style="width:${labelW}px;padding-left:${10 + depth * 18}px">
        ${depth ? html`<span class="child-mark" aria-hidden="true">↳</span>` : nothing}
        <span class="name">${node.id}</span>
        ${grouped ? html`<span class="map" aria-label="${total ?? 0} instances in the newest run">[${total ?? " "}]</span>` : nothing}
      </div>
      ${repeat(this.#columns(r), (c) => m.runs[c]!.run_id, (c) => {
        const run = m.runs[c]!;
        const cell = m.cell(run.run_id, node.id);
        const mix = cell ? mixGradient(cell) : null;
        return html`<div class="cell" role="gridcell" aria-colindex=${c + 2} data-r=${r} data-c=${c} data-run-id=${run.run_id} data-task-id=${node.id}
            data-state=${cell ? (cell.state ?? "none") : "absent"} tabindex=${a.r === r && a.c === c ? 0 : -1}
            aria-selected=${selected && run.run_id === this.runId ? "true" : "false"} aria-label=${cellLabel(node, run, cell)}
            style="left:${labelW + c * colW}px">${mix ? html`<span class="mix" style="background:${mix}"></span>` : nothing}</div>`;
      })}
    </div>`;
  }

  #tooltip() {
    const h = this.#hover;
    const at = this.#tipAt;
    if (!h || !at || h.c < 0) return nothing;
    const m = this.#model;
    const run = m.runs[h.c];
    if (!run) return nothing;
    let body;
    if (h.r === -1) body = runTip(run, Date.now());
    else {
      const row = m.rows[h.r];
      if (!row) return nothing;
      body = cellTip(row.node, run, m.cell(run.run_id, row.node.id));
    }
    return html`<div class="tip" part="tooltip" role="tooltip" style="left:${at.x}px;top:${at.y}px">${body}</div>`;
  }

  #panel() {
    if (!this.runId) return nothing;
    const m = this.#model;
    const c = m.columnOf(this.runId);
    const run = c === undefined ? undefined : m.runs[c];
    const close = html`<button class="icon-btn" aria-label="Close" title="Close (Escape)" @click=${() => this.#select(null)}>✕</button>`;
    if (!this.taskId) {
      const counts: Record<string, number> = {};
      if (run) for (const { node } of m.rows) {
        const cell = m.cell(run.run_id, node.id);
        if (!cell) continue;
        if (cell.counts) for (const [s, n] of Object.entries(cell.counts)) counts[s] = (counts[s] ?? 0) + n;
        else counts[cell.state ?? "none"] = (counts[cell.state ?? "none"] ?? 0) + 1;
      }
      return html`<aside class="panel" part="panel" aria-label="Run ${this.runId}">
        <div class="panel-head"><span class="what">Run <span class="muted">${run ? runLabel(run) : this.runId}</span></span>${close}</div>
        <div class="panel-body">${run ? runFacts(run, orderedCounts(counts), Date.now()) : html`<p class="muted">This run is not on the page.</p>`}</div>
      </aside>`;
    }
    return instancePanel({
      apiBase: this.apiBase, token: this.token, theme: this.theme, dagId: this.dagId, runId: this.runId, runLabel: run ? runLabel(run) : this.runId,
      taskId: this.taskId, mapIndex: this.mapIndex, node: m.node(this.taskId), cell: m.cell(this.runId, this.taskId),
      select: (mapIndex) => this.#select({ runId: this.runId, taskId: this.taskId, mapIndex }),
      close: () => this.#select(null),
    });
  }

  /** Sets the selection and tells the host (the app routes it; a portal may listen). */
  #select(sel: { runId: string; taskId?: string; mapIndex?: number | null } | null): void {
    this.runId = sel?.runId ?? "";
    this.taskId = sel?.taskId ?? "";
    this.mapIndex = sel?.mapIndex ?? null;
    const route: { view: "dag"; dagId: string; tab: string; runId?: string; taskId?: string; mapIndex?: number } = { view: "dag", dagId: this.dagId, tab: "grid" };
    if (this.runId) route.runId = this.runId;
    if (this.taskId) route.taskId = this.taskId;
    if (this.mapIndex !== null) route.mapIndex = this.mapIndex;
    this.navigate(route);
  }

  #activate(p: Pos): void {
    const m = this.#model;
    if (p.r === -1 && p.c >= 0) {
      const run = m.runs[p.c]!;
      if (this.runId === run.run_id && !this.taskId) this.#select(null);
      else this.#select({ runId: run.run_id });
      return;
    }
    const row = m.rows[p.r];
    if (!row) return;
    if (p.c === -1) {
      // A task name: its instance in the selected run (or the newest).
      const run = (this.runId && m.columnOf(this.runId) !== undefined ? this.runId : m.runs.at(-1)?.run_id) ?? "";
      if (run) this.#activate({ r: p.r, c: m.columnOf(run)! });
      return;
    }
    const run = m.runs[p.c]!;
    const node = row.node;
    const grouped = node.is_mapped || node.parent_task_id !== null || Boolean(m.cell(run.run_id, node.id)?.counts);
    this.#select({ runId: run.run_id, taskId: node.id, mapIndex: grouped ? null : -1 });
  }

  #posOf(e: Event): Pos | null {
    const el = (e.target as Element).closest?.("[data-r]");
    if (!el) return null;
    return { r: Number(el.getAttribute("data-r")), c: Number(el.getAttribute("data-c")) };
  }

  #onClick = (e: MouseEvent): void => {
    const p = this.#posOf(e);
    if (!p) return;
    this.#active = p;
    this.#tipAt = null; // the panel opens beside: the card would cover it
    this.#activate(p);
  };

  #onFocus = (e: FocusEvent): void => {
    const p = this.#posOf(e);
    if (p) this.#active = p;
  };

  #onPointer = (e: PointerEvent): void => {
    const el = (e.target as Element).closest?.("[data-r]");
    const p = this.#posOf(e);
    if (!el || !p) return;
    if (this.#hover?.r === p.r && this.#hover.c === p.c && this.#tipAt) return;
    this.#hover = p;
    const wrap = this.renderRoot.querySelector(".wrap")!.getBoundingClientRect();
    const rect = el.getBoundingClientRect();
    const x = Math.min(rect.left - wrap.left + colW + 4, wrap.width - 330);
    this.#tipAt = { x: Math.max(0, x), y: rect.top - wrap.top + (p.r === -1 ? 24 : rowH + 2) };
    this.requestUpdate();
  };

  #onLeave = (): void => {
    if (!this.#hover) return;
    this.#hover = null;
    this.#tipAt = null;
    this.requestUpdate();
  };

  #onKey = (e: KeyboardEvent): void => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      this.#activate(this.#active);
      return;
    }
    if (e.key === "Escape") {
      if (this.runId) {
        e.preventDefault();
        this.#select(null);
      }
      return;
    }
    const m = this.#model;
    const page = Math.max(1, Math.floor(((this.#scroller?.clientHeight ?? 400) - headH) / rowH) - 1);
    const next = nextPos(e.key, e.ctrlKey || e.metaKey, this.#active, m.rows.length, m.runs.length, page);
    if (!next) return;
    e.preventDefault();
    this.#active = next;
    this.#scrollIntoView(next);
    this.#focusAfterRender = true;
    this.#hover = null;
    this.#tipAt = null;
    this.requestUpdate();
  };

  #scrollIntoView(p: Pos): void {
    const s = this.#scroller;
    if (!s) return;
    if (p.r >= 0) {
      const viewH = s.clientHeight - headH;
      const y = p.r * rowH;
      if (y < s.scrollTop) s.scrollTop = y;
      else if (y + rowH > s.scrollTop + viewH) s.scrollTop = y + rowH - viewH;
    }
    if (p.c >= 0) {
      const viewW = s.clientWidth - this.#labelW;
      const x = p.c * colW;
      if (x < s.scrollLeft) s.scrollLeft = x;
      else if (x + colW > s.scrollLeft + viewW) s.scrollLeft = x + colW - viewW + 12;
    }
    this.#win = this.#computeWindow();
  }

  #onScroll = (): void => {
    const w = this.#computeWindow();
    const o = this.#win;
    if (w.r0 !== o.r0 || w.r1 !== o.r1 || w.c0 !== o.c0 || w.c1 !== o.c1) this.requestUpdate();
    if (this.#hover) this.#onLeave();
  };

  #computeWindow(): Window {
    const m = this.#model;
    const s = this.#scroller;
    const nR = m.rows.length;
    const nC = m.runs.length;
    if (!s || s.clientWidth === 0) return { r0: 0, r1: Math.min(nR, 40), c0: Math.max(0, nC - 60), c1: nC };
    const viewW = Math.max(0, s.clientWidth - this.#labelW);
    const viewH = Math.max(0, s.clientHeight - headH);
    const down = (v: number, b: number) => Math.max(0, Math.floor(v / b) * b - b);
    const up = (v: number, b: number, n: number) => Math.min(n, Math.ceil(v / b) * b + b);
    return {
      r0: down(s.scrollTop / rowH, BLOCK_ROWS),
      r1: up((s.scrollTop + viewH) / rowH, BLOCK_ROWS, nR),
      c0: down(s.scrollLeft / colW, BLOCK_COLS),
      c1: up((s.scrollLeft + viewW) / colW, BLOCK_COLS, nC),
    };
  }

  #measureLabels(): void {
    let longest = 0;
    for (const { node, depth } of this.#model.rows) longest = Math.max(longest, node.id.length + depth * 3 + (node.is_mapped || node.parent_task_id ? 5 : 0));
    this.#labelW = Math.min(320, Math.max(170, Math.round(longest * 7.4) + 28));
    this.#labelVersion = this.#model.version;
  }

  async #loadOlder(): Promise<void> {
    const m = this.#model;
    const first = m.runs[0];
    if (!first?.logical_date) return;
    this.#olderLoading = true;
    this.#olderError = "";
    this.requestUpdate();
    try {
      const page = await this.client.get<GridPage>(`/api/updraft/ui/dags/${seg(this.dagId)}/grid`, { limit: this.runs, before: first.logical_date });
      const before = m.runs.length;
      m.addOlder(page);
      const added = m.runs.length - before;
      const s = this.#scroller;
      this.#active = { r: this.#active.r, c: this.#active.c + added };
      this.requestUpdate();
      await this.updateComplete;
      if (s) s.scrollLeft += added * colW; // keep the same runs in view; the older ones are to the left
    } catch (e) {
      this.#olderError = (e as Error).message;
    } finally {
      this.#olderLoading = false;
      this.requestUpdate();
    }
  }

  /** Fetches one run's column (a run or a child the events named before the grid knew it). */
  #queueColumn(runId: string, delayMs: number): void {
    if (this.#columnTimers.has(runId)) return;
    this.#columnTimers.set(runId, setTimeout(() => {
      if (this.#columnTimers.size > MAX_COLUMN_FETCHES) {
        const n = this.#columnTimers.size;
        for (const t of this.#columnTimers.values()) clearTimeout(t);
        this.#columnTimers.clear();
        void this.#fetchColumns({ limit: Math.min(365, Math.max(this.runs, n)) });
        return;
      }
      this.#columnTimers.delete(runId);
      void this.#fetchColumns({ run_id: runId });
    }, delayMs));
  }

  async #fetchColumns(query: Record<string, string | number>): Promise<void> {
    const m = this.#model;
    const s = this.#scroller;
    const atRight = !s || s.scrollLeft + s.clientWidth >= s.scrollWidth - colW;
    try {
      const page = await this.client.get<GridPage>(`/api/updraft/ui/dags/${seg(this.dagId)}/grid`, query);
      const oldest = m.runs[0]?.logical_date;
      // Runs older than the first column are for the "older runs" pages, not this one.
      page.runs = page.runs.filter((r) => !m.hasMore || !oldest || !r.logical_date || r.logical_date >= oldest);
      const before = m.runs.length;
      const activeRun = m.runs[this.#active.c]?.run_id;
      m.mergeColumns(page);
      if (activeRun) this.#active = { r: this.#active.r, c: m.columnOf(activeRun) ?? this.#active.c };
      if (atRight && m.runs.length > before) this.#scrollRight = true;
      this.requestUpdate();
    } catch {
      // The run was deleted, or the server is away: the next event or resync fetches again.
    }
  }

  async #reload(): Promise<void> {
    const limit = Math.min(365, Math.max(this.runs, this.#model.runs.length));
    try {
      const page = await this.client.get<GridPage>(`/api/updraft/ui/dags/${seg(this.dagId)}/grid`, { limit });
      const activeRun = this.#model.runs[this.#active.c]?.run_id;
      this.#model.load(page);
      if (activeRun) this.#active = { r: Math.min(this.#active.r, this.#model.rows.length - 1), c: this.#model.columnOf(activeRun) ?? this.#model.runs.length - 1 };
      this.requestUpdate();
    } catch {
      // Still away: the stream reconnects and asks again.
    }
  }
}

define("updraft-grid", UpdraftGrid);
