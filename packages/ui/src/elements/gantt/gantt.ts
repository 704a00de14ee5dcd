// <updraft-gantt dag-id run-id>: a run's task instances on a time axis, one row per instance (by
// when it first started), every try a bar: the time it waited queued drawn hatched and apart from
// the time it ran, coloured by state with its glyph. Live while the run runs: bars grow and new
// tries and instances appear from the event stream. Rows are virtualised.
import { html, nothing, type PropertyValues } from "lit";
import { property } from "lit/decorators.js";
import { repeat } from "lit/directives/repeat.js";
import { Task, TaskStatus } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { LiveController } from "../../shared/live-controller.ts";
import { seg } from "../../shared/api-client.ts";
import { statePill } from "../../shared/state-badge.ts";
import { stateBadgeStyles } from "../../shared/state-badge-styles.ts";
import { stateLabel } from "../../shared/states.ts";
import { formatDateTime, formatDuration } from "../../shared/format.ts";
import type { StreamStatus } from "../../shared/event-stream.ts";
import type { GanttData, GanttTry, GridPage } from "../../shared/grid-types.ts";
import { define } from "../../shared/define.ts";
import { instancePanel } from "../grid/instance-panel.ts";
import { runLabel } from "../grid/grid-parts.ts";
import { GanttModel, tickLabel, timeTicks, type GanttRow } from "./gantt-model.ts";
import { GANTT, ganttStyles } from "./gantt-styles.ts";

const { rowH, labelW } = GANTT;
const OVERSCAN = 10;

const seconds = (a: string | null, b: string | null, now: number) => (a ? Math.max(0, ((b ? Date.parse(b) : now) - Date.parse(a)) / 1000) : null);

/**
 * `<updraft-gantt dag-id="daily_sales" run-id="scheduled__2026-03-01T00:00:00+00:00"></updraft-gantt>`
 *
 * Attributes: `dag-id`, `run-id` (the latest run when absent), `task-id` and `map-index` (the instance
 * in the side panel). Events: `updraft-navigate` `{ view: "dag", dagId, tab: "gantt", runId, taskId?, mapIndex? }`.
 * Parts: `toolbar`, `chart`, `panel`, `tooltip`. Token: `--updraft-gantt-max-height`.
 * Keyboard: up/down move between rows, Enter opens the instance, Escape closes it.
 */
