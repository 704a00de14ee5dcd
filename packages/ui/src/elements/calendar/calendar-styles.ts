// Styles of <updraft-calendar>: a CSS grid of day cells (weeks as columns), outcomes in the state
// colours, mixed days split diagonally, planned days hatched, and a tooltip placed over the cell.
import { css } from "lit";

export const calendarStyles = css`
  :host {
    --cell: 16px;
    --gap: 3px;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 16px;
    margin-bottom: 10px;
  }
  .years {
    display: inline-flex;
    align-items: center;
    gap: 8px;
  }
  .years button {
    padding: 0 9px;
    font-size: 16px;
    line-height: 24px;
  }
  .year {
    font-size: 16px;
    font-variant-numeric: tabular-nums;
    min-width: 4ch;
    text-align: center;
  }
  .summary {
    font-size: 13px;
  }
  .scroll {
    overflow-x: auto;
    padding-bottom: 4px;
  }
  .cal {
    position: relative;
    display: inline-grid;
    grid-template-columns: 30px repeat(var(--weeks), var(--cell));
    grid-template-rows: 16px repeat(7, var(--cell));
    gap: var(--gap);
    padding: 2px;
  }
  .months,
  .row {
    display: contents;
  }
  .months span {
    grid-row: 1;
    font-size: 11px;
    color: var(--updraft-text-muted);
    white-space: nowrap;
  }
  .wd {
    grid-column: 1;
    font-size: 10.5px;
    line-height: var(--cell);
    color: var(--updraft-text-muted);
  }
  .cell {
    display: grid;
    place-items: center;
    width: var(--cell);
    height: var(--cell);
    border-radius: 3px;
    background: var(--fill, var(--updraft-surface-2));
    color: var(--on, #fff);
    outline-offset: 1px;
    cursor: default;
  }
  .cal .cell:not([data-outcome="none"]):not([data-outcome="planned"]) {
    cursor: pointer;
  }
  .cal .cell:hover {
    outline: 1.5px solid var(--updraft-text);
    outline-offset: 0;
  }
  .cell svg {
    width: 10px;
    height: 10px;
  }
  .cell[data-outcome="none"] {
    background: var(--updraft-surface-2);
    box-shadow: inset 0 0 0 1px color-mix(in srgb, var(--updraft-border) 60%, transparent);
  }
  .cell[data-outcome="success"] {
    --fill: var(--updraft-state-success);
  }
  .cell[data-outcome="failed"] {
    --fill: var(--updraft-state-failed);
  }
  .cell[data-outcome="mixed"] {
    background: linear-gradient(135deg, var(--updraft-state-success) 0 50%, var(--updraft-state-failed) 50% 100%);
  }
  .cell[data-outcome="running"] {
    --fill: var(--updraft-state-running);
    --on: #0b1a22;
  }
  .cell[data-outcome="queued"] {
    --fill: var(--updraft-state-queued);
  }
  .cell[data-outcome="planned"] {
    background: repeating-linear-gradient(135deg, transparent 0 2px, color-mix(in srgb, var(--updraft-text-muted) 55%, transparent) 2px 3.5px);
    box-shadow: inset 0 0 0 1px color-mix(in srgb, var(--updraft-text-muted) 60%, transparent);
  }
  .cell[data-today] {
    outline: 2px solid var(--updraft-accent);
    outline-offset: 1px;
  }
  .tooltip {
    position: absolute;
    left: calc(32px + var(--col) * (var(--cell) + var(--gap)) + var(--cell) / 2);
    top: calc(18px + var(--row) * (var(--cell) + var(--gap)) - 8px);
    transform: translate(-50%, -100%);
    padding: 5px 9px;
    border-radius: var(--updraft-radius);
    background: var(--updraft-text);
    color: var(--updraft-bg);
    font-size: 12px;
    white-space: nowrap;
    pointer-events: none;
    box-shadow: var(--updraft-shadow);
    z-index: 2;
  }
  .tooltip[data-below] {
    top: calc(18px + (var(--row) + 1) * (var(--cell) + var(--gap)) + 4px);
    transform: translate(-50%, 0);
  }
  .tooltip[data-align="start"] {
    margin-left: calc(var(--cell) / -2);
    transform: translate(0, -100%);
  }
  .tooltip[data-align="end"] {
    margin-left: calc(var(--cell) / 2);
    transform: translate(-100%, -100%);
  }
  .tooltip[data-below][data-align="start"] {
    transform: translate(0, 0);
  }
  .tooltip[data-below][data-align="end"] {
    transform: translate(-100%, 0);
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 6px 16px;
    list-style: none;
    margin: 12px 0 0;
    padding: 0;
    font-size: 12px;
    color: var(--updraft-text-muted);
  }
  .legend li {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
`;
