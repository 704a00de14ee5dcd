// Styles of <updraft-log-view>: a toolbar over a monospace, virtualised list of lines with a
// gutter of line numbers; levels tinted with theme tokens so light and dark both read well.
import { css } from "lit";

export const logViewStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: 6px;
    min-height: 0;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .levels {
    display: inline-flex;
    gap: 4px;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 2px 10px;
    border-radius: 999px;
    font-size: 12px;
    color: var(--updraft-text-muted);
    background: transparent;
  }
  .chip[aria-pressed="true"] {
    color: var(--updraft-text);
    background: var(--updraft-surface-2);
    border-color: var(--updraft-text-muted);
  }
  .chip::before {
    content: "";
    width: 8px;
    height: 8px;
    border-radius: 2px;
    background: var(--lvl);
  }
  .chip .n {
    font-variant-numeric: tabular-nums;
    color: var(--updraft-text-muted);
  }
  [data-level="debug"] {
    --lvl: var(--updraft-text-muted);
  }
  [data-level="info"] {
    --lvl: var(--updraft-accent);
  }
  [data-level="warn"] {
    --lvl: var(--updraft-state-up_for_retry);
  }
  [data-level="error"] {
    --lvl: var(--updraft-danger);
  }
  /* The search gives way first, so that the toolbar keeps to one row in the grid's side panel. */
  .search {
    display: inline-flex;
    flex: 1 1 180px;
    max-width: 320px;
    align-items: center;
    gap: 4px;
  }
  .search input {
    flex: 1;
    width: 100%;
    min-width: 0;
  }
  .count:empty {
    display: none;
  }
  .count {
    min-width: 64px;
    font-size: 12px;
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  button.icon {
    padding: 2px 7px;
    font-size: 10px;
  }
  .spacer {
    flex: 1;
  }
  .toggle {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    font-size: 13px;
    cursor: pointer;
  }
  button[aria-pressed="true"]:not(.chip) {
    background: var(--updraft-surface-2);
    border-color: var(--updraft-accent);
    color: var(--updraft-accent);
  }
  .lines,
  .empty {
    height: var(--updraft-log-height, 60vh);
    min-height: 240px;
    border: 1px solid var(--updraft-border);
    border-radius: var(--updraft-radius);
    background: var(--updraft-surface);
    font-family: var(--updraft-font-mono);
    font-size: 12.5px;
    line-height: 20px;
  }
  .empty {
    display: grid;
    place-items: center;
    font-family: var(--updraft-font);
  }
  .lines {
    overflow: auto;
  }
  /* A finished try's short log takes the room its lines need, not a screenful of empty box. */
  .lines.fit {
    height: clamp(120px, var(--fit), var(--updraft-log-height, 60vh));
    min-height: 0;
  }
  .row {
    display: flex;
    width: 100%;
    min-width: max-content;
    white-space: pre;
    padding-right: 12px;
  }
  :host([wrap]) .row {
    min-width: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .row:hover {
    background: var(--updraft-surface-2);
  }
  .row[data-level="error"] {
    background: color-mix(in srgb, var(--updraft-danger) 9%, transparent);
  }
  .row[data-level="warn"] {
    background: color-mix(in srgb, var(--updraft-state-up_for_retry) 10%, transparent);
  }
  .row[data-current] {
    box-shadow: inset 3px 0 0 var(--updraft-accent);
    background: color-mix(in srgb, var(--updraft-accent) 14%, transparent);
  }
  .ln {
    position: sticky;
    left: 0;
    flex: none;
    box-sizing: content-box;
    width: var(--ln-width, 5ch);
    white-space: nowrap;
    padding-right: 8px;
    margin-right: 8px;
    text-align: right;
    color: var(--updraft-text-muted);
    background: var(--updraft-surface);
    border-right: 1px solid var(--updraft-border);
    user-select: none;
    opacity: 0.85;
  }
  .ts {
    flex: none;
    width: 14ch;
    color: var(--updraft-text-muted);
  }
  .lvl {
    flex: none;
    width: 7.5ch;
    font-weight: 600;
    color: var(--lvl);
  }
  .row[data-level="warn"] .lvl {
    color: color-mix(in srgb, var(--updraft-state-up_for_retry) 70%, var(--updraft-text));
  }
  .msg {
    flex: 1 0 auto;
  }
  :host([wrap]) .msg {
    flex: 1 1 auto;
    min-width: 0;
  }
  mark {
    background: color-mix(in srgb, var(--updraft-state-up_for_retry) 55%, transparent);
    color: inherit;
    border-radius: 2px;
  }
  .status {
    display: flex;
    align-items: center;
    gap: 4px;
    font-size: 12px;
  }
  .live {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--updraft-state-running);
    animation: pulse 1.2s ease-in-out infinite;
  }
  @keyframes pulse {
    50% {
      opacity: 0.3;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .live {
      animation: none;
    }
  }
  button.link {
    border: 0;
    background: none;
    padding: 0;
    color: var(--updraft-accent);
    font-size: 12px;
  }
`;