export class UpdraftGantt extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, stateBadgeStyles, ...ganttStyles];

  @property({ attribute: "dag-id" }) dagId = "";
  @property({ attribute: "run-id" }) runId = "";
  @property({ attribute: "task-id" }) taskId = "";
  @property({ attribute: "map-index", type: Number }) mapIndex: number | null = null;

  readonly #model = new GanttModel();
  #width = 0;
  #win = { r0: 0, r1: 60 };
  #active = 0;
  #hover: { row: number; t: GanttTry; x: number; y: number } | null = null;
  #streamStatus: StreamStatus = "closed";
  #offStatus: (() => void) | null = null;
  #resize: ResizeObserver | null = null;
  #tick: ReturnType<typeof setInterval> | undefined;
  #refetch: ReturnType<typeof setTimeout> | undefined;

  readonly #load = new Task(this, {
    task: async ([dagId, runId], { signal }) => {
      if (!dagId) return null;
      await this.#fetch(dagId, runId, signal);
      return this.#model.run;
    },
    args: () => [this.dagId, this.runId, this.apiBase, this.token] as const,
  });

  readonly #live = new LiveController(this, {
    apply: (e) => {
      if (e.type === "worker" || e.dag_id !== this.dagId || this.#load.status !== TaskStatus.COMPLETE) return false;
      const run = this.#model.run;
      if (!run || e.run_id !== run.run_id) {
        if (!this.runId && e.type === "run" && e.state === "running" && run?.run_id !== e.run_id) this.#refetchSoon(300); // a newer run to follow
        return false;
      }
      if (e.type === "run") {
        const changed = this.#model.applyRun(e.state, e.at);
        if (changed && (e.state === "success" || e.state === "failed")) this.#refetchSoon(800); // exact times
        return changed;
      }
      return this.#model.applyTask(e);
    },
    resync: () => this.#refetchSoon(0),
  });

  async #fetch(dagId: string, runId: string, signal?: AbortSignal): Promise<void> {
    let id = runId;
    if (!id) {
      const latest = await this.client.get<GridPage>(`/api/updraft/ui/dags/${seg(dagId)}/grid`, { limit: 1 }, signal);
      id = latest.runs[0]?.run_id ?? "";
      if (!id) {
        this.#model.run = null;
        this.#model.rows = [];
        return;
      }
    }
    const data = await this.client.get<GanttData>(`/api/updraft/ui/dags/${seg(dagId)}/runs/${seg(id)}/gantt`, undefined, signal);
    this.#model.load(data);
    this.requestUpdate();
  }

  #refetchSoon(ms: number): void {
    if (this.#refetch !== undefined) return;
    this.#refetch = setTimeout(() => {
      this.#refetch = undefined;
      this.#fetch(this.dagId, this.runId).catch(() => undefined);
    }, ms);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#tick = setInterval(() => {
      const r = this.#model.run;
      if (r && (r.state === "running" || r.state === "queued")) this.requestUpdate();
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
    clearTimeout(this.#refetch);
    this.#refetch = undefined;
    this.#resize?.disconnect();
    this.#resize = null;
    this.#offStatus?.();
    this.#offStatus = null;
  }

  get #scroller(): HTMLElement | null {
    return this.renderRoot.querySelector(".scroller");
  }

  override willUpdate(_changed: PropertyValues<this>): void {
    const s = this.#scroller;
    const n = this.#model.rows.length;
    if (!s || !s.clientHeight) this.#win = { r0: 0, r1: Math.min(n, 60) };
    else {
      const top = Math.floor(s.scrollTop / rowH);
      this.#win = { r0: Math.max(0, top - OVERSCAN), r1: Math.min(n, top + Math.ceil(s.clientHeight / rowH) + OVERSCAN) };
    }
  }

  override updated(): void {
    const s = this.#scroller;
    if (s && !this.#resize) {
      this.#resize = new ResizeObserver(() => {
        const w = Math.max(0, s.clientWidth - labelW - 16);
        if (w !== this.#width) {
          this.#width = w;
          this.requestUpdate();
        }
      });
      this.#resize.observe(s);
    }
  }

  override render() {
    void this.#live;
    if (!this.dagId) return html`<p class="muted">No DAG given (dag-id).</p>`;
    if (this.#load.status === TaskStatus.ERROR && !this.#model.run) {
      return html`<p class="error" role="alert">${(this.#load.error as Error)?.message ?? "Could not load the Gantt chart."}
        <button @click=${() => void this.#load.run()}>Retry</button></p>`;
    }
    if (this.#load.status !== TaskStatus.COMPLETE && !this.#model.run) return html`<p class="muted" aria-busy="true">Loading Gantt chart…</p>`;
    const run = this.#model.run;
    if (!run) return html`<p class="empty">No runs yet.</p>`;
    return html`<div class="wrap">
      ${this.#toolbar()}
      <div class="main">
        ${this.#chart()}
        ${this.#panel()}
      </div>
      ${this.#tooltip()}
    </div>`;
  }

  #toolbar() {
    const run = this.#model.run!;
    const tries = this.#model.rows.reduce((a, r) => a + r.tries.length, 0);
    const live = this.#streamStatus === "live" ? "Live" : this.#streamStatus === "closed" ? "Not live" : "Reconnecting…";
    return html`<div class="toolbar" part="toolbar">
      <span>Run <strong>${runLabel(run)}</strong></span> ${statePill(run.state)}
      <span class="muted">${formatDuration(seconds(run.start_date, run.end_date, Date.now()))} · ${this.#model.rows.length} instances · ${tries} tries</span>
      <span class="spacer"></span>
      <span class="legend"><span class="sw q" aria-hidden="true"></span>queued <span class="sw r" aria-hidden="true"></span>running / done</span>
      <span class="live" data-status=${this.#streamStatus} role="status">${live}</span>
    </div>`;
  }

  #chart() {
    const m = this.#model;
    const now = Date.now();
    const { from, to } = m.extent(now);
    const w = this.#width || 600;
    const x = (t: number) => ((t - from) / (to - from)) * w;
    const ticks = timeTicks(from, to, Math.max(3, Math.floor(w / 110)));
    const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1000;
    const height = m.rows.length * rowH;
    const running = m.run && !m.run.end_date;
    const rows: number[] = [];
    for (let r = this.#win.r0; r < this.#win.r1; r++) rows.push(r);
    if (this.#active < m.rows.length && (this.#active < this.#win.r0 || this.#active >= this.#win.r1)) rows.push(this.#active);
    return html`<div class="scroller" part="chart" @scroll=${() => this.requestUpdate()} @keydown=${this.#onKey}
        @pointerover=${this.#onOver} @pointerleave=${() => { this.#hover = null; this.requestUpdate(); }}>
      <div class="axis" aria-hidden="true">
        <div class="corner">Task instance</div>
        <div class="scale">${ticks.filter((t) => x(t) > 32 && x(t) < w - 24).map((t) => html`<span class="tick" style="left:${x(t)}px">${tickLabel(t, step)}</span>`)}</div>
      </div>
      <div class="body" role="grid" aria-label="Tries of run ${m.run!.run_id} on a time axis" aria-rowcount=${m.rows.length} style="height:${height}px">
        ${ticks.map((t) => html`<div class="gridline" style="left:${labelW + x(t)}px;height:${height}px"></div>`)}
        ${running ? html`<div class="now" title="now" style="left:${labelW + x(now)}px;height:${height}px"></div>` : nothing}
        ${repeat(rows, (r) => m.rows[r]!.key, (r) => this.#row(m.rows[r]!, r, x, now))}
        ${m.rows.length === 0 ? html`<div class="empty">No task instance has been queued yet.</div>` : nothing}
      </div>
    </div>`;
  }

  #row(row: GanttRow, r: number, x: (t: number) => number, now: number) {
    const selected = row.taskId === this.taskId && (this.mapIndex === null || this.mapIndex === row.mapIndex);
    const last = row.tries.at(-1);
    const aria = `${row.taskId}${row.mapIndex >= 0 ? ` [${row.mapIndex}]` : ""}: ${row.tries.length} ${row.tries.length === 1 ? "try" : "tries"}, ${stateLabel(last?.state)}`;
    return html`<div class="row ${selected ? "selected" : ""}" role="row" aria-rowindex=${r + 1} data-r=${r} style="top:${r * rowH}px"
        tabindex=${r === this.#active ? 0 : -1} aria-label=${aria} @click=${() => {
          this.#hover = null;
          this.#open(r);
        }}>
      <div class="label" role="rowheader" title=${row.parentTaskId ? `${row.taskId}, submitted by ${row.parentTaskId}` : row.taskId}>
        <span class="name">${row.taskId}</span>
        ${row.mapIndex >= 0 ? html`<span class="idx">[${row.mapIndex}]</span>` : nothing}
        ${row.tries.length > 1 ? html`<span class="tries">×${row.tries.length}</span>` : nothing}
      </div>
      <div class="lane" role="gridcell">
        ${row.tries.map((t, i) => {
          const queued = t.queued_dttm ? Date.parse(t.queued_dttm) : null;
          const start = t.start_date ? Date.parse(t.start_date) : null;
          const end = t.end_date ? Date.parse(t.end_date) : start !== null ? now : null;
          const state = t.state ?? "none";
          const earlier = i < row.tries.length - 1 ? "earlier" : "";
          const q = queued !== null ? html`<div class="seg queue ${earlier}" data-state=${state} data-try=${i}
            style="left:${x(queued)}px;width:${Math.max(2, x(start ?? now) - x(queued))}px"></div>` : nothing;
          const bw = start !== null && end !== null ? Math.max(2, x(end) - x(start)) : 0;
          const b = start !== null ? html`<div class="seg run ${earlier}" data-state=${state} data-try=${i}
            style="left:${x(start)}px;width:${bw}px">${bw >= 16 ? html`<span class="g" data-state=${state}></span>` : nothing}</div>` : nothing;
          return html`${q}${b}`;
        })}
      </div>
    </div>`;
  }

  #tooltip() {
    const h = this.#hover;
    if (!h) return nothing;
    const t = h.t;
    const now = Date.now();
    const waited = t.queued_dttm ? seconds(t.queued_dttm, t.start_date, now) : null;
    return html`<div class="tip" part="tooltip" role="tooltip" style="left:${h.x}px;top:${h.y}px">
      <div class="t">${t.task_id}${t.map_index >= 0 ? ` [${t.map_index}]` : ""} · try ${t.try_number}</div>
      <div class="kv">
        <span>State</span><span>${statePill(t.state)}</span>
        ${t.queued_dttm ? html`<span>Queued</span><span>${formatDateTime(t.queued_dttm)}</span>` : nothing}
        ${t.start_date ? html`<span>Started</span><span>${formatDateTime(t.start_date)}</span>` : nothing}
        ${t.end_date ? html`<span>Ended</span><span>${formatDateTime(t.end_date)}</span>` : nothing}
        ${waited !== null ? html`<span>Waited</span><span>${formatDuration(waited)}</span>` : nothing}
        ${t.start_date ? html`<span>Ran</span><span>${formatDuration(seconds(t.start_date, t.end_date, now))}</span>` : nothing}
        ${t.hostname ? html`<span>Host</span><span>${t.hostname}</span>` : nothing}
      </div>
    </div>`;
  }

  #panel() {
    const run = this.#model.run;
    if (!this.taskId || !run) return nothing;
    return instancePanel({
      apiBase: this.apiBase, token: this.token, theme: this.theme, dagId: this.dagId, runId: run.run_id, runLabel: runLabel(run),
      taskId: this.taskId, mapIndex: this.mapIndex ?? -1, node: undefined, cell: undefined,
      select: (mapIndex) => this.#select(this.taskId, mapIndex),
      close: () => this.#select("", null),
    });
  }

  #select(taskId: string, mapIndex: number | null): void {
    this.taskId = taskId;
    this.mapIndex = mapIndex;
    const run = this.#model.run?.run_id;
    const route: { view: "dag"; dagId: string; tab: string; runId?: string; taskId?: string; mapIndex?: number } = { view: "dag", dagId: this.dagId, tab: "gantt" };
    if (run) route.runId = run;
    if (taskId) route.taskId = taskId;
    if (taskId && mapIndex !== null) route.mapIndex = mapIndex;
    this.navigate(route);
  }

  #open(r: number): void {
    const row = this.#model.rows[r];
    if (!row) return;
    this.#active = r;
    this.#select(row.taskId, row.mapIndex);
  }

  #onOver = (e: PointerEvent): void => {
    const el = (e.target as Element).closest?.(".seg");
    const rowEl = el?.closest(".row");
    if (!el || !rowEl) {
      if (this.#hover) {
        this.#hover = null;
        this.requestUpdate();
      }
      return;
    }
    const r = Number(rowEl.getAttribute("data-r"));
    const t = this.#model.rows[r]?.tries[Number(el.getAttribute("data-try"))];
    if (!t || (this.#hover?.t === t)) return;
    const wrap = this.renderRoot.querySelector(".wrap")!.getBoundingClientRect();
    const rect = el.getBoundingClientRect();
    this.#hover = { row: r, t, x: Math.max(0, Math.min(e.clientX - wrap.left, wrap.width - 330)), y: rect.bottom - wrap.top + 6 };
    this.requestUpdate();
  };

  #onKey = (e: KeyboardEvent): void => {
    const n = this.#model.rows.length;
    let next = this.#active;
    switch (e.key) {
      case "ArrowDown": next = Math.min(n - 1, this.#active + 1); break;
      case "ArrowUp": next = Math.max(0, this.#active - 1); break;
      case "Home": next = 0; break;
      case "End": next = n - 1; break;
      case "PageDown": next = Math.min(n - 1, this.#active + 10); break;
      case "PageUp": next = Math.max(0, this.#active - 10); break;
      case "Enter":
      case " ": e.preventDefault(); this.#open(this.#active); return;
      case "Escape": if (this.taskId) { e.preventDefault(); this.#select("", null); } return;
      default: return;
    }
    e.preventDefault();
    this.#active = next;
    const s = this.#scroller;
    if (s) {
      const y = next * rowH;
      const viewH = s.clientHeight - GANTT.axisH;
      if (y < s.scrollTop) s.scrollTop = y;
      else if (y + rowH > s.scrollTop + viewH) s.scrollTop = y + rowH - viewH;
    }
    this.requestUpdate();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`.row[data-r="${next}"]`)?.focus({ preventScroll: true }));
  };
}

define("updraft-gantt", UpdraftGantt);
