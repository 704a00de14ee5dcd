// <updraft-home>: the first page, as Airflow 3's home: the health of the scheduler, the database
// and the workers; the DAGs (and a link to import errors when files failed to load); runs and task
// instances by state over the last 24 hours; the latest failures, linked to their grid. It follows
// the event stream: run and task changes refresh it, a few times a minute at most.
import { html, nothing, type TemplateResult } from "lit";
import { state } from "lit/decorators.js";
import { Task } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { LiveController } from "../../shared/live-controller.ts";
import type { HomeSummary } from "../../shared/dag-types.ts";
import type { Route } from "../../shared/context.ts";
import { stateBadgeStyles } from "../../shared/state-badge-styles.ts";
import { stateGlyph } from "../../shared/state-badge.ts";
import { formatDateTime, formatRelative } from "../../shared/format.ts";
import { stateLabel, stateVar } from "../../shared/states.ts";
import { define } from "../../shared/define.ts";
import { homeStyles } from "./home-styles.ts";

/** How the states are listed: the outcomes first, the rest after. */
const ORDER = ["success", "failed", "running", "queued", "scheduled", "up_for_retry", "up_for_reschedule", "upstream_failed", "skipped", "deferred", "restarting", "removed", "none"];
const REFRESH_MIN_MS = 5_000;
/** The windows of the history, as Airflow 3's home offers them. */
const WINDOWS: ReadonlyArray<{ hours: number; label: string; title: string }> = [
  { hours: 1, label: "1 h", title: "Last hour" }, { hours: 8, label: "8 h", title: "Last 8 hours" },
  { hours: 24, label: "24 h", title: "Last 24 hours" }, { hours: 168, label: "7 d", title: "Last 7 days" },
];
const POLL_MS = 30_000;

