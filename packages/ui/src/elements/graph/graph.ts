// <updraft-graph dag-id [run-id]>: the DAG laid out automatically (dagre, loaded lazily) as an SVG
// of rounded task boxes coloured by their state in one run (the latest unless run-id names one),
// with arrows for dependencies and dashed arrows to the children a task started with ctx.submit.
// Pan by dragging, zoom with the wheel or the buttons. Live: states change in place, and a new
// child appears (the graph is laid out again) as soon as it is submitted.
import { html, nothing, svg, type PropertyValues } from "lit";
import { property } from "lit/decorators.js";
import { Task, TaskStatus } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { LiveController } from "../../shared/live-controller.ts";
import { seg } from "../../shared/api-client.ts";
import { statePill } from "../../shared/state-badge.ts";
import { stateBadgeStyles } from "../../shared/state-badge-styles.ts";
import { onStateColour, stateIcon, stateLabel, stateVar } from "../../shared/states.ts";
import type { StreamStatus } from "../../shared/event-stream.ts";
import type { CellSummary, GraphData, GridNode } from "../../shared/grid-types.ts";
import { define } from "../../shared/define.ts";
import { Applied, GridModel } from "../grid/grid-model.ts";
import { cellLabel, cellTip, orderedCounts, runLabel } from "../grid/grid-parts.ts";
import { instancePanel } from "../grid/instance-panel.ts";
import { edgePath, kindLabel, layoutGraph, NODE_H, type GraphLayout } from "./graph-layout.ts";
import { graphStyles } from "./graph-styles.ts";

const MIN_ZOOM = 0.2;
const MAX_ZOOM = 2.5;
const MAX_LABEL = 34;

/**
 * `<updraft-graph dag-id="daily_sales" [run-id="…"]></updraft-graph>`
 *
 * Attributes: `dag-id`; `run-id` (the run whose states are shown; the latest, followed live, when
 * absent); `task-id`, `map-index` (the instance shown in the side panel). Events: `updraft-navigate`
 * `{ view: "dag", dagId, tab: "graph", runId, taskId?, mapIndex? }`. Parts: `toolbar`, `stage`,
 * `panel`, `tooltip`. Token: `--updraft-graph-height`. Keyboard: arrows move between tasks, Enter
 * opens one, `+`/`-` zoom, `0` fits the graph, Escape closes the panel.
 */
