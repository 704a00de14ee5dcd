// Styles of `<updraft-dags>`: the toolbar, the import-error banner, the table (rows as CSS grid so
// the virtualizer can place them) and the pager.
import { css } from "lit";

export const dagsStyles = css`
  :host {
    --cols: 52px minmax(220px, 2.3fr) minmax(150px, 1.2fr) minmax(130px, 1fr) minmax(150px, 1.1fr) 148px 52px;
  }
  .title {
    margin: 0 0 14px;
    font-size: 20px;
    font-weight: 650;
    letter-spacing: -0.01em;
  }
  .right {
    text-align: right;
  }
  .banner {
    display: flex;
    align-items: center;
    gap: 10px;
    margin-bottom: 14px;
    padding: 10px 14px;
    border: 1px solid color-mix(in srgb, var(--updraft-state-upstream_failed) 55%, var(--updraft-border));
    border-radius: var(--updraft-radius);
    background: color-mix(in srgb, var(--updraft-state-upstream_failed) 10%, var(--updraft-bg));
  }
  .banner svg {
    flex: none;
    color: var(--updraft-state-upstream_failed);
  }
  .banner .grow {
    flex: 1;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 10px;
    margin-bottom: 12px;
  }
  .search {
    position: relative;
    flex: 1 1 260px;
    max-width: 380px;
  }
  .search svg {
    position: absolute;
    left: 10px;
    top: 50%;
    transform: translateY(-50%);
    color: var(--updraft-text-muted);
    pointer-events: none;
  }
  .search input {
    width: 100%;
    height: 34px;
    padding-left: 32px;
  }
  .segmented {
    display: inline-flex;
    border: 1px solid var(--updraft-border);
    border-radius: var(--updraft-radius);
    overflow: hidden;
    background: var(--updraft-surface);
  }
  .segmented button {
    display: inline-flex;
    align-items: center;
    gap: 5px;
    height: 32px;
    padding: 0 12px;
    border: 0;
    border-radius: 0;
    background: transparent;
    color: var(--updraft-text-muted);
    font-weight: 500;
  }
  .segmented button + button {
    border-left: 1px solid var(--updraft-border);
  }
  .segmented button[aria-pressed="true"] {
    background: var(--updraft-bg);
    color: var(--updraft-text);
    box-shadow: inset 0 -2px 0 var(--updraft-accent);
  }
  .tagpick {
    height: 34px;
    max-width: 180px;
  }
  .chips {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    height: 24px;
    padding: 0 4px 0 9px;
    border-radius: 999px;
    border: 1px solid color-mix(in srgb, var(--updraft-accent) 40%, var(--updraft-border));
    background: color-mix(in srgb, var(--updraft-accent) 10%, var(--updraft-bg));
    font-size: 12.5px;
  }
  .chip button {
    display: inline-grid;
    place-items: center;
    width: 18px;
    height: 18px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: var(--updraft-text-muted);
  }
  .mode {
    height: 26px;
    padding: 0 8px;
    font-size: 12px;
  }
  .count {
    margin-left: auto;
    color: var(--updraft-text-muted);
    font-variant-numeric: tabular-nums;
  }
  .problem {
    margin: 0 0 12px;
    padding: 8px 12px;
    border: 1px solid var(--updraft-danger);
    border-radius: var(--updraft-radius);
    color: var(--updraft-danger);
    background: color-mix(in srgb, var(--updraft-danger) 7%, transparent);
  }
  .table {
    border: 1px solid var(--updraft-border);
    border-radius: 8px;
    background: var(--updraft-bg);
    overflow: hidden;
  }
  .table.loading .body {
    opacity: 0.55;
    transition: opacity 0.2s 0.15s;
  }
  .row {
    display: grid;
    grid-template-columns: var(--cols);
    align-items: center;
    width: 100%;
    min-height: 58px;
    border-bottom: 1px solid var(--updraft-border);
  }
  .head {
    min-height: 38px;
    background: var(--updraft-surface);
    color: var(--updraft-text-muted);
    font-size: 12px;
    font-weight: 600;
    letter-spacing: 0.02em;
  }
  .head [role="columnheader"] {
    padding: 0 12px;
    white-space: nowrap;
  }
  .sort {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    height: 26px;
    margin-left: -6px;
    padding: 0 6px;
    border: 0;
    background: transparent;
    color: inherit;
    font-weight: inherit;
    font-size: inherit;
  }
  .sort:hover {
    color: var(--updraft-text);
  }
  .sort .arrow {
    opacity: 0.35;
  }
  .sort[data-active] .arrow {
    opacity: 1;
    color: var(--updraft-accent);
  }
  .body .row:last-child {
    border-bottom: 0;
  }
  .body .row:hover {
    background: color-mix(in srgb, var(--updraft-surface) 70%, transparent);
  }
  .row.paused .dag-name,
  .row.paused .sched,
  .row.paused .next {
    opacity: 0.62;
  }
  [role="cell"] {
    min-width: 0;
    padding: 8px 12px;
  }
  .dag-name {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    max-width: 100%;
    font-weight: 600;
    font-size: 14px;
  }
  .dag-name a,
  .dag-name span.id {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .warn {
    flex: none;
    color: var(--updraft-state-upstream_failed);
  }
  .desc {
    margin-top: 1px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    color: var(--updraft-text-muted);
    font-size: 12.5px;
  }
  .tags {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin-top: 4px;
  }
  .tag {
    height: 19px;
    padding: 0 7px;
    border-radius: 999px;
    border: 1px solid var(--updraft-border);
    background: var(--updraft-surface);
    color: var(--updraft-text-muted);
    font-size: 11.5px;
    line-height: 17px;
  }
  .tag:hover {
    color: var(--updraft-text);
    border-color: var(--updraft-text-muted);
  }
  .tag[aria-pressed="true"] {
    color: var(--updraft-accent);
    border-color: var(--updraft-accent);
  }
  .primary-line {
    display: block;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .secondary {
    display: block;
    margin-top: 2px;
    color: var(--updraft-text-muted);
    font-size: 12px;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .mono {
    font-family: var(--updraft-font-mono);
    font-size: 11.5px;
  }
  .last {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 3px;
  }
  .last a {
    color: inherit;
  }
  .active-runs {
    color: var(--updraft-state-running);
    font-weight: 600;
  }
  .switch {
    position: relative;
    width: 34px;
    height: 20px;
    padding: 0;
    border-radius: 999px;
    border: 1px solid var(--updraft-border);
    background: var(--updraft-surface-2);
    transition: background 0.15s;
  }
  .switch::after {
    content: "";
    position: absolute;
    top: 2px;
    left: 2px;
    width: 14px;
    height: 14px;
    border-radius: 50%;
    background: var(--updraft-text-muted);
    transition: transform 0.15s;
  }
  .switch[aria-checked="true"] {
    background: var(--updraft-accent);
    border-color: var(--updraft-accent);
  }
  .switch[aria-checked="true"]::after {
    transform: translateX(14px);
    background: var(--updraft-accent-text);
  }
  .switch:disabled {
    opacity: 0.55;
  }
  .play {
    display: inline-grid;
    place-items: center;
    width: 30px;
    height: 30px;
    padding: 0;
    border-radius: 50%;
    color: var(--updraft-accent);
  }
  .play:hover:not(:disabled) {
    background: color-mix(in srgb, var(--updraft-accent) 12%, transparent);
    border-color: var(--updraft-accent);
  }
  .empty {
    padding: 48px 16px;
    text-align: center;
    color: var(--updraft-text-muted);
  }
  .empty strong {
    display: block;
    margin-bottom: 6px;
    color: var(--updraft-text);
    font-size: 15px;
  }
  .pager {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: 8px;
    margin-top: 12px;
    color: var(--updraft-text-muted);
    font-variant-numeric: tabular-nums;
  }
  .pager button {
    height: 30px;
  }
  /* Narrower: the next run goes, then the schedule (a hidden cell takes no track, so the template loses one). */
  @media (max-width: 1000px) {
    :host {
      --cols: 46px minmax(160px, 2fr) minmax(110px, 1fr) minmax(110px, 1fr) 148px 46px;
    }
    .col-next {
      display: none;
    }
  }
  @media (max-width: 680px) {
    :host {
      --cols: 46px minmax(120px, 1fr) minmax(100px, auto) 148px 46px;
    }
    .sched {
      display: none;
    }
  }
`;
