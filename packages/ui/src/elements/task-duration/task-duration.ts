// <updraft-task-duration dag-id [runs]>: each task's duration across the DAG's last N runs, as
// Airflow's task-duration view: a line per task, queued time on demand (dashed), a legend that
// toggles tasks, and a readout of the run under the pointer (or the arrow keys). The chart's
// drawing loads lazily; the data comes in one request and is refreshed as runs end.
import { html, nothing, type TemplateResult } from "lit";
import { property, state } from "lit/decorators.js";
import { Task } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { LiveController } from "../../shared/live-controller.ts";
import { seg } from "../../shared/api-client.ts";
import { stateGlyph } from "../../shared/state-badge.ts";
import { stateBadgeStyles } from "../../shared/state-badge-styles.ts";
import { formatDateTime, formatDuration } from "../../shared/format.ts";
import { define } from "../../shared/define.ts";
import { seriesVar, type TaskDurations } from "./duration-types.ts";
import { taskDurationStyles } from "./task-duration-styles.ts";

type ChartModule = typeof import("./duration-chart.ts");
let chartModule: Promise<ChartModule> | null = null;

/** At first, at most this many tasks are drawn (the longest ones); the legend shows the others. */
const FIRST_SHOWN = 10;
const HEIGHT = 340;

/**
 * `<updraft-task-duration dag-id="daily_sales" runs="25"></updraft-task-duration>`
 * Attributes: `dag-id`, `runs` (how many of the latest runs, 1–200; default 25).
 * Parts: `toolbar`, `legend`, `chart`, `readout`.
 * Tokens: `--updraft-series-0` … `--updraft-series-9` (the tasks' colours).
 * Events: `updraft-navigate` (the grid at a run, or a task instance) when a run is chosen.
 */
