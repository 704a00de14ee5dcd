// One row of `<updraft-dags>`: the pause switch, the DAG (id, description, tags), its schedule in
// words, the next run, the last run and a bar per latest run, and the trigger button.
import { html, nothing, type TemplateResult } from "lit";
import type { Route } from "../../shared/context.ts";
import type { DagListRow, DagRunSummary } from "../../shared/dag-types.ts";
import { formatDate, formatRelative } from "../../shared/format.ts";
import { runBars } from "../../shared/run-bars.ts";
import { describeSchedule, isScheduled } from "../../shared/schedule-text.ts";
import { statePill } from "../../shared/state-badge.ts";

/** What a row needs from the list. */
export interface RowContext {
  slots: number;
  /** Index of the row in the whole list (for aria-rowindex). */
  index: number;
  canEdit: boolean;
  canTrigger: boolean;
  chosenTags: readonly string[];
  href(route: Route): string | null;
  go(route: Route): void;
  togglePause(row: DagListRow): void;
  trigger(row: DagListRow): void;
  addTag(tag: string): void;
}

/** A link through the app, or a button that asks the host to go there. */
export function linkTo(ctx: Pick<RowContext, "href" | "go">, route: Route, content: unknown, cls = ""): TemplateResult {
  const href = ctx.href(route);
  if (href) return html`<a class=${cls} href=${href}>${content}</a>`;
  return html`<a class=${cls} href="#" @click=${(e: Event) => {
    e.preventDefault();
    ctx.go(route);
  }}>${content}</a>`;
}

export const warnIcon = (size = 14): TemplateResult => html`<svg viewBox="0 0 16 16" width=${size} height=${size} aria-hidden="true"><path d="M8 1.8l6.6 11.6H1.4z" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/><path d="M8 6.3v3.4M8 11.6v.2" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/></svg>`;
export const playIcon = (): TemplateResult => html`<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M5 3.2v9.6L12.6 8z" fill="currentColor"/></svg>`;

function runRoute(dagId: string, r: DagRunSummary): Route {
  return { view: "dag", dagId, tab: "grid", runId: r.run_id };
}

function nextRun(d: DagListRow): TemplateResult {
  if (!isScheduled(d.schedule_interval) || !d.next_dagrun) return html`<span class="muted">–</span>`;
  // When it runs (its interval's end), as Airflow 3 shows it; the logical date in the tooltip.
  const when = d.next_dagrun_create_after ?? d.next_dagrun;
  return html`<span class="primary-line" title="Runs after ${formatDate(when)} UTC, for the logical date ${formatDate(d.next_dagrun)} UTC">${formatDate(when)}</span>
    <span class="secondary">${d.is_paused ? "paused" : formatRelative(when)}</span>`;
}

function lastRun(d: DagListRow, ctx: RowContext): TemplateResult {
  const r = d.last_run;
  if (!r) return html`<span class="muted">No runs yet</span>`;
  const when = r.end_date ?? r.start_date ?? r.logical_date;
  return html`<div class="last">
    ${linkTo(ctx, runRoute(d.dag_id, r), statePill(r.state))}
    <span class="secondary" title="Logical date ${formatDate(r.logical_date)} UTC">${formatRelative(when)}${d.active_runs > 1 ? html` · <span class="active-runs">${d.active_runs} active</span>` : nothing}</span>
  </div>`;
}

/** The row of one DAG. */
export function dagRow(d: DagListRow, ctx: RowContext): TemplateResult {
  const dagRoute: Route = { view: "dag", dagId: d.dag_id };
  const schedule = describeSchedule(d.schedule_interval);
  const raw = d.schedule_interval && d.schedule_interval !== "None" && schedule !== d.schedule_interval ? d.schedule_interval : null;
  return html`<div class="row ${d.is_paused ? "paused" : ""}" role="row" aria-rowindex=${ctx.index + 2} part="row" data-dag-id=${d.dag_id}>
    <div role="cell">
      <button class="switch" role="switch" aria-checked=${d.is_paused ? "false" : "true"}
        aria-label="${d.dag_id}: ${d.is_paused ? "paused" : "active"}" title=${ctx.canEdit ? (d.is_paused ? "Paused: click to unpause" : "Active: click to pause") : "Pausing needs the edit scope"}
        ?disabled=${!ctx.canEdit} @click=${() => ctx.togglePause(d)}></button>
    </div>
    <div role="cell">
      <div class="dag-name">
        ${linkTo(ctx, dagRoute, d.dag_id)}
        ${d.has_import_errors ? html`<span class="warn" title="The DAG's file failed to load at its last parse">${warnIcon()}</span>` : nothing}
      </div>
      ${d.description ? html`<div class="desc" title=${d.description}>${d.description}</div>` : nothing}
      ${d.tags.length ? html`<div class="tags">${d.tags.map((t) => html`<button class="tag" aria-pressed=${ctx.chosenTags.includes(t) ? "true" : "false"}
        title="Filter by the tag ${t}" @click=${() => ctx.addTag(t)}>${t}</button>`)}</div>` : nothing}
    </div>
    <div role="cell" class="sched">
      <span class="primary-line" title=${d.schedule_interval ?? "None"}>${schedule}</span>
      ${raw ? html`<span class="secondary mono">${raw}</span>` : nothing}
    </div>
    <div role="cell" class="next col-next">${nextRun(d)}</div>
    <div role="cell">${lastRun(d, ctx)}</div>
    <div role="cell">${d.recent_runs.length
      ? runBars(d.recent_runs, { slots: ctx.slots, label: d.dag_id, href: (r) => ctx.href(runRoute(d.dag_id, r)), open: (r) => ctx.go(runRoute(d.dag_id, r)) })
      : nothing}</div>
    <div role="cell">
      ${ctx.canTrigger ? html`<button class="play" title="Trigger ${d.dag_id}" aria-label="Trigger ${d.dag_id}" @click=${() => ctx.trigger(d)}>${playIcon()}</button>` : nothing}
    </div>
  </div>`;
}
