// The task stream of `<updraft-workers>`, as Dask's dashboard draws it: a line per thread of the
// pool and per slot of each remote worker, a bar per try on a time axis of the last minutes,
// coloured by how it ended (with the state's glyph, failed ones hatched) and growing while it
// runs. Bars sit at fixed places on one layer that a CSS transition slides left a second at a
// time, so the browser moves one layer instead of re-placing every bar.
import { html, nothing, type TemplateResult } from "lit";
import { repeat } from "lit/directives/repeat.js";
import { formatDateTime, formatDuration } from "../../shared/format.ts";
import { statePill } from "../../shared/state-badge.ts";
import { stateLabel } from "../../shared/states.ts";
import { tickLabel, timeTicks } from "../gantt/gantt-model.ts";
import type { StreamBar, WorkersModel } from "./workers-model.ts";
import { workerStateGlyph } from "./worker-table.ts";
import { STREAM } from "./workers-styles.ts";

export interface StreamContext {
  model: WorkersModel;
  now: number;
  windowMs: number;
  /** The plot's width in px. */
  width: number;
  /** The instant at x = 0 of the sliding layer. */
  origin: number;
  /** Place without sliding (after a resize, a new window, a new origin). */
  jump: boolean;
  active: string | null;
  hover: { bar: StreamBar; x: number; y: number } | null;
  onKey(e: KeyboardEvent): void;
  onOver(e: PointerEvent): void;
  onLeave(): void;
  onClick(e: MouseEvent): void;
}

/** A line's top (px, below the axis) for each slot line and worker heading, and the total height. */
export function lineLayout(model: WorkersModel): { heads: Array<{ row: string; y: number }>; slots: Map<string, number>; height: number } {
  const heads: Array<{ row: string; y: number }> = [];
  const slots = new Map<string, number>();
  let y = STREAM.axisH;
  for (const line of model.lines()) {
    if (line.first) {
      heads.push({ row: line.row, y });
      y += STREAM.headH;
    }
    slots.set(lineKey(line.row, line.lane, line.slot), y);
    y += STREAM.lineH;
  }
  return { heads, slots, height: y + 4 };
}

export const lineKey = (row: string, lane: string, slot: number) => `${row}\u0000${lane}\u0000${slot}`;

/** How a bar reads aloud and in its tooltip's title. */
export function barLabel(b: StreamBar, now: number): string {
  const name = `${b.dagId}.${b.taskId}${b.mapIndex >= 0 ? `[${b.mapIndex}]` : ""}`;
  const took = formatDuration(((b.end ?? now) - b.start) / 1000);
  return `${name}, try ${b.tryNumber}, ${b.end === null ? `running for ${took}` : `${stateLabel(b.state)} after ${took}`}`;
}

