// Styles of `<updraft-grid>`: a scroller holding a sticky header (the run-duration bars) and a
// sticky first column (task ids), absolutely placed rows and cells, the side panel and the tooltip.
// Cells are one element each, the square itself: its fill and its glyph are its background.
import { css } from "lit";
import { stateRules } from "../../shared/state-glyph-css.ts";
import { panelStyles } from "./panel-styles.ts";

/** Geometry shared by the styles and the element (pixels). */
export const GEOMETRY = { rowH: 24, colW: 22, cell: 16, headH: 104, barArea: 72 } as const;

export const gridStyles = [
  panelStyles,
  css`
    :host {
      display: block;
      --grid-max-height: var(--updraft-grid-max-height, 75vh);
      --panel-max-height: var(--grid-max-height);
    }
    .wrap {
      position: relative;
      display: flex;
      flex-direction: column;
      gap: 6px;
      min-width: 0;
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
    .main {
      display: flex;
      gap: 12px;
      min-width: 0;
      align-items: flex-start;
    }
    .scroller {
      position: relative;
      flex: 0 1 auto;
      min-width: 0;
      max-height: var(--grid-max-height);
      overflow: auto;
      border: 1px solid var(--updraft-border);
      border-radius: var(--updraft-radius);
      background: var(--updraft-bg);
      overscroll-behavior: contain;
      outline: none;
    }
    .canvas {
      position: relative;
      min-width: 100%;
    }
    .head {
      position: sticky;
      top: 0;
      z-index: 3;
      height: ${GEOMETRY.headH}px;
      background: var(--updraft-bg);
      border-bottom: 1px solid var(--updraft-border);
    }
    .corner {
      position: sticky;
      left: 0;
      z-index: 4;
      height: 100%;
      background: var(--updraft-bg);
      border-right: 1px solid var(--updraft-border);
      display: flex;
      flex-direction: column;
      justify-content: space-between;
      padding: 6px 8px 4px 10px;
      font-size: 11px;
      color: var(--updraft-text-muted);
    }
    .corner .axis {
      display: flex;
      flex-direction: column;
      align-items: flex-end;
      height: ${GEOMETRY.barArea}px;
      justify-content: space-between;
      font-variant-numeric: tabular-nums;
    }
    .corner .title {
      font-size: 12px;
      font-weight: 600;
      color: var(--updraft-text);
      letter-spacing: 0.02em;
    }
    .gridline {
      position: absolute;
      right: 0;
      height: 0;
      border-top: 1px dashed var(--updraft-border);
      pointer-events: none;
    }
    .bar-col {
      position: absolute;
      top: 0;
      width: ${GEOMETRY.colW}px;
      height: 100%;
      cursor: pointer;
      outline: none;
    }
    .bar {
      position: absolute;
      left: 4px;
      right: 4px;
      bottom: 26px;
      min-height: 3px;
      border-radius: 3px 3px 1px 1px;
      background: var(--updraft-state-none);
      opacity: 0.9;
    }
    .bar-col:hover .bar,
    .bar-col.hover .bar {
      opacity: 1;
      filter: brightness(1.1);
    }
    .bar-col .sg {
      position: absolute;
      left: 5px;
      bottom: 8px;
      width: 12px;
      height: 12px;
    }
    .bar-col.selected {
      background: color-mix(in srgb, var(--updraft-accent) 14%, transparent);
      border-radius: 4px 4px 0 0;
    }
    .bar-col:focus-visible {
      outline: 2px solid var(--updraft-focus);
      outline-offset: -2px;
      border-radius: 4px;
    }
    .body {
      position: relative;
    }
    .row {
      position: absolute;
      contain: layout style;
      left: 0;
      height: ${GEOMETRY.rowH}px;
      width: 100%;
    }
    .row:hover,
    .row.hover {
      background: color-mix(in srgb, var(--updraft-text) 5%, transparent);
    }
    .row.selected {
      background: color-mix(in srgb, var(--updraft-accent) 10%, transparent);
    }
    .label {
      position: sticky;
      left: 0;
      z-index: 2;
      height: 100%;
      display: flex;
      align-items: center;
      gap: 4px;
      padding-right: 8px;
      background: var(--updraft-bg);
      border-right: 1px solid var(--updraft-border);
      white-space: nowrap;
      overflow: hidden;
      font-size: 13px;
      cursor: pointer;
      outline: none;
    }
    .row:hover .label,
    .row.hover .label {
      background: color-mix(in srgb, var(--updraft-text) 5%, var(--updraft-bg));
    }
    .row.selected .label {
      background: color-mix(in srgb, var(--updraft-accent) 10%, var(--updraft-bg));
    }
    .label:focus-visible {
      outline: 2px solid var(--updraft-focus);
      outline-offset: -2px;
    }
    .label .name {
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .label .child-mark {
      color: var(--updraft-text-muted);
      font-size: 12px;
      flex: none;
    }
    .label .map {
      font-family: var(--updraft-font-mono);
      font-size: 11px;
      color: var(--updraft-text-muted);
      flex: none;
    }
    .label.gone .name {
      color: var(--updraft-text-muted);
      font-style: italic;
    }
    .col-hl {
      position: absolute;
      top: 0;
      width: ${GEOMETRY.colW}px;
      pointer-events: none;
      z-index: 0;
    }
    .col-hl.hover {
      background: color-mix(in srgb, var(--updraft-text) 5%, transparent);
    }
    .col-hl.selected {
      background: color-mix(in srgb, var(--updraft-accent) 10%, transparent);
    }
    .cell {
      position: absolute;
      contain: strict;
      top: ${(GEOMETRY.rowH - GEOMETRY.cell) / 2}px;
      margin-left: ${(GEOMETRY.colW - GEOMETRY.cell) / 2}px;
      width: ${GEOMETRY.cell}px;
      height: ${GEOMETRY.cell}px;
      border-radius: 4px;
      background-position: center;
      background-size: 10px 10px;
      background-repeat: no-repeat;
      cursor: pointer;
      outline: none;
      z-index: 1;
    }
    .cell[data-state="none"] {
      border: 1px dashed var(--updraft-text-muted);
      background-color: transparent;
    }
    .cell:hover {
      filter: brightness(1.15);
    }
    .cell:focus-visible {
      outline: 2px solid var(--updraft-focus);
      outline-offset: 2px;
    }
    .cell[aria-selected="true"] {
      box-shadow: 0 0 0 2px var(--updraft-bg), 0 0 0 4px var(--updraft-accent);
    }
    .cell .mix {
      position: absolute;
      left: 2px;
      right: 2px;
      bottom: -1px;
      height: 3px;
      border-radius: 2px;
      box-shadow: 0 0 0 1px var(--updraft-bg);
    }
    .empty {
      padding: 32px 16px;
      text-align: center;
      color: var(--updraft-text-muted);
    }
  `,
  stateRules(".cell", "", "background-color: $fill; background-image: $img;"),
];
