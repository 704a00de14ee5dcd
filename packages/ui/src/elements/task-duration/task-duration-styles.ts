// Styles of <updraft-task-duration>: toolbar, a legend of task toggles, the SVG chart's marks and
// the hover readout. Series colours are `--updraft-series-N` tokens (Tableau 10), brighter in dark.
import { css } from "lit";

const light = css`
  --updraft-series-0: #4e79a7;
  --updraft-series-1: #f28e2b;
  --updraft-series-2: #e15759;
  --updraft-series-3: #76b7b2;
  --updraft-series-4: #59a14f;
  --updraft-series-5: #edc948;
  --updraft-series-6: #b07aa1;
  --updraft-series-7: #ff9da7;
  --updraft-series-8: #9c755f;
  --updraft-series-9: #bab0ac;
`;
const dark = css`
  --updraft-series-0: #7aa6d6;
  --updraft-series-1: #ffa94d;
  --updraft-series-2: #ff7b7d;
  --updraft-series-3: #8fd3cd;
  --updraft-series-4: #7ccf70;
  --updraft-series-5: #f5d76e;
  --updraft-series-6: #cf9ac2;
  --updraft-series-7: #ffb3bb;
  --updraft-series-8: #c49a80;
  --updraft-series-9: #d0c8c4;
`;

export const taskDurationStyles = css`
  :host {
    ${light}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme="light"])) {
      ${dark}
    }
  }
  :host([theme="dark"]) {
    ${dark}
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 12px;
    margin-bottom: 8px;
  }
  .toolbar label {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-size: 13px;
  }
  .spacer {
    flex: 1;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 6px;
    list-style: none;
    margin: 0 0 8px;
    padding: 0;
  }
  .legend button {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 2px 10px 2px 8px;
    border-radius: 999px;
    font-size: 12.5px;
    font-family: var(--updraft-font-mono);
  }
  .legend button[aria-pressed="false"] {
    color: var(--updraft-text-muted);
    background: transparent;
    text-decoration: line-through;
  }
  .legend button[aria-pressed="false"] .swatch {
    opacity: 0.3;
  }
  .swatch {
    display: inline-block;
    width: 10px;
    height: 10px;
    border-radius: 2px;
    margin-right: 4px;
    vertical-align: -1px;
  }
  .chart {
    position: relative;
    border: 1px solid var(--updraft-border);
    border-radius: var(--updraft-radius);
    background: var(--updraft-bg);
    overflow: hidden;
  }
  .chart svg {
    display: block;
    font-size: 11px;
  }
  .axis text {
    fill: var(--updraft-text-muted);
    font-variant-numeric: tabular-nums;
  }
  .axis .title {
    fill: var(--updraft-text-muted);
    font-size: 11px;
  }
  .grid {
    stroke: var(--updraft-border);
    stroke-dasharray: 2 3;
  }
  .base,
  .tick {
    stroke: var(--updraft-border);
  }
  .guide {
    fill: color-mix(in srgb, var(--updraft-accent) 10%, transparent);
  }
  .line {
    fill: none;
    stroke-width: 2;
    stroke-linejoin: round;
  }
  .queued {
    fill: none;
    stroke-width: 1.5;
    stroke-dasharray: 4 3;
    opacity: 0.75;
  }
  .dot {
    stroke: var(--updraft-bg);
    stroke-width: 1.5;
  }
  .halo {
    fill: var(--updraft-bg);
    stroke: currentColor;
  }
  .readout {
    position: absolute;
    top: 10px;
    min-width: 220px;
    max-width: 420px;
    padding: 8px 10px;
    border: 1px solid var(--updraft-border);
    border-radius: var(--updraft-radius);
    background: var(--updraft-bg);
    box-shadow: var(--updraft-shadow);
    font-size: 12.5px;
    pointer-events: none;
  }
  .readout .run {
    display: flex;
    align-items: center;
    gap: 6px;
    font-family: var(--updraft-font-mono);
    font-size: 12px;
  }
  .readout table {
    margin-top: 6px;
    border-collapse: collapse;
    width: 100%;
  }
  .readout td {
    padding: 2px 4px;
    font-family: var(--updraft-font-mono);
    font-size: 12px;
  }
  .num {
    text-align: right;
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
  }
  .val {
    display: inline-flex;
    align-items: center;
    gap: 5px;
  }
  .small {
    font-size: 12px;
  }
  .empty {
    padding: 24px;
  }
`;
