// <updraft-dag dag-id [tab] [run-id]>: one DAG's page, as in Airflow 3: a header with the DAG's
// facts (schedule, next and latest run, tags) and its pause switch and trigger button; a run
// picker with the run's actions (clear, mark success or failed, delete), each behind a
// confirmation and shown only when the credentials' scope allows it; and a tablist of the views
// (grid, graph, Gantt, calendar, task duration, code, details), each the element of that name.
import { html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { property, state } from "lit/decorators.js";
import { Task } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { LiveController } from "../../shared/live-controller.ts";
import { seg } from "../../shared/api-client.ts";
import { whoAmI, type Me } from "../../shared/principal.ts";
import { ACTIVE_RUN_STATES, applyRunEvent, type DagDetails, type DagRunSummary } from "../../shared/dag-types.ts";
import type { Route } from "../../shared/context.ts";
import { stateBadgeStyles } from "../../shared/state-badge-styles.ts";
import { statePill } from "../../shared/state-badge.ts";
import { formatDate, formatRelative } from "../../shared/format.ts";
import { describeSchedule, isScheduled } from "../../shared/schedule-text.ts";
import { stateLabel } from "../../shared/states.ts";
import { define } from "../../shared/define.ts";
import { confirmAction, perform, previewClear, type DagAction } from "./dag-actions.ts";
import { detailsTab } from "./dag-details-tab.ts";
import { dagStyles } from "./dag-styles.ts";

/** The views of a DAG, in the order of the tabs. */
export const DAG_TABS = [
  { id: "grid", label: "Grid" },
  { id: "graph", label: "Graph" },
  { id: "gantt", label: "Gantt" },
  { id: "calendar", label: "Calendar" },
  { id: "duration", label: "Task duration" },
  { id: "code", label: "Code" },
  { id: "details", label: "Details" },
] as const;
export type DagTabId = (typeof DAG_TABS)[number]["id"];

/** Each view's element, loaded when its tab is first shown (already there inside /ui/updraft.js). */
const VIEWS: Record<Exclude<DagTabId, "details">, () => Promise<unknown>> = {
  grid: () => import("../grid/grid.ts"),
  graph: () => import("../graph/graph.ts"),
  gantt: () => import("../gantt/gantt.ts"),
  calendar: () => import("../calendar/calendar.ts"),
  duration: () => import("../task-duration/task-duration.ts"),
  code: () => import("../code/code.ts"),
};

const RUNS = 50;
const RESYNC_MS = 60_000;
const NOTICE_MS = 6_000;

/** A state as a character for the run picker's options (which cannot hold an icon). */
const GLYPH: Record<string, string> = {
  success: "✓", failed: "✕", running: "▶", queued: "◷", scheduled: "◷", up_for_retry: "↻", upstream_failed: "!", skipped: "»",
};

const isTab = (t: string): t is DagTabId => DAG_TABS.some((x) => x.id === t);

/**
 * `<updraft-dag dag-id="daily_sales" tab="graph" run-id="…"></updraft-dag>`
 * Attributes: `dag-id`; `tab` (`grid` `graph` `gantt` `calendar` `duration` `code` `details`, default
 * `grid`); `run-id` (the chosen run; the latest when empty); `task-id`, `map-index` (passed to the
 * grid and the graph, which open that instance).
 * Events: `updraft-navigate` `{ view: "dag", dagId, tab, runId }` when the tab or the run changes
 * (and those its views send); `updraft-triggered` from the trigger dialog.
 * Parts: `header`, `facts`, `runbar`, `run-picker`, `actions`, `tabs`, `tab`, `panel`, `confirm`.
 */
export class UpdraftDag extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, stateBadgeStyles, dagStyles];

  @property({ attribute: "dag-id" }) dagId = "";
  @property({ reflect: true }) tab: string = "grid";
  @property({ attribute: "run-id" }) runId = "";
  @property({ attribute: "task-id" }) taskId = "";
  @property({ attribute: "map-index", type: Number }) mapIndex: number | null = null;

  @state() private pending: DagAction | null = null;
  @state() private busy = false;
  @state() private notice = "";
  @state() private problem = "";
  @state() private triggering = false;

  #data: DagDetails | null = null;
  #resyncTimer: ReturnType<typeof setInterval> | undefined;
  #noticeTimer: ReturnType<typeof setTimeout> | undefined;
  #dialogLoaded: Promise<unknown> | null = null;
  #loadedViews = new Set<string>();

  readonly #task = new Task(this, {
    task: async ([dagId], { signal }) => {
      if (!dagId) return null;
      const d = await this.client.get<DagDetails>(`/api/updraft/ui/dags/${seg(dagId)}/details`, { runs: RUNS }, signal);
      this.#data = d;
      return d;
    },
    args: () => [this.dagId, this.apiBase, this.token] as const,
  });

  readonly #me = new Task(this, {
    task: async () => whoAmI(this.client).catch((): Me | null => null),
    args: () => [this.apiBase, this.token] as const,
  });

  readonly #live = new LiveController(this, {
    apply: (e) => {
      const d = this.#data;
      if (e.type !== "run" || e.dag_id !== this.dagId || !d) return false;
      const before = d.runs.find((r) => r.run_id === e.run_id)?.state;
      if (!applyRunEvent(d.runs, e, RUNS)) return false;
      const delta = (ACTIVE_RUN_STATES.has(e.state) ? 1 : 0) - (before !== undefined && ACTIVE_RUN_STATES.has(before) ? 1 : 0);
      d.active_runs = Math.max(0, d.active_runs + delta);
      return true;
    },
    resync: () => void this.#task.run(),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resyncTimer = setInterval(() => {
      if (document.visibilityState === "visible" && !this.pending && !this.triggering) void this.#task.run();
    }, RESYNC_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#resyncTimer);
    clearTimeout(this.#noticeTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("dagId") && changed.get("dagId") !== undefined) {
      this.#data = null;
      this.pending = null;
      this.notice = "";
      this.problem = "";
    }
    const tab = this.#tab();
    if (tab !== "details" && !this.#loadedViews.has(tab)) {
      this.#loadedViews.add(tab);
      void VIEWS[tab]().then(() => this.requestUpdate());
    }
  }

  #tab(): DagTabId {
    return isTab(this.tab) ? this.tab : "grid";
  }

  /** The run the actions and the run-bound views use: the chosen one, else the latest. */
  #run(): DagRunSummary | null {
    const runs = this.#data?.runs ?? [];
    return (this.runId ? runs.find((r) => r.run_id === this.runId) : runs[0]) ?? null;
  }

  #go(route: { tab?: string; runId?: string }): void {
    const tab = route.tab ?? this.#tab();
    const runId = route.runId ?? this.runId;
    this.tab = tab;
    this.runId = runId;
    if (route.runId !== undefined || route.tab !== undefined) {
      this.taskId = "";
      this.mapIndex = null;
    }
    const r: Route = { view: "dag", dagId: this.dagId, tab };
    if (runId) r.runId = runId;
    this.navigate(r);
  }

  /** A view inside moved (a cell, a run, another tab): follow it here too, then let it go up to the app. */
  #onViewNavigate(e: CustomEvent<Route>): void {
    const r = e.detail;
    if (r.view !== "dag" || r.dagId !== this.dagId) return;
    if (r.tab) this.tab = r.tab;
    this.runId = r.runId ?? "";
    this.taskId = r.taskId ?? "";
    this.mapIndex = r.mapIndex ?? null;
  }

  #onTabKey(e: KeyboardEvent): void {
    const i = DAG_TABS.findIndex((t) => t.id === this.#tab());
    const n = DAG_TABS.length;
    const next = e.key === "ArrowRight" ? (i + 1) % n : e.key === "ArrowLeft" ? (i - 1 + n) % n : e.key === "Home" ? 0 : e.key === "End" ? n - 1 : null;
    if (next === null) return;
    e.preventDefault();
    this.#go({ tab: DAG_TABS[next]!.id });
    void this.updateComplete.then(() => (this.renderRoot.querySelector("[role=tab][aria-selected=true]") as HTMLElement | null)?.focus());
  }

  #ask(a: DagAction): void {
    this.problem = "";
    this.pending = a;
    if (a.kind === "clear" && !a.preview) void this.#preview(a);
  }

  async #preview(a: Extract<DagAction, { kind: "clear" }>): Promise<void> {
    const preview = await previewClear(this.client, this.dagId, a.runId, a.onlyFailed);
    const p = this.pending;
    if (p?.kind === "clear" && p.runId === a.runId && p.onlyFailed === a.onlyFailed) this.pending = { ...p, preview };
  }

  async #confirm(a: DagAction): Promise<void> {
    this.busy = true;
    try {
      this.#say(await perform(this.client, this.dagId, a));
      this.pending = null;
      if (a.kind === "delete" && a.runId === this.runId) this.#go({ runId: "" });
    } catch (err) {
      this.pending = null;
      this.problem = (err as Error).message;
    } finally {
      this.busy = false;
      void this.#task.run();
    }
  }

  #say(text: string): void {
    this.notice = text;
    clearTimeout(this.#noticeTimer);
    this.#noticeTimer = setTimeout(() => (this.notice = ""), NOTICE_MS);
  }

  #trigger(): void {
    this.#dialogLoaded ??= import("../trigger-dialog/trigger-dialog.ts");
    void this.#dialogLoaded.then(() => {
      this.triggering = true;
      void this.updateComplete.then(() => (this.renderRoot.querySelector("updraft-trigger-dialog") as (HTMLElement & { show(): void }) | null)?.show());
    });
  }

  override render() {
    void this.#live;
    const d = this.#data;
    if (!d) {
      return this.#task.render({
        initial: () => html`<p class="muted">Loading ${this.dagId}…</p>`,
        pending: () => html`<p class="muted">Loading ${this.dagId}…</p>`,
        complete: () => html`<p class="muted">Choose a DAG.</p>`,
        error: (e) => html`<p class="problem" role="alert">${this.dagId}: ${(e as Error).message}</p>`,
      });
    }
    const me = this.#me.value ?? null;
    const tab = this.#tab();
    return html`
      ${this.#header(d, me)}
      ${this.problem ? html`<p class="problem" role="alert">${this.problem}</p>` : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${this.#runBar(d, me)}
      <div class="tabs" role="tablist" part="tabs" aria-label="Views of ${d.dag_id}" @keydown=${this.#onTabKey}>
        ${DAG_TABS.map((t) => html`<button role="tab" part="tab" id="tab-${t.id}" aria-controls="panel" aria-selected=${tab === t.id ? "true" : "false"}
          tabindex=${tab === t.id ? 0 : -1} @click=${() => this.#go({ tab: t.id })}>${t.label}</button>`)}
      </div>
      <div class="panel" id="panel" role="tabpanel" part="panel" aria-labelledby="tab-${tab}" @updraft-navigate=${this.#onViewNavigate}>
        ${this.#view(tab, d)}
      </div>
      ${this.pending ? confirmAction(this.pending, d.dag_id, this.busy, {
        confirm: (a) => void this.#confirm(a), cancel: () => (this.pending = null), update: (a) => this.#ask(a),
      }) : nothing}
      ${this.triggering ? html`<updraft-trigger-dialog .apiBase=${this.apiBase} .token=${this.token} .theme=${this.theme} dag-id=${d.dag_id}
        @updraft-triggered=${() => void this.#task.run()} @updraft-close=${() => (this.triggering = false)}></updraft-trigger-dialog>` : nothing}
    `;
  }

  #header(d: DagDetails, me: Me | null): TemplateResult {
    const canEdit = me?.can.edit === true;
    const latest = d.runs[0] ?? null;
    const when = d.next_dagrun_create_after ?? d.next_dagrun;
    const latestHref = latest ? this.href({ view: "dag", dagId: d.dag_id, tab: this.#tab(), runId: latest.run_id }) : null;
    return html`<header part="header">
      <div class="titlebar">
        <h1>${d.dag_id}</h1>
        ${d.is_paused ? html`<span class="paused-badge">Paused</span>` : nothing}
        <span class="spacer"></span>
        <span class="switch-label">${d.is_paused ? "Paused" : "Active"}
          <button class="switch" role="switch" aria-checked=${d.is_paused ? "false" : "true"} aria-label="${d.dag_id} active"
            title=${canEdit ? (d.is_paused ? "Unpause" : "Pause") : "Pausing needs the edit scope"} ?disabled=${!canEdit}
            @click=${() => this.#ask({ kind: "pause", paused: !d.is_paused })}></button>
        </span>
        ${me?.can.trigger ? html`<button class="btn primary" @click=${() => this.#trigger()}>
          <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true"><path d="M4.5 2.8v10.4L13 8z" fill="currentColor"/></svg>Trigger</button>` : nothing}
      </div>
      ${d.description ? html`<p class="description">${d.description}</p>` : nothing}
      <dl class="facts" part="facts">
        <div class="fact"><dt>Schedule</dt><dd>${describeSchedule(d.schedule_interval)}
          ${isScheduled(d.schedule_interval) ? html`<span class="sub mono">${d.schedule_interval}</span>` : nothing}</dd></div>
        <div class="fact"><dt>Next run</dt><dd>${when && isScheduled(d.schedule_interval)
          ? html`<span title="For the logical date ${formatDate(d.next_dagrun)} UTC">${formatDate(when)}</span><span class="sub">${d.is_paused ? "paused" : formatRelative(when)}</span>`
          : html`<span class="muted">–</span>`}</dd></div>
        <div class="fact"><dt>Latest run</dt><dd>${latest
          ? html`${latestHref ? html`<a href=${latestHref}>${statePill(latest.state)}</a>` : statePill(latest.state)}<span class="sub">${formatRelative(latest.end_date ?? latest.start_date ?? latest.logical_date)}</span>`
          : html`<span class="muted">No runs yet</span>`}</dd></div>
        <div class="fact"><dt>Active runs</dt><dd>${d.active_runs} <span class="sub">of at most ${d.max_active_runs}</span></dd></div>
        ${d.tags.length ? html`<div class="fact"><dt>Tags</dt><dd>${d.tags.map((t) => html`<span class="tag">${t}</span>`)}</dd></div>` : nothing}
      </dl>
    </header>`;
  }

  #runBar(d: DagDetails, me: Me | null): TemplateResult {
    const run = this.#run();
    const canEdit = me?.can.edit === true;
    const chosenMissing = this.runId && !d.runs.some((r) => r.run_id === this.runId);
    return html`<div class="runbar" part="runbar">
      <label for="run-picker">Run</label>
      <select id="run-picker" part="run-picker" @change=${(e: Event) => this.#go({ runId: (e.target as HTMLSelectElement).value })}>
        <option value="" ?selected=${!this.runId}>Latest run${d.runs[0] ? ` (${formatDate(d.runs[0].logical_date)})` : ""}</option>
        ${chosenMissing ? html`<option value=${this.runId} selected>${this.runId}</option>` : nothing}
        ${d.runs.map((r) => html`<option value=${r.run_id} ?selected=${r.run_id === this.runId}>${GLYPH[r.state] ?? "○"} ${formatDate(r.logical_date)} · ${r.run_type} · ${stateLabel(r.state)} — ${r.run_id}</option>`)}
      </select>
      ${run ? html`${statePill(run.state)}<span class="meta" title=${run.run_id}>${run.run_type}, ${formatRelative(run.start_date ?? run.logical_date)}</span>` : html`<span class="meta">No runs yet.</span>`}
      ${run && canEdit ? html`<span class="actions" part="actions" role="group" aria-label="Actions on run ${run.run_id}">
        <button @click=${() => this.#ask({ kind: "clear", runId: run.run_id, onlyFailed: false, preview: null })}>Clear run</button>
        <button ?disabled=${run.state === "success"} @click=${() => this.#ask({ kind: "mark", runId: run.run_id, state: "success" })}>Mark success</button>
        <button ?disabled=${run.state === "failed"} @click=${() => this.#ask({ kind: "mark", runId: run.run_id, state: "failed" })}>Mark failed</button>
        <button class="danger" @click=${() => this.#ask({ kind: "delete", runId: run.run_id })}>Delete run</button>
      </span>` : nothing}
    </div>`;
  }

  #view(tab: DagTabId, d: DagDetails): TemplateResult {
    const run = this.#run();
    const common = { apiBase: this.apiBase, token: this.token, theme: this.theme };
    switch (tab) {
      case "grid":
        return html`<updraft-grid .apiBase=${common.apiBase} .token=${common.token} .theme=${common.theme} dag-id=${d.dag_id}
          run-id=${this.runId} task-id=${this.taskId} .mapIndex=${this.mapIndex}></updraft-grid>`;
      case "graph":
        return html`<updraft-graph .apiBase=${common.apiBase} .token=${common.token} .theme=${common.theme} dag-id=${d.dag_id}
          run-id=${this.runId} task-id=${this.taskId} .mapIndex=${this.mapIndex}></updraft-graph>`;
      case "gantt":
        return run
          ? html`<updraft-gantt .apiBase=${common.apiBase} .token=${common.token} .theme=${common.theme} dag-id=${d.dag_id} run-id=${run.run_id}></updraft-gantt>`
          : html`<p class="muted">The Gantt chart shows a run: this DAG has none yet.</p>`;
      case "calendar":
        return html`<updraft-calendar .apiBase=${common.apiBase} .token=${common.token} .theme=${common.theme} dag-id=${d.dag_id}></updraft-calendar>`;
      case "duration":
        return html`<updraft-task-duration .apiBase=${common.apiBase} .token=${common.token} .theme=${common.theme} dag-id=${d.dag_id}></updraft-task-duration>`;
      case "code":
        return html`<updraft-code .apiBase=${common.apiBase} .token=${common.token} .theme=${common.theme} dag-id=${d.dag_id} run-id=${run?.run_id ?? ""}></updraft-code>`;
      case "details":
        return detailsTab(d);
      default: {
        const never: never = tab;
        return html`${String(never)}`;
      }
    }
  }
}

define("updraft-dag", UpdraftDag);
