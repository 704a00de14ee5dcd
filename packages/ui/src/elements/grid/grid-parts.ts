// Pieces of `<updraft-grid>`'s rendering that do not need the element: the tooltip of a cell or a
// run, the mix strip of a mapped cell, and the facts of a run for the side panel.
import { html, nothing, type TemplateResult } from "lit";
import { statePill } from "../../shared/state-badge.ts";
import { stateLabel, stateVar } from "../../shared/states.ts";
import { formatDateTime, formatDuration, secondsBetween } from "../../shared/format.ts";
import { STATE_PRIORITY, type CellSummary, type GridNode, type GridRun } from "../../shared/grid-types.ts";
import { runSeconds } from "./grid-model.ts";

/** How a run is named in labels: its logical date (UTC), else its id. */
export function runLabel(r: GridRun): string {
  return r.logical_date ? formatDateTime(r.logical_date) : r.run_id;
}

/** The states present in a mapped cell, in Airflow's priority order. */
export function orderedCounts(counts: Record<string, number>): Array<[string, number]> {
  const order = new Map<string, number>(STATE_PRIORITY.map((s, i) => [s, i]));
  return Object.entries(counts).filter(([, n]) => n > 0).sort((a, b) => (order.get(a[0]) ?? 99) - (order.get(b[0]) ?? 99));
}

/** A gradient with each state's share of a mapped cell's instances (for a strip under the square), or null for one state. */
export function mixGradient(cell: CellSummary): string | null {
  if (!cell.counts || !cell.total) return null;
  const parts = orderedCounts(cell.counts);
  if (parts.length < 2) return null;
  let at = 0;
  const total = parts.reduce((a, [, n]) => a + n, 0);
  const stops = parts.map(([s, n]) => {
    const from = (at / total) * 100;
    at += n;
    return `${stateVar(s)} ${from.toFixed(1)}% ${((at / total) * 100).toFixed(1)}%`;
  });
  return `linear-gradient(90deg, ${stops.join(", ")})`;
}

/** A one-line accessible name of a cell. */
export function cellLabel(node: GridNode, run: GridRun, cell: CellSummary | undefined): string {
  if (!cell) return `${node.id}, ${runLabel(run)}: no instance`;
  if (cell.counts) {
    const parts = orderedCounts(cell.counts).map(([s, n]) => `${n} ${stateLabel(s)}`);
    return `${node.id}, ${runLabel(run)}: ${cell.total ?? 0} instances${parts.length ? ` (${parts.join(", ")})` : `, ${stateLabel(cell.state)}`}`;
  }
  return `${node.id}, ${runLabel(run)}: ${stateLabel(cell.state)}${cell.try_number > 1 ? `, try ${cell.try_number}` : ""}`;
}

/** The tooltip of a cell. */
export function cellTip(node: GridNode, run: GridRun, cell: CellSummary | undefined): TemplateResult {
  const dur = cell?.start_date ? formatDuration(secondsBetween(cell.start_date, cell.end_date)) : "–";
  return html`<div class="t">${node.id}${node.parent_task_id ? html` <span class="muted">(from ${node.parent_task_id})</span>` : nothing}</div>
    <div class="kv">
      <span>Run</span><span>${runLabel(run)}</span>
      <span>State</span><span>${cell ? statePill(cell.state) : html`<span class="muted">no instance</span>`}</span>
      ${cell && !cell.counts && cell.try_number > 0 ? html`<span>Try</span><span>${cell.try_number}</span>` : nothing}
      ${cell?.start_date ? html`<span>Started</span><span>${formatDateTime(cell.start_date)}</span>` : nothing}
      ${cell?.end_date ? html`<span>Ended</span><span>${formatDateTime(cell.end_date)}</span>` : nothing}
      ${cell?.start_date ? html`<span>Duration</span><span>${dur}</span>` : nothing}
      ${cell?.counts ? html`<span>Instances</span><span>${cell.total ?? 0}</span>` : nothing}
    </div>
    ${cell?.counts && cell.total ? html`<div class="counts">${orderedCounts(cell.counts).map(([s, n]) => html`<span>${statePill(s)} ${n}</span>`)}</div>` : nothing}`;
}

/** The tooltip of a run's bar. */
export function runTip(run: GridRun, now: number): TemplateResult {
  return html`<div class="t">${run.run_id}</div>
    <div class="kv">
      <span>State</span><span>${statePill(run.state)}</span>
      <span>Type</span><span>${run.run_type}</span>
      <span>Logical date</span><span>${formatDateTime(run.logical_date)}</span>
      ${run.start_date ? html`<span>Started</span><span>${formatDateTime(run.start_date)}</span>` : nothing}
      ${run.end_date ? html`<span>Ended</span><span>${formatDateTime(run.end_date)}</span>` : nothing}
      <span>Duration</span><span>${run.start_date ? formatDuration(runSeconds(run, now)) : "–"}</span>
    </div>`;
}

/** The facts of a run, for the side panel. */
export function runFacts(run: GridRun, counts: Array<[string, number]>, now: number): TemplateResult {
  return html`<dl class="facts">
      <dt>State</dt><dd>${statePill(run.state)}</dd>
      <dt>Run id</dt><dd>${run.run_id}</dd>
      <dt>Run type</dt><dd>${run.run_type}</dd>
      <dt>Logical date</dt><dd>${formatDateTime(run.logical_date)}</dd>
      <dt>Queued</dt><dd>${formatDateTime(run.queued_at)}</dd>
      <dt>Started</dt><dd>${formatDateTime(run.start_date)}</dd>
      <dt>Ended</dt><dd>${formatDateTime(run.end_date)}</dd>
      <dt>Duration</dt><dd>${run.start_date ? formatDuration(runSeconds(run, now)) : "–"}</dd>
      ${run.note ? html`<dt>Note</dt><dd>${run.note}</dd>` : nothing}
      <dt>Task instances</dt><dd>${counts.length ? html`<span class="counts">${counts.map(([s, n]) => html`<span>${statePill(s)} ${n}</span> `)}</span>` : "–"}</dd>
    </dl>`;
}