export class UpdraftGraph extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, stateBadgeStyles, ...graphStyles];

  @property({ attribute: "dag-id" }) dagId = "";
  @property({ attribute: "run-id" }) runId = "";
  @property({ attribute: "task-id" }) taskId = "";
  @property({ attribute: "map-index", type: Number }) mapIndex: number | null = null;

  readonly #model = new GridModel();
  #data: GraphData | null = null;
  #layout: GraphLayout | null = null;
  #layoutKey = "";
  #view = { k: 1, tx: 0, ty: 0 };
  #fitted = false;
  #active = "";
  #hover: { id: string; x: number; y: number } | null = null;
  #drag: { x: number; y: number; tx: number; ty: number; moved: boolean } | null = null;
  #streamStatus: StreamStatus = "closed";
  #offStatus: (() => void) | null = null;
  #refetch: ReturnType<typeof setTimeout> | undefined;
  /** A node to pan into view once the panel beside the stage has taken its room. */
  #revealPending = "";

  readonly #load = new Task(this, {
    task: async ([dagId, runId], { signal }) => {
      if (!dagId) return null;
      await this.#fetch(dagId, runId, signal);
      return this.#data;
    },
    args: () => [this.dagId, this.runId, this.apiBase, this.token] as const,
  });

  readonly #live = new LiveController(this, {
    apply: (e) => {
      if (e.type === "worker" || e.dag_id !== this.dagId || this.#load.status !== TaskStatus.COMPLETE) return false;
      const shown = this.#data?.run?.run_id;
      if (e.run_id !== shown) {
        // Following the latest run: a new run takes its place.
        if (!this.runId && e.type === "run" && this.#model.columnOf(e.run_id) === undefined) this.#refetchSoon(300);
        return false;
      }
      const result = e.type === "run" ? this.#model.applyRun(e) : this.#model.applyTask(e);
      if (result === Applied.unknownTask) this.#refetchSoon(150);
      else if (result === Applied.guessed) this.#refetchSoon(1500);
      return result === Applied.changed || result === Applied.guessed;
    },
    resync: () => this.#refetchSoon(0),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    queueMicrotask(() => {
      if (this.isConnected) this.#offStatus = this.stream.onStatus((s) => {
        this.#streamStatus = s;
        this.requestUpdate();
      });
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#offStatus?.();
    this.#offStatus = null;
    clearTimeout(this.#refetch);
  }

  async #fetch(dagId: string, runId: string, signal?: AbortSignal): Promise<void> {
    const data = await this.client.get<GraphData>(`/api/updraft/ui/dags/${seg(dagId)}/graph`, { run_id: runId || undefined }, signal);
    const key = JSON.stringify([data.nodes.map((n) => n.id), data.edges.map((e) => `${e.source_id}>${e.target_id}`)]);
    if (key !== this.#layoutKey || !this.#layout) {
      this.#layout = await layoutGraph(data.nodes, data.edges);
      this.#layoutKey = key;
    }
    const tis: Record<string, CellSummary> = {};
    for (const n of data.nodes) if (n.summary) tis[n.id] = n.summary;
    this.#model.load({ dag_id: dagId, nodes: data.nodes, runs: data.run ? [{ ...data.run, task_instances: tis }] : [], has_more: false, total_runs: data.run ? 1 : 0 });
    this.#data = data;
    if (!this.#active || !data.nodes.some((n) => n.id === this.#active)) this.#active = data.nodes[0]?.id ?? "";
    this.requestUpdate();
  }

  #refetchSoon(ms: number): void {
    if (this.#refetch !== undefined) return;
    this.#refetch = setTimeout(() => {
      this.#refetch = undefined;
      this.#fetch(this.dagId, this.runId).catch(() => undefined);
    }, ms);
  }

  get #stage(): HTMLElement | null {
    return this.renderRoot.querySelector(".stage");
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("dagId")) {
      this.#fitted = false;
      this.#layout = null;
      this.#layoutKey = "";
    }
    if (changed.has("taskId") && this.taskId) this.#active = this.taskId;
  }

  override updated(): void {
    if (this.#layout && !this.#fitted && this.#stage?.clientWidth) {
      this.#fitted = true;
      this.#fit();
    }
    if (this.#revealPending && this.#layout && this.#stage?.clientWidth) {
      const id = this.#revealPending;
      this.#revealPending = "";
      const before = this.#view;
      this.#reveal(id);
      if (this.#view !== before) this.requestUpdate();
    }
  }

  override render() {
    void this.#live;
    if (!this.dagId) return html`<p class="muted">No DAG given (dag-id).</p>`;
    if (this.#load.status === TaskStatus.ERROR && !this.#data) {
      return html`<p class="error" role="alert">${(this.#load.error as Error)?.message ?? "Could not load the graph."}
        <button @click=${() => void this.#load.run()}>Retry</button></p>`;
    }
    if (!this.#data || !this.#layout) return html`<p class="muted" aria-busy="true">Loading graph…</p>`;
    return html`<div class="wrap">
      ${this.#toolbar()}
      <div class="main">
        ${this.#stageView()}
        ${this.#panel()}
      </div>
      ${this.#tooltip()}
    </div>`;
  }

  #toolbar() {
    const run = this.#model.runs[0];
    const live = this.#streamStatus === "live" ? "Live" : this.#streamStatus === "closed" ? "Not live" : "Reconnecting…";
    return html`<div class="toolbar" part="toolbar">
      ${run ? html`<span>Run <strong>${runLabel(run)}</strong></span> ${statePill(run.state)}` : html`<span class="muted">No runs yet: the DAG's tasks</span>`}
      <span class="spacer"></span>
      <span class="zoom" role="group" aria-label="Zoom">
        <button aria-label="Zoom out" title="Zoom out (-)" @click=${() => this.#zoomBy(1 / 1.25)}>−</button>
        <button aria-label="Fit to view" title="Fit (0)" @click=${() => this.#fit()}>Fit</button>
        <button aria-label="Zoom in" title="Zoom in (+)" @click=${() => this.#zoomBy(1.25)}>+</button>
      </span>
      <span class="live" data-status=${this.#streamStatus} role="status">${live}</span>
    </div>`;
  }

  #stageView() {
    const layout = this.#layout!;
    const data = this.#data!;
    const { k, tx, ty } = this.#view;
    const focus = this.taskId || this.#hover?.id || "";
    const near = (e: { source: string; target: string }) => focus !== "" && (e.source === focus || e.target === focus);
    return html`<div class="stage ${this.#drag?.moved ? "dragging" : ""}" part="stage" tabindex="-1"
        role="group" aria-label="Graph of ${this.dagId}: ${data.nodes.length} tasks"
        @pointerdown=${this.#onDown} @pointermove=${this.#onMove} @pointerup=${this.#onUp} @pointercancel=${this.#onUp}
        @wheel=${this.#onWheel} @keydown=${this.#onKey} @click=${this.#onClick} @pointerover=${this.#onOver} @pointerleave=${this.#onLeave}>
      <svg class="canvas" aria-hidden="false">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path class="arrow" d="M0,0 L10,5 L0,10 z"></path></marker>
          <marker id="arrow-hl" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path class="arrow hl" d="M0,0 L10,5 L0,10 z"></path></marker>
        </defs>
        <g transform="translate(${tx},${ty}) scale(${k})">
          ${layout.edges.map((e) => svg`<path class="edge ${e.kind} ${near(e) ? "hl" : ""}" d=${edgePath(e.points)}
            marker-end=${near(e) ? "url(#arrow-hl)" : "url(#arrow)"}></path>`)}
          ${data.nodes.map((n) => this.#node(n))}
        </g>
      </svg>
      ${data.nodes.length === 0 ? html`<div class="empty">This DAG has no tasks.</div>` : nothing}
    </div>`;
  }

  #node(n: GridNode) {
    const b = this.#layout!.nodes.get(n.id);
    if (!b) return nothing;
    const run = this.#model.runs[0];
    const cell = run ? this.#model.cell(run.run_id, n.id) : undefined;
    const state = cell ? (cell.state ?? "none") : "absent";
    const grouped = n.is_mapped || n.parent_task_id !== null;
    const label = n.id.length > MAX_LABEL ? `${n.id.slice(0, MAX_LABEL - 1)}…` : n.id;
    const count = grouped ? ` [${cell?.total ?? " "}]` : "";
    const kind = kindLabel(n);
    const counts = cell?.counts && cell.total ? orderedCounts(cell.counts) : [];
    let at = 0;
    const mix = counts.length > 1 ? counts.map(([s, c]) => {
      const w = ((b.w - 20) * c) / cell!.total!;
      const r = svg`<rect x=${10 + at} y=${b.h - 6} width=${Math.max(0, w)} height="3" fill=${stateVar(s)}></rect>`;
      at += w;
      return r;
    }) : nothing;
    // The accessible name starts with the visible text (id, count, kind line), then the state.
    const aria = `${label}${count} ${kind}: ${run ? cellLabel(n, run, cell).slice(n.id.length + 2) : "no run"}`;
    return svg`<g class="node ${n.parent_task_id ? "child" : ""} ${n.id === this.taskId ? "selected" : ""}" data-id=${n.id} data-task-id=${n.id}
        data-state=${state} role="button" tabindex=${n.id === this.#active ? 0 : -1} aria-label=${aria}
        transform="translate(${b.x},${b.y})" style="--s:${stateVar(state === "absent" ? "none" : state)}">
      <rect class="box" width=${b.w} height=${b.h} rx="8"></rect>
      <path class="stripe" d="M8,0 H5 A5,5 0 0 0 0,5 V${b.h - 5} A5,5 0 0 0 5,${b.h} H8 Z" transform="translate(0.75,0)"></path>
      <text class="id" x="16" y="22">${label}<tspan class="kind">${count}</tspan></text>
      <text class="kind" x="16" y="${NODE_H - 16}">${kind}</text>
      <g class="badge" transform="translate(${b.w - 26},${(b.h - 18) / 2})">
        <rect class="badge-bg" width="18" height="18" rx="5"></rect>
        <svg x="3" y="3" width="12" height="12" viewBox="0 0 12 12" style="color:${state === "none" ? "var(--updraft-text-muted)" : onStateColour(state)}">${stateIcon(state)}</svg>
      </g>
      ${mix}
      <title>${n.id}: ${cell ? stateLabel(cell.state) : "no instance"}</title>
    </g>`;
  }

  #tooltip() {
    const h = this.#hover;
    const run = this.#model.runs[0];
    if (!h || !run || this.#drag?.moved) return nothing;
    const node = this.#model.node(h.id);
    if (!node) return nothing;
    return html`<div class="tip" part="tooltip" role="tooltip" style="left:${h.x}px;top:${h.y}px">${cellTip(node, run, this.#model.cell(run.run_id, h.id))}</div>`;
  }

  #panel() {
    const run = this.#model.runs[0];
    if (!this.taskId || !run) return nothing;
    return instancePanel({
      apiBase: this.apiBase, token: this.token, theme: this.theme, dagId: this.dagId, runId: run.run_id, runLabel: runLabel(run),
      taskId: this.taskId, mapIndex: this.mapIndex, node: this.#model.node(this.taskId), cell: this.#model.cell(run.run_id, this.taskId),
      select: (mapIndex) => this.#select(this.taskId, mapIndex),
      close: () => this.#select("", null),
    });
  }

  #select(taskId: string, mapIndex: number | null): void {
    this.taskId = taskId;
    this.#revealPending = taskId;
    this.mapIndex = mapIndex;
    const run = this.#model.runs[0]?.run_id;
    const route: { view: "dag"; dagId: string; tab: string; runId?: string; taskId?: string; mapIndex?: number } = { view: "dag", dagId: this.dagId, tab: "graph" };
    if (run) route.runId = run;
    if (taskId) route.taskId = taskId;
    if (taskId && mapIndex !== null) route.mapIndex = mapIndex;
    this.navigate(route);
  }

  #open(id: string): void {
    const node = this.#model.node(id);
    if (!node || !this.#model.runs[0]) return;
    this.#active = id;
    const cell = this.#model.cell(this.#model.runs[0].run_id, id);
    const grouped = node.is_mapped || node.parent_task_id !== null || Boolean(cell?.counts);
    this.#select(id, grouped ? null : -1);
  }

  #nodeAt(e: Event): string | null {
    return (e.target as Element).closest?.(".node")?.getAttribute("data-id") ?? null;
  }

  #onClick = (e: MouseEvent): void => {
    if (this.#drag?.moved) return;
    const id = this.#nodeAt(e);
    if (!id) return;
    this.#hover = null; // the panel opens beside: the card would cover it
    this.#open(id);
  };

  #onDown = (e: PointerEvent): void => {
    if (e.button !== 0 || this.#nodeAt(e)) return;
    this.#drag = { x: e.clientX, y: e.clientY, tx: this.#view.tx, ty: this.#view.ty, moved: false };
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
  };

  #onMove = (e: PointerEvent): void => {
    const d = this.#drag;
    if (!d) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 3) return;
    d.moved = true;
    this.#view = { ...this.#view, tx: d.tx + dx, ty: d.ty + dy };
    this.requestUpdate();
  };

  #onUp = (): void => {
    const d = this.#drag;
    // Keep `moved` through the click that follows a drag, then forget the drag.
    setTimeout(() => {
      if (this.#drag === d) this.#drag = null;
      this.requestUpdate();
    }, 0);
  };

  #onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    const rect = this.#stage!.getBoundingClientRect();
    this.#zoomBy(Math.exp(-e.deltaY * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
  };

  #onOver = (e: PointerEvent): void => {
    const el = (e.target as Element).closest?.(".node");
    const id = el?.getAttribute("data-id") ?? null;
    if (!el || !id) {
      if (this.#hover) this.#onLeave();
      return;
    }
    if (this.#hover?.id === id || this.taskId === id) return;
    const wrap = this.renderRoot.querySelector(".wrap")!.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    this.#hover = { id, x: Math.max(0, Math.min(r.left - wrap.left, wrap.width - 330)), y: r.bottom - wrap.top + 6 };
    this.requestUpdate();
  };

  #onLeave = (): void => {
    if (!this.#hover) return;
    this.#hover = null;
    this.requestUpdate();
  };

  #onKey = (e: KeyboardEvent): void => {
    const nodes = this.#data?.nodes ?? [];
    const i = nodes.findIndex((n) => n.id === this.#active);
    let next: string | undefined;
    switch (e.key) {
      case "ArrowRight":
      case "ArrowDown": next = nodes[Math.min(nodes.length - 1, i + 1)]?.id; break;
      case "ArrowLeft":
      case "ArrowUp": next = nodes[Math.max(0, i - 1)]?.id; break;
      case "Home": next = nodes[0]?.id; break;
      case "End": next = nodes.at(-1)?.id; break;
      case "Enter":
      case " ":
        if (this.#active) this.#open(this.#active);
        break;
      case "+":
      case "=": this.#zoomBy(1.25); break;
      case "-": this.#zoomBy(1 / 1.25); break;
      case "0": this.#fit(); break;
      case "Escape": if (this.taskId) this.#select("", null); break;
      default: return;
    }
    e.preventDefault();
    if (next && next !== this.#active) {
      this.#active = next;
      this.#reveal(next);
      this.requestUpdate();
      void this.updateComplete.then(() => this.renderRoot.querySelector<SVGGElement>(`.node[data-id="${CSS.escape(next)}"]`)?.focus({ preventScroll: true }));
    }
  };

  /** Pans so that a node is in view. */
  #reveal(id: string): void {
    const b = this.#layout?.nodes.get(id);
    const s = this.#stage;
    if (!b || !s) return;
    const { k, tx, ty } = this.#view;
    const x0 = b.x * k + tx;
    const y0 = b.y * k + ty;
    const x1 = (b.x + b.w) * k + tx;
    const y1 = (b.y + b.h) * k + ty;
    let dx = 0;
    let dy = 0;
    if (x0 >= 12 && x1 <= s.clientWidth - 12 && y0 >= 12 && y1 <= s.clientHeight - 12) return;
    if (x0 < 12) dx = 12 - x0;
    else if (x1 > s.clientWidth - 12) dx = s.clientWidth - 12 - x1;
    if (y0 < 12) dy = 12 - y0;
    else if (y1 > s.clientHeight - 12) dy = s.clientHeight - 12 - y1;
    this.#view = { k, tx: tx + dx, ty: ty + dy };
  }

  #zoomBy(f: number, cx?: number, cy?: number): void {
    const s = this.#stage;
    const { k, tx, ty } = this.#view;
    const nk = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k * f));
    const px = cx ?? (s?.clientWidth ?? 0) / 2;
    const py = cy ?? (s?.clientHeight ?? 0) / 2;
    this.#view = { k: nk, tx: px - ((px - tx) * nk) / k, ty: py - ((py - ty) * nk) / k };
    this.requestUpdate();
  }

  #fit(): void {
    const s = this.#stage;
    const l = this.#layout;
    if (!s || !l || !l.width) return;
    const k = Math.min(1, Math.max(MIN_ZOOM, Math.min((s.clientWidth - 32) / l.width, (s.clientHeight - 32) / l.height)));
    this.#view = { k, tx: (s.clientWidth - l.width * k) / 2, ty: (s.clientHeight - l.height * k) / 2 };
    this.requestUpdate();
  }
}

define("updraft-graph", UpdraftGraph);
