// A DAG's latest runs as a small bar per run (as in Airflow's DAG list): the height is the run's
// duration against the longest of them, the colour its state, and every state but success carries
// its glyph, so the state never rests on colour alone. One tab stop for the group; the arrow keys
// move between runs; Enter opens one.
import { css, html, type TemplateResult } from "lit";
import { formatDateTime, formatDuration, secondsBetween } from "./format.ts";
import { stateLabel } from "./states.ts";
import { stateRules } from "./state-glyph-css.ts";
import type { DagRunSummary } from "./dag-types.ts";

export interface RunBarsOptions {
  /** How many slots the group has (fewer runs are drawn to the right). */
  slots: number;
  /** The app's link to a run, or null when there is no app. */
  href(run: DagRunSummary): string | null;
  /** Opens a run (a click without an app link). */
  open(run: DagRunSummary): void;
  /** For the group's label: whose runs. */
  label: string;
}

/** Seconds the run took, or has taken so far. */
function runSeconds(r: DagRunSummary, now: number): number | null {
  if (r.duration != null) return r.duration;
  if (!r.start_date) return null;
  return r.end_date ? secondsBetween(r.start_date, r.end_date) : Math.max(0, (now - Date.parse(r.start_date)) / 1000);
}

function onKey(e: KeyboardEvent): void {
  const bars = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>(".bar")];
  const i = bars.indexOf(e.target as HTMLElement);
  if (i < 0) return;
  const next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : e.key === "Home" ? 0 : e.key === "End" ? bars.length - 1 : null;
  if (next === null || next < 0 || next >= bars.length) return;
  e.preventDefault();
  for (const b of bars) b.tabIndex = -1;
  bars[next]!.tabIndex = 0;
  bars[next]!.focus();
}

/**
 * The bars of these runs, given newest first (drawn oldest to newest, left to right).
 * Needs `runBarStyles`.
 */
export function runBars(newestFirst: DagRunSummary[], o: RunBarsOptions): TemplateResult {
  const now = Date.now();
  const runs = newestFirst.slice(0, o.slots).reverse();
  const secs = runs.map((r) => runSeconds(r, now));
  // Scaled to the finished runs, so that a run going for hours does not flatten the others; it is capped at the top.
  const finished = secs.filter((s, i) => s != null && runs[i]!.end_date);
  const longest = Math.max(1, ...(finished.length ? finished : secs).map((s) => s ?? 0));
  return html`<div class="runbars" role="group" aria-label="Latest runs of ${o.label}" part="runs" style="--slots:${o.slots}" @keydown=${onKey}>
    ${runs.map((r, i) => {
      const s = secs[i];
      const pct = s == null ? 18 : Math.min(100, Math.max(18, Math.round((s / longest) * 100)));
      const text = `${stateLabel(r.state)} · ${formatDateTime(r.logical_date)} UTC · ${s == null ? "not started" : formatDuration(s)} · ${r.run_id}`;
      const href = o.href(r);
      const go = (e: Event) => {
        if (href && (e as MouseEvent).button === 0 && !(e as MouseEvent).metaKey && !(e as MouseEvent).ctrlKey) return;
        if (!href) {
          e.preventDefault();
          o.open(r);
        }
      };
      const last = i === runs.length - 1;
      return href
        ? html`<a class="bar" part="run" data-state=${r.state} href=${href} style="--h:${pct}%" title=${text} aria-label=${text} tabindex=${last ? 0 : -1} @click=${go}></a>`
        : html`<button type="button" class="bar" part="run" data-state=${r.state} style="--h:${pct}%" title=${text} aria-label=${text} tabindex=${last ? 0 : -1} @click=${go}></button>`;
    })}
  </div>`;
}

export const runBarStyles = [
  css`
    .runbars {
      display: flex;
      align-items: flex-end;
      justify-content: flex-end;
      gap: 2px;
      height: 30px;
      width: calc(var(--slots) * 10px);
    }
    .bar {
      display: block;
      flex: none;
      width: 8px;
      height: var(--h);
      min-height: 9px;
      padding: 0;
      border: 0;
      border-radius: 2px;
      cursor: pointer;
      background-color: var(--updraft-state-none);
      box-shadow: inset 0 0 0 1px rgb(0 0 0 / 10%);
    }
    .bar:hover {
      filter: brightness(1.15) saturate(1.1);
      outline: 1px solid var(--updraft-text-muted);
      outline-offset: 1px;
    }
    .bar:focus-visible {
      outline: 2px solid var(--updraft-focus);
      outline-offset: 1px;
    }
  `,
  stateRules(".bar", "", "background: $img center bottom 1px / 7px 7px no-repeat, $fill;"),
  css`
    .bar[data-state="success"] {
      background: var(--updraft-state-success);
    }
  `,
];
