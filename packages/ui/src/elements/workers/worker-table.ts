// The workers table of `<updraft-workers>`, as Flower lists its workers: per worker its state
// (glyph and word), queues, slots in use, tries done and failed, a sparkline of the tries it
// finished per minute, and its last heartbeat; a row opens to show its facts and running tries.
import { html, nothing, svg, type TemplateResult } from "lit";
import type { Route } from "../../shared/context.ts";
import { formatDateTime } from "../../shared/format.ts";
import { stateGlyph } from "../../shared/state-badge.ts";
import type { WorkerRow, WorkerState, WorkersModel } from "./workers-model.ts";

/** Columns the table sorts by. */
export const SORT_KEYS = ["name", "state", "slots", "done", "failed", "rate", "heartbeat"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface Sort { key: SortKey; desc: boolean }

export interface TableContext {
  model: WorkersModel;
  now: number;
  sort: Sort;
  expanded: ReadonlySet<string>;
  sparkMinutes: number;
  href(route: Route): string | null;
  onSort(key: SortKey): void;
  onToggle(id: string): void;
  onOpen(route: Route): void;
}

const STATE_LABEL: Record<WorkerState, string> = { online: "online", draining: "draining", disconnected: "disconnected", lost: "lost" };
const STATE_TOKEN: Record<WorkerState, string> = {
  online: "var(--updraft-state-success)", draining: "var(--updraft-state-up_for_retry)",
  disconnected: "var(--updraft-state-upstream_failed)", lost: "var(--updraft-state-failed)",
};
const STATE_RANK: Record<WorkerState, number> = { online: 0, draining: 1, disconnected: 2, lost: 3 };

/** A worker state's glyph: a full disc (online), half a disc (draining), a broken ring (disconnected), a cross (lost). */
export function workerStateGlyph(state: WorkerState): TemplateResult {
  const shape = {
    online: svg`<circle cx="6" cy="6" r="4.2" fill="currentColor"/>`,
    draining: svg`<circle cx="6" cy="6" r="4" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M6 2a4 4 0 0 0 0 8z" fill="currentColor"/>`,
    disconnected: svg`<circle cx="6" cy="6" r="4" fill="none" stroke="currentColor" stroke-width="1.5" stroke-dasharray="3 2"/>`,
    lost: svg`<path d="M2.8 2.8l6.4 6.4M9.2 2.8l-6.4 6.4" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>`,
  }[state];
  return html`<svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" style="color:${STATE_TOKEN[state]}">${shape}</svg>`;
}

/** `wstate` pill text: glyph and word. */
export function workerState(state: WorkerState): TemplateResult {
  return html`<span class="wstate" part="worker-state" data-state=${state}>${workerStateGlyph(state)}${STATE_LABEL[state]}</span>`;
}

/** "4 s ago", "2 min ago" — short, for a heartbeat. */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

/** Tries finished per minute, on average over the sparkline's minutes. */
export function ratePerMinute(model: WorkersModel, row: WorkerRow, minutes: number): number {
  return model.series(row, minutes).reduce((n, m) => n + m.done, 0) / minutes;
}

function sortValue(ctx: TableContext, r: WorkerRow, key: SortKey): number | string {
  switch (key) {
    case "name": return r.name.toLowerCase();
    case "state": return STATE_RANK[r.state];
    case "slots": return r.capacity ? r.running / r.capacity : 0;
    case "done": return r.done;
    case "failed": return r.failed;
    case "rate": return ratePerMinute(ctx.model, r, ctx.sparkMinutes);
    case "heartbeat": return r.heartbeat === null ? Number.MAX_SAFE_INTEGER : r.heartbeat;
    default: return key satisfies never;
  }
}

/** The rows in the table's order: the pool first, then the remote workers as sorted. */
export function sortedRows(ctx: TableContext): WorkerRow[] {
  const { key, desc } = ctx.sort;
  const sign = desc ? -1 : 1;
  return [...ctx.model.rows].sort((a, b) => {
    if ((a.kind === "local") !== (b.kind === "local")) return a.kind === "local" ? -1 : 1;
    const va = sortValue(ctx, a, key);
    const vb = sortValue(ctx, b, key);
    return (va < vb ? -1 : va > vb ? 1 : 0) * sign || a.name.localeCompare(b.name);
  });
}

function header(ctx: TableContext, key: SortKey, label: string, num = false): TemplateResult {
  const active = ctx.sort.key === key;
  const aria = active ? (ctx.sort.desc ? "descending" : "ascending") : "none";
  return html`<th scope="col" class=${num ? "num" : ""} aria-sort=${aria}>
    <button class="sort" @click=${() => ctx.onSort(key)}>${label}<span class="arrow" aria-hidden="true">${active ? (ctx.sort.desc ? "▼" : "▲") : ""}</span></button>
  </th>`;
}

function sparkline(ctx: TableContext, r: WorkerRow): TemplateResult {
  const series = ctx.model.series(r, ctx.sparkMinutes);
  const max = Math.max(1, ...series.map((m) => m.done));
  const w = 6;
  const gap = 2;
  const h = 22;
  const width = series.length * (w + gap) - gap;
  const rate = ratePerMinute(ctx.model, r, ctx.sparkMinutes);
  const total = series.reduce((n, m) => n + m.done, 0);
  const label = `${total} tries finished in the last ${ctx.sparkMinutes} minutes, ${rate.toFixed(1)} a minute`;
  return html`<span class="spark" part="sparkline">
    <svg width=${width} height=${h} viewBox="0 0 ${width} ${h}" role="img" aria-label=${label}>
      <title>${series.map((m) => `${new Date(m.minute).toISOString().slice(11, 16)}: ${m.done} done${m.failed ? `, ${m.failed} failed` : ""}`).join("\n")}</title>
      <line class="base" x1="0" x2=${width} y1=${h - 0.5} y2=${h - 0.5}></line>
      ${series.map((m, i) => {
        const bh = m.done ? Math.max(2, (m.done / max) * (h - 2)) : 0;
        const fh = m.done ? (m.failed / m.done) * bh : 0;
        const x = i * (w + gap);
        return svg`<rect class="done-bar" x=${x} y=${h - 1 - bh} width=${w} height=${bh - fh} rx="1"></rect>
          ${fh > 0 ? svg`<rect class="fail-bar" x=${x} y=${h - 1 - fh} width=${w} height=${fh}></rect>` : nothing}`;
      })}
    </svg>
    <span class="rate">${rate < 10 ? rate.toFixed(1) : Math.round(rate)}/min</span>
  </span>`;
}

/** Slots in use as a bar (running solid, waiting hatched), with `running / capacity` unless `bare`. */
export function slotsMeter(running: number, waiting: number, capacity: number, bare = false): TemplateResult {
  const pct = capacity > 0 ? Math.min(100, (running / capacity) * 100) : 0;
  const wpct = capacity > 0 ? Math.min(100 - pct, (waiting / capacity) * 100) : 0;
  return html`<span class="meter" part="slots" role="img" aria-label="${running} of ${capacity} slots busy${waiting ? `, ${waiting} waiting` : ""}">
    <span class="bar" aria-hidden="true"><span style="width:${pct}%"></span>${wpct > 0 ? html`<span class="wait" style="left:${pct}%;width:${wpct}%"></span>` : nothing}</span>
    ${bare ? nothing : html`<span>${running}<span class="muted"> / ${capacity}</span>${waiting ? html` <span class="muted" title="waiting">+${waiting} waiting</span>` : nothing}</span>`}
  </span>`;
}

function heartbeat(ctx: TableContext, r: WorkerRow): TemplateResult {
  if (r.kind === "local") return html`<span class="muted" title="The scheduler's own process">in process</span>`;
  if (r.heartbeat === null) return html`–`;
  const age = ctx.now - r.heartbeat;
  const late = r.state !== "online" && r.state !== "draining";
  return html`<span class="hb" ?data-late=${late} title=${formatDateTime(new Date(r.heartbeat).toISOString())}>${ago(age)}</span>`;
}

const chevron = html`<svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><path d="M4.5 2.5L8 6l-3.5 3.5" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

function row(ctx: TableContext, r: WorkerRow): TemplateResult {
  const open = ctx.expanded.has(r.id);
  const detailId = `detail-${r.id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  return html`<tr class="worker" part="worker-row" data-id=${r.id}>
      <td>
        <div class="who">
          <button class="expander" aria-expanded=${open ? "true" : "false"} aria-controls=${detailId}
            aria-label="${open ? "Hide" : "Show"} details of ${r.name}" @click=${() => ctx.onToggle(r.id)}>${chevron}</button>
          <span><span class="name">${r.name}</span> ${r.kind === "local" ? html`<span class="kind">local</span>` : nothing}
            <span class="host">${r.host}</span></span>
        </div>
      </td>
      <td>${workerState(r.state)}</td>
      <td><span class="chips">${r.queues.map((q) => html`<span class="chip">${q}</span>`)}</span></td>
      <td>${slotsMeter(r.running, r.waiting, r.capacity)}</td>
      <td class="num">${r.done}</td>
      <td class="num">${r.failed ? html`<span class="failed-n">${r.failed}</span>` : "0"}</td>
      <td>${sparkline(ctx, r)}</td>
      <td>${heartbeat(ctx, r)}</td>
    </tr>
    ${open ? html`<tr class="detail" id=${detailId}><td colspan="8">${detail(ctx, r)}</td></tr>` : nothing}`;
}

function detail(ctx: TableContext, r: WorkerRow): TemplateResult {
  const running = ctx.model.bars.filter((b) => b.row === r.id && b.end === null).sort((a, b) => a.start - b.start);
  const waiting = r.tries.filter((t) => !t.started);
  const fact = (k: string, v: unknown) => html`<div><span>${k}</span>${v}</div>`;
  return html`<div class="facts">
      ${r.kind === "remote" ? html`${fact("Version", html`<code>${r.version}</code>`)}${fact("Address", r.address ?? "–")}` : nothing}
      ${fact(r.kind === "local" ? "Started" : "Connected", r.since ? formatDateTime(new Date(r.since).toISOString()) : "–")}
      ${fact("Capacity", `${r.capacity} ${r.capacity === 1 ? "try" : "tries"} at once`)}
      ${r.kind === "remote" && r.heartbeat ? fact("Last heartbeat", formatDateTime(new Date(r.heartbeat).toISOString())) : nothing}
    </div>
    ${r.threads.length ? html`<div class="threads" aria-label="Threads">${r.threads.map((t) => html`<span class="thread" ?data-busy=${t.jobs > 0}
        title="${t.name}: ${t.state}, ${t.jobs_run} tries run, ${t.heap_used_mb} MB heap"><span class="dot"></span>${t.name} · ${t.jobs_run} run · ${Math.round(t.heap_used_mb)} MB</span>`)}</div>` : nothing}
    ${running.length || waiting.length ? html`<ul class="tries" aria-label="Tries on ${r.name}">
      ${running.map((b) => {
        const route: Route = { view: "dag", dagId: b.dagId, tab: "grid", runId: b.runId, taskId: b.taskId, ...(b.mapIndex >= 0 ? { mapIndex: b.mapIndex } : {}) };
        const link = ctx.href(route);
        const name = `${b.dagId} · ${b.taskId}${b.mapIndex >= 0 ? ` [${b.mapIndex}]` : ""}`;
        return html`<li>${stateGlyph("running")}${link ? html`<a href=${link}>${name}</a>` : html`<span>${name}</span>`}
          <code class="muted">${b.runId}</code><span class="muted">try ${b.tryNumber} · ${b.lane ? `${b.lane} · ` : ""}running ${ago(ctx.now - b.start).replace(" ago", "")}</span></li>`;
      })}
      ${waiting.map((t) => html`<li>${stateGlyph("queued")}<span>${t.dag_id} · ${t.task_id}${t.map_index >= 0 ? ` [${t.map_index}]` : ""}</span>
        <code class="muted">${t.dag_run_id}</code><span class="muted">try ${t.try_number} · waiting on the worker</span></li>`)}
    </ul>` : html`<span class="muted">Nothing running.</span>`}`;
}

/** The table, or a note when there is nothing to list. */
export function workerTable(ctx: TableContext): TemplateResult {
  const rows = sortedRows(ctx);
  return html`<div class="table-scroll"><table part="table" aria-label="Workers">
    <thead><tr>
      ${header(ctx, "name", "Worker")}${header(ctx, "state", "State")}<th scope="col"><span class="sort" style="cursor:default">Queues</span></th>
      ${header(ctx, "slots", "Slots")}${header(ctx, "done", "Done", true)}${header(ctx, "failed", "Failed", true)}
      ${header(ctx, "rate", `Last ${ctx.sparkMinutes} min`)}${header(ctx, "heartbeat", "Heartbeat")}
    </tr></thead>
    <tbody>${rows.length ? rows.map((r) => row(ctx, r)) : html`<tr><td colspan="8" class="empty">No worker is connected. Start one with
      <code>updraft worker --server URL --token T</code>.</td></tr>`}</tbody>
  </table></div>`;
}