export class UpdraftTaskDuration extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, stateBadgeStyles, taskDurationStyles];

  @property({ attribute: "dag-id" }) dagId = "";
  @property({ type: Number }) runs = 25;

  @state() private shown: Set<number> | null = null;
  @state() private queued = false;
  @state() private hover = -1;
  @state() private width = 0;
  @state() private chart: ChartModule | null = null;

  #observer: ResizeObserver | null = null;
  #refresh: ReturnType<typeof setTimeout> | undefined;

  readonly #task = new Task(this, {
    task: async ([dagId, runs], { signal }) => {
      if (!dagId) return null;
      chartModule ??= import("./duration-chart.ts");
      void chartModule.then((m) => (this.chart = m));
      const d = await this.client.get<TaskDurations>(`/api/updraft/ui/dags/${seg(dagId)}/task-durations`, { runs }, signal);
      if (!this.shown || this.shown.size === 0 || [...this.shown].some((i) => i >= d.tasks.length)) this.shown = this.#firstShown(d);
      return d;
    },
    args: () => [this.dagId, Math.min(200, Math.max(1, this.runs || 25)), this.apiBase, this.token] as const,
  });

  readonly #live = new LiveController(this, {
    apply: (e) => {
      if (e.type !== "run" || e.dag_id !== this.dagId) return false;
      clearTimeout(this.#refresh);
      this.#refresh = setTimeout(() => void this.#task.run(), 1500);
      return false;
    },
    resync: () => void this.#task.run(),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.#observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w && Math.abs(w - this.width) > 2) this.width = w;
    });
    void this.updateComplete.then(() => this.#observe());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#observer?.disconnect();
    clearTimeout(this.#refresh);
  }

  protected override updated(): void {
    this.#observe();
  }

  #observed: Element | null = null;
  #observe(): void {
    const box = this.renderRoot.querySelector(".chart");
    if (box && box !== this.#observed) {
      if (this.#observed) this.#observer?.unobserve(this.#observed);
      this.#observer?.observe(box);
      this.#observed = box;
    }
  }

  /** The longest tasks (by their longest duration) when there are many; all of them otherwise. */
  #firstShown(d: TaskDurations): Set<number> {
    if (d.tasks.length <= FIRST_SHOWN) return new Set(d.tasks.map((_, i) => i));
    const longest = d.tasks.map((t, i) => ({ i, max: Math.max(0, ...t.points.map((p) => p?.duration ?? 0)) }))
      .sort((a, b) => b.max - a.max).slice(0, FIRST_SHOWN);
    return new Set(longest.map((x) => x.i));
  }

  #toggle(i: number): void {
    const next = new Set(this.shown ?? []);
    if (next.has(i)) next.delete(i);
    else next.add(i);
    this.shown = next;
  }

  #onPointer(e: PointerEvent, d: TaskDurations): void {
    if (!this.chart) return;
    const rect = (e.currentTarget as SVGElement).getBoundingClientRect();
    const g = this.chart.chartGeometry(d, this.#options());
    this.hover = g.runAt(e.clientX - rect.left);
  }

  #onKey(e: KeyboardEvent, d: TaskDurations): void {
    const n = d.runs.length;
    const i = this.hover < 0 ? n - 1 : this.hover;
    const next = e.key === "ArrowLeft" ? i - 1 : e.key === "ArrowRight" ? i + 1 : e.key === "Home" ? 0 : e.key === "End" ? n - 1 : null;
    if (e.key === "Enter" && this.hover >= 0) {
      this.#openRun(d, this.hover);
      return;
    }
    if (next === null) return;
    e.preventDefault();
    this.hover = Math.max(0, Math.min(n - 1, next));
  }

  #openRun(d: TaskDurations, i: number): void {
    const run = d.runs[i];
    if (run) this.navigate({ view: "dag", dagId: this.dagId, tab: "grid", runId: run.run_id });
  }

  #options() {
    return { width: this.width || 800, height: HEIGHT, shown: this.shown ?? new Set<number>(), queued: this.queued, hover: this.hover };
  }

  override render() {
    void this.#live;
    return this.#task.render({
      initial: () => html`<p class="muted">Loading…</p>`,
      pending: () => (this.#task.value ? this.#view(this.#task.value) : html`<p class="muted">Loading the task durations of ${this.dagId}…</p>`),
      complete: (d) => (d ? this.#view(d) : html`<p class="muted">Choose a DAG.</p>`),
      error: (e) => html`<p class="error" role="alert">${this.dagId}: ${(e as Error).message}</p>`,
    });
  }

  #view(d: TaskDurations) {
    const shown = this.shown ?? new Set<number>();
    return html`
      <div class="toolbar" part="toolbar">
        <label>Runs
          <select @change=${(e: Event) => (this.runs = Number((e.target as HTMLSelectElement).value))} aria-label="How many runs">
            ${[10, 25, 50, 100, 200].map((n) => html`<option value=${n} ?selected=${n === this.runs}>last ${n}</option>`)}
          </select>
        </label>
        <label class="check"><input type="checkbox" .checked=${this.queued} @change=${(e: Event) => (this.queued = (e.target as HTMLInputElement).checked)} /> Queued time (dashed)</label>
        <span class="spacer"></span>
        <button @click=${() => (this.shown = new Set(d.tasks.map((_, i) => i)))}>All tasks</button>
        <button @click=${() => (this.shown = new Set())}>None</button>
      </div>
      <ul class="legend" part="legend" aria-label="Tasks">
        ${d.tasks.map((t, i) => html`<li><button aria-pressed=${shown.has(i) ? "true" : "false"} @click=${() => this.#toggle(i)}>
          <span class="swatch" style="background:${seriesVar(i)}"></span>${t.task_id}</button></li>`)}
      </ul>
      ${d.runs.length === 0 ? html`<p class="muted empty">This DAG has no runs yet.</p>` : html`
        <div class="chart" part="chart">
          ${this.chart && this.width ? html`<svg width=${this.width} height=${HEIGHT} role="group" tabindex="0"
              aria-label="Durations of ${shown.size} tasks over the last ${d.runs.length} runs; use the arrow keys to read a run"
              @pointermove=${(e: PointerEvent) => this.#onPointer(e, d)} @pointerleave=${() => (this.hover = -1)}
              @click=${() => this.hover >= 0 && this.#openRun(d, this.hover)} @keydown=${(e: KeyboardEvent) => this.#onKey(e, d)}>
              ${this.chart.durationChart(d, this.#options())}
            </svg>${this.#readout(d)}` : html`<div class="placeholder" style="height:${HEIGHT}px"></div>`}
        </div>`}
    `;
  }

  #readout(d: TaskDurations): TemplateResult | typeof nothing {
    if (this.hover < 0 || !this.chart) return nothing;
    const run = d.runs[this.hover]!;
    const g = this.chart.chartGeometry(d, this.#options());
    const x = g.x(this.hover);
    const rows = d.tasks.map((t, i) => ({ t, i, p: t.points[this.hover] ?? null }))
      .filter((r) => (this.shown ?? new Set()).has(r.i) && r.p)
      .sort((a, b) => (b.p!.duration ?? 0) - (a.p!.duration ?? 0));
    const flip = x > (this.width || 800) / 2;
    return html`<div class="readout" part="readout" role="status" style="${flip ? `right:${(this.width || 800) - x + 12}px` : `left:${x + 12}px`}">
      <div class="run">${stateGlyph(run.state)}<strong>${run.run_id}</strong></div>
      <div class="muted small">${formatDateTime(run.logical_date)}</div>
      <table>
        ${rows.map(({ t, i, p }) => html`<tr>
          <td><span class="swatch" style="background:${seriesVar(i)}"></span>${t.task_id}${p!.instances > 1 ? html` <span class="muted">×${p!.instances}</span>` : nothing}</td>
          <td class="num"><span class="val">${stateGlyph(p!.state)}${formatDuration(p!.duration)}</span></td>
          ${this.queued ? html`<td class="num muted">${p!.queued != null ? `+${formatDuration(p!.queued)} queued` : ""}</td>` : nothing}
        </tr>`)}
      </table>
      ${rows.length === 0 ? html`<div class="muted small">No shown task ran in this run.</div>` : nothing}
    </div>`;
  }
}

define("updraft-task-duration", UpdraftTaskDuration);