const check = html`<svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><path d="M2.5 6.5l2.3 2.3 4.7-5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
const cross = html`<svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><path d="M3 3l6 6M9 3l-6 6" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>`;
const dash = html`<svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><path d="M3 6h6" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>`;

function sorted(counts: Record<string, number>): Array<[string, number]> {
  const rank = (s: string) => (ORDER.includes(s) ? ORDER.indexOf(s) : ORDER.length);
  return Object.entries(counts).filter(([, n]) => n > 0).sort(([a], [b]) => rank(a) - rank(b));
}

/**
 * `<updraft-home></updraft-home>`
 * Parts: `health`, `card`, `history`, `failures`.
 * Events: `updraft-navigate` when a failure, a DAG or the workers are opened.
 */
export class UpdraftHome extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, stateBadgeStyles, homeStyles];

  /** The history's window. */
  @state() private hours = 24;

  #data: HomeSummary | null = null;
  #last = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;

  readonly #task = new Task(this, {
    task: async ([hours], { signal }) => {
      this.#last = Date.now();
      const d = await this.client.get<HomeSummary>("/api/updraft/ui/home", { hours }, signal);
      this.#data = d;
      return d;
    },
    args: () => [this.hours, this.apiBase, this.token] as const,
  });

  readonly #live = new LiveController(this, {
    apply: (e) => {
      if (e.type === "run" || e.type === "task") this.#refreshSoon();
      return false;
    },
    resync: () => void this.#task.run(),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    // The heartbeat's age and the workers move without events: look again now and then.
    this.#poll = setInterval(() => {
      if (document.visibilityState === "visible") void this.#task.run();
    }, POLL_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
    clearInterval(this.#poll);
  }

  /** At most one refresh every few seconds however many events arrive. */
  #refreshSoon(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#last + REFRESH_MIN_MS - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#task.run();
    }, wait);
  }

  #link(route: Route, content: unknown, cls = ""): TemplateResult {
    const href = this.href(route);
    return href ? html`<a class=${cls} href=${href}>${content}</a>` : html`<span class=${cls}>${content}</span>`;
  }

  override render() {
    void this.#live;
    const d = this.#data;
    if (!d) {
      return this.#task.render({
        initial: () => html`<p class="muted">Loading…</p>`,
        pending: () => html`<p class="muted">Loading…</p>`,
        complete: () => nothing,
        error: (e) => html`<p class="error" role="alert">Could not load the overview: ${(e as Error).message}</p>`,
      });
    }
    return html`
      <h1>Overview</h1>
      <section aria-labelledby="health-title" part="health">
        <h2 id="health-title">Health</h2>
        <div class="cards">${this.#scheduler(d)}${this.#database(d)}${this.#workers(d)}${this.#dags(d)}</div>
      </section>
      <section aria-labelledby="history-title" part="history">
        <div class="section-head">
          <h2 id="history-title">${WINDOWS.find((w) => w.hours === this.hours)?.title ?? `Last ${this.hours} hours`}</h2>
          <div class="segmented" role="group" aria-label="Window of the history">
            ${WINDOWS.map((w) => html`<button aria-pressed=${this.hours === w.hours ? "true" : "false"} title=${w.title} @click=${() => (this.hours = w.hours)}>${w.label}</button>`)}
          </div>
        </div>
        <div class="history">
          ${this.#states("DAG runs", d.runs)}
          ${this.#states("Task instances", d.task_instances)}
        </div>
      </section>
      <section aria-labelledby="failures-title" part="failures">
        <h2 id="failures-title">Recent failures</h2>
        ${this.#failures(d)}
      </section>
    `;
  }

  #health(ok: boolean | null): TemplateResult {
    return ok === null
      ? html`<span class="health unknown" aria-hidden="true">${dash}</span>`
      : html`<span class="health ${ok ? "ok" : "bad"}" aria-hidden="true">${ok ? check : cross}</span>`;
  }

  #scheduler(d: HomeSummary): TemplateResult {
    const ok = d.scheduler.status === "healthy";
    const hb = d.scheduler.latest_heartbeat;
    return html`<div class="card" part="card">
      <span class="label">Scheduler</span>
      <span class="value">${this.#health(ok)}${ok ? "Healthy" : "Unhealthy"}</span>
      <span class="sub" title=${hb ? `${formatDateTime(hb)} UTC` : ""}>${hb ? `Last heartbeat ${formatRelative(hb)}` : "No heartbeat yet"}</span>
    </div>`;
  }

  #database(d: HomeSummary): TemplateResult {
    const ok = d.metadatabase.status === "healthy";
    return html`<div class="card" part="card">
      <span class="label">Metadata database</span>
      <span class="value">${this.#health(ok)}${ok ? "Healthy" : "Unhealthy"}</span>
      <span class="sub">${d.metadatabase.latency_ms != null ? `A query takes ${d.metadatabase.latency_ms} ms` : "Not answering"}</span>
    </div>`;
  }

  #workers(d: HomeSummary): TemplateResult {
    const { remote, local } = d.workers;
    const route: Route = { view: "workers" };
    if (!remote && !local) {
      return html`<div class="card" part="card">
        <span class="label">Workers</span>
        <span class="value">${this.#health(null)}Not here</span>
        <span class="sub">The scheduler and its executor run in another process.</span>
      </div>`;
    }
    const lost = remote?.lost ?? 0;
    const slots = (remote?.slots ?? 0) + (local?.capacity ?? 0);
    const running = (remote?.running ?? 0) + (local?.running ?? 0);
    return html`<div class="card" part="card">
      <span class="label">Workers</span>
      ${this.#link(route, html`${this.#health(lost === 0)}${running} of ${slots} slots busy`, "value")}
      <span class="workers-line">
        ${local ? html`<span><strong>${local.capacity}</strong> local ${local.executor === "threads" ? "thread" : ""} ${local.capacity === 1 ? "slot" : "slots"}</span>` : nothing}
        ${remote && (remote.online || remote.draining || remote.disconnected || remote.lost) ? html`<span><strong>${remote.online}</strong> remote online</span>
          ${remote.draining ? html`<span><strong>${remote.draining}</strong> draining</span>` : nothing}
          ${remote.disconnected ? html`<span><strong>${remote.disconnected}</strong> disconnected</span>` : nothing}
          ${lost ? html`<span class="error"><strong>${lost}</strong> lost</span>` : nothing}` : nothing}
        ${local && local.queued ? html`<span><strong>${local.queued}</strong> waiting for a thread</span>` : nothing}
      </span>
    </div>`;
  }

  #dags(d: HomeSummary): TemplateResult {
    const errors = d.dags.import_errors;
    return html`<div class="card" part="card">
      <span class="label">DAGs</span>
      ${this.#link({ view: "dags" }, html`${this.#health(errors === 0)}${d.dags.total} ${d.dags.total === 1 ? "DAG" : "DAGs"}`, "value")}
      <span class="sub">${d.dags.active} active · ${d.dags.paused} paused</span>
      <span class="workers-line">
        <span>${stateGlyph("running")} <strong>${d.dags.running}</strong> running</span>
        <span class=${d.dags.failed ? "error" : ""}>${stateGlyph("failed")} <strong>${d.dags.failed}</strong> last run failed</span>
        ${errors ? html`<span>${this.#link({ view: "admin", page: "import-errors" }, `${errors} import ${errors === 1 ? "error" : "errors"}`, "error")}</span>` : nothing}
      </span>
    </div>`;
  }

  #states(title: string, s: { counts: Record<string, number>; total: number }): TemplateResult {
    const entries = sorted(s.counts);
    const label = entries.map(([state, n]) => `${n} ${stateLabel(state)}`).join(", ");
    return html`<div class="panel">
      <div class="panel-head"><strong>${title}</strong><span class="total">${s.total.toLocaleString("en")} total</span></div>
      ${s.total === 0 ? html`<p class="none">None in this window.</p>` : html`
        <div class="stack" role="img" aria-label="${title}: ${label}">
          ${entries.map(([state, n]) => html`<span style="width:${(n / s.total) * 100}%;background:${stateVar(state)}" title="${n} ${stateLabel(state)}"></span>`)}
        </div>
        <ul class="legend">${entries.map(([state, n]) => html`<li>${stateGlyph(state)}<span class="n">${n.toLocaleString("en")}</span> ${stateLabel(state)}</li>`)}</ul>`}
    </div>`;
  }

  #failures(d: HomeSummary): TemplateResult {
    if (d.failures.length === 0) {
      return html`<div class="empty-failures">${this.#health(true)} No failed task or run.</div>`;
    }
    return html`<table aria-labelledby="failures-title">
      <thead><tr><th scope="col">DAG</th><th scope="col">Task</th><th scope="col">Run</th><th scope="col">Ended</th></tr></thead>
      <tbody>${d.failures.map((f) => {
        const run: Route = { view: "dag", dagId: f.dag_id, tab: "grid", runId: f.run_id };
        const task: Route = { ...run, taskId: f.task_id ?? "", ...(f.map_index >= 0 ? { mapIndex: f.map_index } : {}) };
        return html`<tr>
          <td>${this.#link({ view: "dag", dagId: f.dag_id }, f.dag_id)}</td>
          <td>${f.task_id
            ? this.#link(task, html`${stateGlyph("failed")} ${f.task_id}${f.map_index >= 0 ? ` [${f.map_index}]` : ""}${f.try_number && f.try_number > 1 ? html` <span class="muted">try ${f.try_number}</span>` : nothing}`)
            : html`<span class="muted">Run failed</span>`}</td>
          <td class="run" title=${f.run_id}>${this.#link(run, f.run_id)}</td>
          <td class="when" title=${f.end_date ? `${formatDateTime(f.end_date)} UTC` : ""}>${formatRelative(f.end_date)}</td>
        </tr>`;
      })}</tbody>
    </table>`;
  }
}

define("updraft-home", UpdraftHome);
