// Styles of `<updraft-workers>`: summary tiles, the workers table (Flower's list) and the task
// stream (Dask's), whose bars sit on one layer that slides left as time passes.
import { css } from "lit";
import { stateRules } from "../../shared/state-glyph-css.ts";
import { stateBadgeStyles } from "../../shared/state-badge-styles.ts";
import { panelStyles } from "../grid/panel-styles.ts";

/** Heights (px) of the stream's lines: a worker's name, one slot, the axis; the label column's width. */
export const STREAM = { headH: 22, lineH: 16, barH: 12, axisH: 24, labelW: 168 } as const;

export const workersStyles = [
  panelStyles,
  stateBadgeStyles,
  css`
    :host {
      display: block;
    }
    .wrap {
      display: flex;
      flex-direction: column;
      gap: 16px;
    }
    header.top {
      display: flex;
      align-items: baseline;
      gap: 12px;
      flex-wrap: wrap;
    }
    h2 {
      margin: 0;
      font-size: 20px;
      font-weight: 600;
    }
    h3 {
      margin: 0;
      font-size: 15px;
      font-weight: 600;
    }
    .spacer {
      flex: 1;
    }
    .live {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      color: var(--updraft-text-muted);
      font-size: 12px;
    }
    .live::before {
      content: "";
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: var(--updraft-text-muted);
    }
    .live[data-status="live"]::before {
      background: var(--updraft-state-success);
      box-shadow: 0 0 0 3px color-mix(in srgb, var(--updraft-state-success) 25%, transparent);
    }
    .note {
      padding: 8px 12px;
      border: 1px solid var(--updraft-border);
      border-radius: var(--updraft-radius);
      background: var(--updraft-surface);
      color: var(--updraft-text-muted);
    }
    /* Summary tiles */
    .tiles {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(160px, 1fr));
      gap: 10px;
    }
    .tile {
      padding: 10px 14px;
      border: 1px solid var(--updraft-border);
      border-radius: var(--updraft-radius);
      background: var(--updraft-bg);
    }
    .tile .k {
      font-size: 12px;
      color: var(--updraft-text-muted);
    }
    .tile .v {
      font-size: 22px;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
      line-height: 1.3;
    }
    .tile .v small {
      font-size: 13px;
      font-weight: 400;
      color: var(--updraft-text-muted);
    }
    .tile-meter {
      display: flex;
      align-items: center;
      gap: 8px;
      margin-top: 6px;
      font-size: 12px;
      white-space: nowrap;
    }
    .tile-meter .meter {
      flex: 1;
    }
    .tile-meter .meter .bar {
      flex: 1;
      width: auto;
    }
    /* Workers table */
    .card {
      border: 1px solid var(--updraft-border);
      border-radius: var(--updraft-radius);
      background: var(--updraft-bg);
    }
    .card.clip {
      overflow: hidden;
    }
    .card-head {
      display: flex;
      align-items: center;
      gap: 10px;
      flex-wrap: wrap;
      padding: 10px 12px;
      border-bottom: 1px solid var(--updraft-border);
      background: var(--updraft-surface);
      border-radius: var(--updraft-radius) var(--updraft-radius) 0 0;
    }
    .table-scroll {
      overflow-x: auto;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      font-size: 13px;
    }
    th {
      text-align: left;
      font-weight: 600;
      font-size: 12px;
      color: var(--updraft-text-muted);
      padding: 0;
      border-bottom: 1px solid var(--updraft-border);
      white-space: nowrap;
    }
    th .sort {
      all: unset;
      display: flex;
      align-items: center;
      gap: 4px;
      padding: 8px 10px;
      cursor: pointer;
      width: 100%;
      box-sizing: border-box;
    }
    th .sort:focus-visible {
      outline: 2px solid var(--updraft-focus);
      outline-offset: -2px;
    }
    th .sort:hover {
      color: var(--updraft-text);
    }
    th.num .sort {
      justify-content: flex-end;
    }
    th .arrow {
      font-size: 10px;
      opacity: 0.8;
    }
    td {
      padding: 8px 10px;
      border-bottom: 1px solid var(--updraft-border);
      vertical-align: middle;
    }
    tbody tr:last-child td {
      border-bottom: none;
    }
    tr.worker:hover td {
      background: color-mix(in srgb, var(--updraft-text) 4%, transparent);
    }
    td.num {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    .who {
      display: flex;
      align-items: center;
      gap: 6px;
      min-width: 0;
    }
    .expander {
      all: unset;
      cursor: pointer;
      display: inline-grid;
      place-items: center;
      width: 20px;
      height: 20px;
      border-radius: 4px;
      color: var(--updraft-text-muted);
      flex: none;
    }
    .expander:focus-visible {
      outline: 2px solid var(--updraft-focus);
    }
    .expander:hover {
      background: var(--updraft-surface-2);
    }
    .expander svg {
      transition: transform 0.15s;
    }
    .expander[aria-expanded="true"] svg {
      transform: rotate(90deg);
    }
    .who .name {
      font-weight: 600;
      white-space: nowrap;
    }
    .who .host {
      display: block;
      font-size: 11px;
      color: var(--updraft-text-muted);
      white-space: nowrap;
    }
    .kind {
      font-size: 10px;
      text-transform: uppercase;
      letter-spacing: 0.04em;
      padding: 0 5px;
      border-radius: 3px;
      border: 1px solid var(--updraft-border);
      color: var(--updraft-text-muted);
    }
    .wstate {
      display: inline-flex;
      align-items: center;
      gap: 5px;
      white-space: nowrap;
    }
    .wstate svg {
      flex: none;
    }
    .chips {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .chip {
      font-family: var(--updraft-font-mono);
      font-size: 11px;
      padding: 1px 6px;
      border-radius: 999px;
      background: var(--updraft-surface-2);
      white-space: nowrap;
    }
    .meter {
      display: flex;
      align-items: center;
      gap: 8px;
      white-space: nowrap;
      font-variant-numeric: tabular-nums;
    }
    .meter .bar {
      position: relative;
      width: 84px;
      height: 8px;
      border-radius: 4px;
      background: var(--updraft-surface-2);
      overflow: hidden;
      flex: none;
    }
    .meter .bar span {
      position: absolute;
      inset: 0 auto 0 0;
      background: var(--updraft-state-running);
      border-radius: 4px;
    }
    .meter .bar span.wait {
      background: repeating-linear-gradient(135deg, var(--updraft-state-queued) 0 2px, transparent 2px 4px);
      border-radius: 0;
    }
    .failed-n {
      color: var(--updraft-danger);
      font-weight: 600;
    }
    .spark {
      display: flex;
      align-items: center;
      gap: 8px;
      white-space: nowrap;
    }
    .spark svg {
      display: block;
      flex: none;
    }
    .spark .done-bar {
      fill: var(--updraft-state-success);
    }
    .spark .fail-bar {
      fill: var(--updraft-state-failed);
    }
    .spark .base {
      stroke: var(--updraft-border);
    }
    .rate {
      font-variant-numeric: tabular-nums;
      color: var(--updraft-text-muted);
      font-size: 12px;
    }
    .hb[data-late] {
      color: var(--updraft-danger);
    }
    tr.detail td {
      background: var(--updraft-surface);
      padding: 10px 12px 12px 40px;
    }
    .facts {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
      gap: 6px 16px;
      margin-bottom: 8px;
      font-size: 12px;
    }
    .facts div span {
      display: block;
      color: var(--updraft-text-muted);
    }
    .facts code,
    .tries code {
      font-family: var(--updraft-font-mono);
      font-size: 12px;
    }
    .tries {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 3px;
      font-size: 12px;
    }
    .tries li {
      display: flex;
      align-items: center;
      gap: 6px;
    }
    .threads {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      margin: 4px 0 8px;
    }
    .thread {
      display: inline-flex;
      align-items: center;
      gap: 5px;
      padding: 2px 8px;
      border: 1px solid var(--updraft-border);
      border-radius: 999px;
      font-size: 11px;
      background: var(--updraft-bg);
      font-variant-numeric: tabular-nums;
    }
    .thread .dot {
      width: 7px;
      height: 7px;
      border-radius: 50%;
      background: var(--updraft-text-muted);
    }
    .thread[data-busy] .dot {
      background: var(--updraft-state-running);
    }
    .empty {
      padding: 24px 16px;
      text-align: center;
      color: var(--updraft-text-muted);
    }
    /* Task stream */
    .legend {
      display: inline-flex;
      align-items: center;
      gap: 10px;
      flex-wrap: wrap;
      font-size: 12px;
      color: var(--updraft-text-muted);
    }
    .legend span {
      display: inline-flex;
      align-items: center;
      gap: 4px;
    }
    .legend i {
      display: inline-block;
      width: 22px;
      height: 10px;
      border-radius: 2px;
    }
    .window {
      display: inline-flex;
      border: 1px solid var(--updraft-border);
      border-radius: var(--updraft-radius);
      overflow: hidden;
    }
    .window button {
      border: none;
      border-radius: 0;
      padding: 2px 8px;
      font-size: 12px;
      background: var(--updraft-bg);
    }
    .window button + button {
      border-left: 1px solid var(--updraft-border);
    }
    .window button[aria-pressed="true"] {
      background: var(--updraft-accent);
      color: var(--updraft-accent-text);
    }
    .stream {
      position: relative;
      display: flex;
      outline: none;
    }
    /* The focus ring is drawn over the axis fades (an outline would pass under them). */
    .stream:focus-visible::after {
      content: "";
      position: absolute;
      inset: 0;
      z-index: 3;
      border: 2px solid var(--updraft-focus);
      pointer-events: none;
    }
    .labels {
      flex: none;
      width: ${STREAM.labelW}px;
      border-right: 1px solid var(--updraft-border);
      padding-top: ${STREAM.axisH}px;
      font-size: 11px;
    }
    .labels .lh {
      height: ${STREAM.headH}px;
      display: flex;
      align-items: flex-end;
      gap: 5px;
      padding: 0 8px 2px;
      font-weight: 600;
      font-size: 12px;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .labels .ll {
      height: ${STREAM.lineH}px;
      line-height: ${STREAM.lineH}px;
      padding: 0 8px 0 22px;
      color: var(--updraft-text-muted);
      font-family: var(--updraft-font-mono);
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .plot {
      position: relative;
      flex: 1;
      min-width: 0;
      overflow: hidden;
      cursor: default;
    }
    .plot .axisbg {
      position: absolute;
      inset: 0 0 auto 0;
      height: ${STREAM.axisH}px;
      border-bottom: 1px solid var(--updraft-border);
    }
    .layer {
      position: absolute;
      top: 0;
      left: 0;
      height: 100%;
      will-change: transform;
      transition: transform 1s linear;
    }
    .layer.jump,
    .layer.jump .bar {
      transition: none;
    }
    .tick {
      position: absolute;
      top: 5px;
      transform: translateX(-50%);
      font-size: 11px;
      color: var(--updraft-text-muted);
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .gridline {
      position: absolute;
      top: ${STREAM.axisH}px;
      bottom: 0;
      border-left: 1px dashed color-mix(in srgb, var(--updraft-border) 80%, transparent);
    }
    .band {
      position: absolute;
      left: 0;
      right: 0;
      background: color-mix(in srgb, var(--updraft-text) 3%, transparent);
      pointer-events: none;
    }
    .sep {
      position: absolute;
      left: 0;
      right: 0;
      border-top: 1px solid var(--updraft-border);
      pointer-events: none;
    }
    .bar {
      position: absolute;
      height: ${STREAM.barH}px;
      min-width: 2px;
      border-radius: 2px;
      background: var(--s, var(--updraft-state-none));
      box-shadow: inset -1px 0 0 rgb(0 0 0 / 22%);
      cursor: pointer;
      --s: var(--updraft-state-none);
    }
    .bar[data-state="failed"] {
      background-image: repeating-linear-gradient(135deg, rgb(255 255 255 / 28%) 0 2px, transparent 2px 5px);
    }
    .bar[data-running] {
      transition: width 1s linear;
      box-shadow: inset -2px 0 0 rgb(255 255 255 / 70%);
    }
    .bar[data-active] {
      outline: 2px solid var(--updraft-focus);
      outline-offset: 1px;
      z-index: 2;
    }
    .bar:hover {
      filter: brightness(1.12);
    }
    .bar .g {
      position: absolute;
      left: 2px;
      top: 1px;
      width: 10px;
      height: 10px;
      background-size: 10px 10px;
      background-repeat: no-repeat;
    }
    .now {
      position: absolute;
      top: ${STREAM.axisH}px;
      bottom: 0;
      right: 0;
      border-right: 2px solid var(--updraft-state-running);
      pointer-events: none;
    }
    .axisfade {
      position: absolute;
      top: 0;
      height: ${STREAM.axisH - 1}px;
      width: 44px;
      z-index: 1;
      pointer-events: none;
    }
    .axisfade.left {
      left: 0;
      background: linear-gradient(to right, var(--updraft-bg) 30%, transparent);
    }
    .axisfade.right {
      right: 0;
      /* Wide enough that a tick's time never shows half-covered beside the "now" label. */
      width: 110px;
      background: linear-gradient(to left, var(--updraft-bg) 70%, transparent);
    }
    .now-label {
      z-index: 2;
      position: absolute;
      right: 4px;
      top: 5px;
      font-size: 11px;
      font-weight: 600;
      color: var(--updraft-text);
      background: var(--updraft-bg);
      padding: 0 2px;
    }
    .stream-foot {
      padding: 6px 12px;
      font-size: 12px;
      color: var(--updraft-text-muted);
      border-top: 1px solid var(--updraft-border);
    }
  `,
  stateRules(".bar .g", "", "background-image: $img;"),
  stateRules(".bar", "", "--s: $fill;"),
  stateRules(".legend i", "", "background: $fill $img 2px center / 8px no-repeat;"),
];
