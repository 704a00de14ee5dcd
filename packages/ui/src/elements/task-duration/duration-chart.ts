// The duration chart's drawing, loaded lazily by <updraft-task-duration>: an SVG with a y axis of
// durations, runs along x, a line per task (dashed for queued time), a point per instance (a
// state glyph where it did not succeed, so state is never colour alone) and the hover guide.
// Hand-rolled SVG rather than a chart library: a few hundred lines of marks, themed by tokens.
import { svg, nothing, type SVGTemplateResult } from "lit";
import { stateIcon, stateVar } from "../../shared/states.ts";
import { formatDuration } from "../../shared/format.ts";
import { durationTicks, labelEvery } from "./chart-scale.ts";
import { seriesVar, type TaskDurations } from "./duration-types.ts";

export interface ChartOptions {
  width: number;
  height: number;
  /** Indexes (into `data.tasks`) of the tasks drawn. */
  shown: ReadonlySet<number>;
  queued: boolean;
  hover: number;
}

/** Where things are: the plot's margins and the run column for an x position. */
export interface ChartGeometry {
  left: number;
  right: number;
  top: number;
  bottom: number;
  colWidth: number;
  x(i: number): number;
  y(seconds: number): number;
  /** The run under an x position, or -1. */
  runAt(px: number): number;
}

const MARGIN = { left: 60, right: 16, top: 12, bottom: 44 };

/** The chart's scales for this data and size. */
export function chartGeometry(data: TaskDurations, o: ChartOptions): ChartGeometry & { ticks: number[] } {
  let max = 0;
  data.tasks.forEach((t, i) => {
    if (!o.shown.has(i)) return;
    for (const p of t.points) {
      if (!p) continue;
      max = Math.max(max, p.duration ?? 0, o.queued ? (p.queued ?? 0) : 0);
    }
  });
  const ticks = durationTicks(max);
  const top = ticks.at(-1)!;
  const plotW = Math.max(10, o.width - MARGIN.left - MARGIN.right);
  const plotH = Math.max(10, o.height - MARGIN.top - MARGIN.bottom);
  const n = Math.max(1, data.runs.length);
  const colWidth = plotW / n;
  return {
    ...MARGIN, colWidth, ticks,
    x: (i) => MARGIN.left + (i + 0.5) * colWidth,
    y: (s) => MARGIN.top + plotH - (s / top) * plotH,
    runAt: (px) => {
      const i = Math.floor((px - MARGIN.left) / colWidth);
      return i >= 0 && i < data.runs.length ? i : -1;
    },
  };
}

/** Polyline paths through the points that exist, broken where a run has none. */
function path(values: Array<number | null>, g: ChartGeometry): string {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v == null) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${g.x(i).toFixed(1)},${g.y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

const shortDate = (iso: string | null) => (iso ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : "");

/** The whole chart as SVG. */
export function durationChart(data: TaskDurations, o: ChartOptions): SVGTemplateResult {
  const g = chartGeometry(data, o);
  const bottom = o.height - g.bottom;
  const every = labelEvery(data.runs.length, o.width - g.left - g.right);
  const series = data.tasks.map((t, i) => ({ t, i })).filter(({ i }) => o.shown.has(i));
  return svg`
    <g class="axis y">
      ${g.ticks.map((t) => svg`<line class="grid" x1=${g.left} x2=${o.width - g.right} y1=${g.y(t)} y2=${g.y(t)}></line>
        <text x=${g.left - 8} y=${g.y(t)} dy="0.32em" text-anchor="end">${t === 0 ? "0" : formatDuration(t)}</text>`)}
    </g>
    <g class="axis x">
      <line class="base" x1=${g.left} x2=${o.width - g.right} y1=${bottom} y2=${bottom}></line>
      ${data.runs.map((r, i) => (i % every !== 0 && i !== data.runs.length - 1 ? nothing
        : svg`<line class="tick" x1=${g.x(i)} x2=${g.x(i)} y1=${bottom} y2=${bottom + 4}></line>
          <text x=${g.x(i)} y=${bottom + 16} text-anchor="middle">${shortDate(r.logical_date)}</text>`))}
      <text class="title" x=${g.left + (o.width - g.left - g.right) / 2} y=${o.height - 4} text-anchor="middle">Runs (logical date, UTC)</text>
    </g>
    ${o.hover >= 0 ? svg`<rect class="guide" x=${g.left + o.hover * g.colWidth} y=${g.top} width=${g.colWidth} height=${bottom - g.top}></rect>` : nothing}
    ${o.queued ? series.map(({ t, i }) => svg`<path class="queued" d=${path(t.points.map((p) => p?.queued ?? null), g)} style="stroke:${seriesVar(i)}"></path>`) : nothing}
    ${series.map(({ t, i }) => svg`<path class="line" d=${path(t.points.map((p) => p?.duration ?? null), g)} style="stroke:${seriesVar(i)}"></path>`)}
    ${series.map(({ t, i }) => t.points.map((p, r) => {
      if (p?.duration == null) return nothing;
      const cx = g.x(r);
      const cy = g.y(p.duration);
      if (p.state === "success" || p.state === null) {
        return svg`<circle class="dot" cx=${cx} cy=${cy} r=${r === o.hover ? 4.5 : 3} style="fill:${seriesVar(i)}"></circle>`;
      }
      return svg`<g class="mark" transform="translate(${cx - 7},${cy - 7})" style="color:${stateVar(p.state)}"><circle cx="7" cy="7" r="7" class="halo"></circle>
        <svg x="1" y="1" width="12" height="12" viewBox="0 0 12 12">${stateIcon(p.state)}</svg></g>`;
    }))}
  `;
}