export function taskStream(ctx: StreamContext): TemplateResult {
  const { model, now, windowMs, width, origin } = ctx;
  const lines = model.lines();
  const layout = lineLayout(model);
  const px = width > 0 ? width / windowMs : 0;
  const x = (t: number) => (t - origin) * px;
  const shift = width - (now - origin) * px;
  const from = now - windowMs;
  const ticks = timeTicks(from, now, Math.max(2, Math.floor(width / 120)));
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 60_000;
  // One more tick on each side, so that the one sliding in is already there.
  const allTicks = [ticks[0]! - step, ...ticks, ticks.at(-1)! + step];
  const visible = model.bars.filter((b) => (b.end ?? now) >= from - 2_000 && layout.slots.has(lineKey(b.row, b.lane, b.slot)));
  const running = visible.filter((b) => b.end === null).length;
  const rowsById = new Map([...model.rows].map((r) => [r.id, r]));
  const label = `Task stream of the last ${Math.round(windowMs / 60_000)} minutes: ${visible.length} tries on ${lines.length} lines, ${running} running. `
    + "Use the left and right arrow keys to go from try to try, Enter to open one.";
  return html`<div class="stream" part="stream" tabindex="0" role="group" aria-roledescription="task stream" aria-label=${label}
      aria-activedescendant=${ctx.active && visible.some((b) => b.key === ctx.active) ? "active-bar" : nothing}
      @keydown=${ctx.onKey} @pointerover=${ctx.onOver} @pointerleave=${ctx.onLeave} @click=${ctx.onClick}>
    <div class="labels" part="stream-labels" aria-hidden="true">
      ${lines.map((l) => {
        const row = rowsById.get(l.row);
        const head = l.first ? html`<div class="lh" title=${row?.name ?? l.row.replace(/^host:/, "")}>${workerStateGlyph(row?.state ?? "lost")}${row?.name ?? `${l.row.replace(/^host:/, "")} (gone)`}</div>` : nothing;
        return html`${head}<div class="ll" title=${l.label}>${l.label}</div>`;
      })}
    </div>
    <div class="plot" style="height:${layout.height}px">
      <div class="axisbg"></div>
      ${layout.heads.slice(1).map((h) => html`<div class="sep" style="top:${h.y}px"></div>`)}
      ${lines.map((l, i) => (i % 2 ? html`<div class="band" style="top:${layout.slots.get(lineKey(l.row, l.lane, l.slot))}px;height:${STREAM.lineH}px"></div>` : nothing))}
      <div class="layer ${ctx.jump ? "jump" : ""}" style="transform:translateX(${shift}px)">
        ${repeat(allTicks, (t) => t, (t) => html`<div class="gridline" style="left:${x(t)}px"></div><span class="tick" style="left:${x(t)}px" aria-hidden="true">${tickLabel(t, step)}</span>`)}
        ${repeat(visible, (b) => b.key, (b) => {
          const top = layout.slots.get(lineKey(b.row, b.lane, b.slot))! + (STREAM.lineH - STREAM.barH) / 2;
          const left = x(b.start);
          // A running bar reaches one second past now: the layer slides that second in the next tick.
          const w = Math.max(2, x(b.end ?? now + 1_000) - left);
          const active = b.key === ctx.active;
          return html`<div class="bar" data-key=${b.key} data-state=${b.state} ?data-running=${b.end === null} ?data-active=${active}
            id=${active ? "active-bar" : nothing} role=${active ? "img" : nothing} aria-label=${active ? barLabel(b, now) : nothing}
            style="left:${left}px;top:${top}px;width:${w}px">${w >= 14 ? html`<span class="g" data-state=${b.state}></span>` : nothing}</div>`;
        })}
      </div>
      <div class="axisfade left" aria-hidden="true"></div><div class="axisfade right" aria-hidden="true"></div>
      <div class="now" aria-hidden="true"></div><span class="now-label" aria-hidden="true">now</span>
    </div>
    ${tooltip(ctx)}
  </div>`;
}

function tooltip(ctx: StreamContext): TemplateResult | typeof nothing {
  const h = ctx.hover;
  if (!h) return nothing;
  const b = h.bar;
  const took = ((b.end ?? ctx.now) - b.start) / 1000;
  const row = ctx.model.rows.find((r) => r.id === b.row);
  const where = `${row?.name ?? b.hostname}${b.lane ? ` · ${b.lane}` : ""}`;
  return html`<div class="tip" part="tooltip" role="tooltip" style="left:${h.x}px;top:${h.y}px">
    <div class="t">${b.taskId}${b.mapIndex >= 0 ? ` [${b.mapIndex}]` : ""} · try ${b.tryNumber}</div>
    <div class="kv">
      <span>DAG</span><span>${b.dagId}</span>
      <span>Run</span><span>${b.runId}</span>
      <span>State</span><span>${statePill(b.state)}</span>
      <span>Started</span><span>${formatDateTime(new Date(b.start).toISOString())}</span>
      ${b.end !== null ? html`<span>Ended</span><span>${formatDateTime(new Date(b.end).toISOString())}</span>` : nothing}
      <span>${b.end === null ? "Running for" : "Took"}</span><span>${formatDuration(took)}</span>
      <span>Worker</span><span>${where}</span>
    </div>
  </div>`;
}
