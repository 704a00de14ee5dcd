// Styles of `<updraft-gantt>`: a sticky time axis over rows of task instances, each try a bar —
// a hatched, lighter segment for the time it waited in the queue, then a solid one while it ran.
import { css } from "lit";
import { stateRules } from "../../shared/state-glyph-css.ts";
import { panelStyles } from "../grid/panel-styles.ts";

export const GANTT = { rowH: 26, labelW: 240, axisH: 30 } as const;

export const ganttStyles = [
  panelStyles,
  css`
    :host {
      display: block;
      --panel-max-height: var(--updraft-gantt-max-height, 70vh);
    }
    .wrap {
      position: relative;
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    .toolbar {
      display: flex;
      align-items: center;
      gap: 10px;
      flex-wrap: wrap;
      font-size: 13px;
    }
    .toolbar .spacer {
      flex: 1;
    }
    .legend {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      color: var(--updraft-text-muted);
      font-size: 12px;
    }
    .legend .sw {
      display: inline-block;
      width: 18px;
      height: 10px;
      border-radius: 2px;
      --s: var(--updraft-state-success);
    }
    .legend .sw.q {
      background: repeating-linear-gradient(135deg, color-mix(in srgb, var(--s) 45%, transparent) 0 3px, transparent 3px 6px);
      border: 1px solid color-mix(in srgb, var(--s) 55%, transparent);
    }
    .legend .sw.r {
      background: var(--s);
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
    }
    .main {
      display: flex;
      gap: 12px;
      align-items: flex-start;
    }
    .scroller {
      position: relative;
      flex: 1 1 auto;
      min-width: 0;
      max-height: var(--updraft-gantt-max-height, 70vh);
      overflow: auto;
      border: 1px solid var(--updraft-border);
      border-radius: var(--updraft-radius);
      background: var(--updraft-bg);
      overscroll-behavior: contain;
    }
    .axis {
      position: sticky;
      top: 0;
      z-index: 3;
      height: ${GANTT.axisH}px;
      background: var(--updraft-bg);
      border-bottom: 1px solid var(--updraft-border);
      display: flex;
    }
    .axis .corner {
      flex: none;
      width: ${GANTT.labelW}px;
      padding: 6px 10px;
      font-size: 12px;
      font-weight: 600;
      border-right: 1px solid var(--updraft-border);
    }
    .axis .scale {
      position: relative;
      flex: 1;
    }
    .tick {
      position: absolute;
      bottom: 4px;
      transform: translateX(-50%);
      font-size: 11px;
      color: var(--updraft-text-muted);
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .body {
      position: relative;
    }
    .gridline {
      position: absolute;
      top: 0;
      width: 0;
      border-left: 1px dashed color-mix(in srgb, var(--updraft-border) 80%, transparent);
      pointer-events: none;
    }
    .now {
      position: absolute;
      top: 0;
      width: 0;
      border-left: 2px solid var(--updraft-state-running);
      pointer-events: none;
      z-index: 2;
    }
    .row {
      position: absolute;
      left: 0;
      right: 0;
      height: ${GANTT.rowH}px;
      display: flex;
      outline: none;
    }
    .row:hover,
    .row.selected {
      background: color-mix(in srgb, var(--updraft-text) 5%, transparent);
    }
    .row.selected {
      background: color-mix(in srgb, var(--updraft-accent) 10%, transparent);
    }
    .row:focus-visible {
      outline: 2px solid var(--updraft-focus);
      outline-offset: -2px;
    }
    .label {
      flex: none;
      width: ${GANTT.labelW}px;
      display: flex;
      align-items: center;
      gap: 4px;
      padding: 0 10px;
      border-right: 1px solid var(--updraft-border);
      font-size: 13px;
      white-space: nowrap;
      overflow: hidden;
      cursor: pointer;
    }
    .label .name {
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .label .idx,
    .label .tries {
      color: var(--updraft-text-muted);
      font-family: var(--updraft-font-mono);
      font-size: 11px;
      flex: none;
    }
    .lane {
      position: relative;
      flex: 1;
      cursor: pointer;
    }
    .seg {
      position: absolute;
      top: 6px;
      height: ${GANTT.rowH - 12}px;
      min-width: 2px;
      --s: var(--updraft-state-none);
    }
    .seg.run {
      background: var(--s);
      border-radius: 3px;
      display: flex;
      align-items: center;
      padding-left: 3px;
      overflow: hidden;
    }
    .seg.run[data-state="none"] {
      border: 1px dashed var(--updraft-text-muted);
    }
    .seg.queue {
      border-radius: 3px 0 0 3px;
      background: repeating-linear-gradient(135deg, color-mix(in srgb, var(--s) 45%, transparent) 0 3px, transparent 3px 6px);
      border: 1px solid color-mix(in srgb, var(--s) 55%, transparent);
      border-right: none;
    }
    .seg.earlier {
      opacity: 0.55;
    }
    .seg:hover {
      filter: brightness(1.1);
    }
    .seg .g {
      flex: none;
      width: 10px;
      height: 10px;
      background-size: 10px 10px;
      background-repeat: no-repeat;
    }
    .empty {
      padding: 32px 16px;
      text-align: center;
      color: var(--updraft-text-muted);
    }
  `,
  stateRules(".seg .g", "", "background-image: $img;"),
  stateRules(".seg", "", "--s: $fill;"),
];
