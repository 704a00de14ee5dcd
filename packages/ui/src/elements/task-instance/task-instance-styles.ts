// Styles of <updraft-task-instance>: header, tabs, definition lists, tables, code blocks and the
// confirmation dialog, all from --updraft-* tokens.
import { css } from "lit";

export const taskInstanceStyles = css`
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    margin-bottom: 12px;
  }
  .title {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 10px;
  }
  h2 {
    margin: 0;
    font-size: 18px;
    font-weight: 650;
    font-family: var(--updraft-font-mono);
  }
  h2 .map {
    color: var(--updraft-text-muted);
    font-weight: 500;
  }
  h3 {
    font-size: 13px;
    font-weight: 650;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--updraft-text-muted);
    margin: 18px 0 8px;
  }
  .meta {
    color: var(--updraft-text-muted);
    font-size: 13px;
    font-variant-numeric: tabular-nums;
  }
  .meta + .meta::before {
    content: "·";
    margin-right: 10px;
  }
  .kind {
    font-family: var(--updraft-font-mono);
  }
  .actions {
    display: flex;
    gap: 6px;
  }
  .tabs {
    display: flex;
    gap: 2px;
    border-bottom: 1px solid var(--updraft-border);
    margin-bottom: 12px;
    overflow-x: auto;
  }
  [role="tab"] {
    border: 0;
    border-bottom: 2px solid transparent;
    border-radius: 0;
    background: none;
    padding: 8px 12px;
    color: var(--updraft-text-muted);
    font-weight: 550;
    white-space: nowrap;
  }
  [role="tab"]:hover:not(:disabled) {
    background: var(--updraft-surface);
    color: var(--updraft-text);
  }
  [role="tab"][aria-selected="true"] {
    color: var(--updraft-accent);
    border-bottom-color: var(--updraft-accent);
  }
  .tab-count {
    margin-left: 6px;
    padding: 0 6px;
    border-radius: 999px;
    font-size: 11px;
    background: var(--updraft-surface-2);
    color: var(--updraft-text-muted);
  }
  dl {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(260px, 1fr));
    gap: 0 24px;
    margin: 0;
  }
  .kv {
    display: grid;
    grid-template-columns: 130px 1fr;
    gap: 8px;
    padding: 6px 0;
    border-bottom: 1px solid var(--updraft-border);
    min-width: 0;
  }
  dt {
    color: var(--updraft-text-muted);
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
    font-variant-numeric: tabular-nums;
  }
  .doc {
    white-space: pre-wrap;
    font-family: var(--updraft-font);
    background: var(--updraft-surface);
    border: 1px solid var(--updraft-border);
    border-radius: var(--updraft-radius);
    padding: 10px 12px;
    margin: 0;
  }
  .table {
    width: 100%;
    border-collapse: collapse;
  }
  .table th {
    text-align: left;
    font-weight: 600;
    color: var(--updraft-text-muted);
    font-size: 12px;
    padding: 6px 8px;
    border-bottom: 1px solid var(--updraft-border);
  }
  .table td {
    padding: 6px 8px;
    border-bottom: 1px solid var(--updraft-border);
    vertical-align: middle;
  }
  .table tbody tr {
    cursor: pointer;
  }
  .table tbody tr:hover {
    background: var(--updraft-surface);
  }
  .table tr[aria-selected="true"] {
    background: color-mix(in srgb, var(--updraft-accent) 10%, transparent);
  }
  .num {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .err {
    max-width: 360px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    color: var(--updraft-danger);
  }
  button.link {
    border: 0;
    background: none;
    padding: 0;
    color: var(--updraft-accent);
  }
  button.link:hover {
    text-decoration: underline;
  }
  .ref {
    display: inline-flex;
    align-items: center;
    gap: 4px;
  }
  .code {
    margin: 0;
    padding: 10px 12px;
    background: var(--updraft-surface);
    border: 1px solid var(--updraft-border);
    border-radius: var(--updraft-radius);
    font-family: var(--updraft-font-mono);
    font-size: 12.5px;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .code.pending {
    font-style: italic;
  }
  .tpl-grid {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 12px;
  }
  @media (max-width: 720px) {
    .tpl-grid {
      grid-template-columns: 1fr;
    }
  }
  .label {
    font-size: 12px;
    margin-bottom: 4px;
  }
  .small {
    font-size: 12px;
    margin-top: 4px;
  }
  .template h3 code,
  .key {
    font-family: var(--updraft-font-mono);
    text-transform: none;
    letter-spacing: 0;
    color: var(--updraft-text);
    font-size: 13px;
  }
  .xcom {
    margin-bottom: 14px;
  }
  .xcom-head {
    display: flex;
    align-items: baseline;
    gap: 10px;
    margin-bottom: 6px;
  }
  summary {
    cursor: pointer;
    color: var(--updraft-accent);
    margin-bottom: 6px;
  }
  .try-picker {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin-bottom: 8px;
  }
  .try-picker button {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 3px 8px 3px 4px;
  }
  .try-picker button[aria-pressed="true"] {
    border-color: var(--updraft-accent);
    box-shadow: 0 0 0 1px var(--updraft-accent);
  }
  .try-error {
    margin: 0 0 8px;
    padding: 8px 10px;
    border-left: 3px solid var(--updraft-danger);
    background: color-mix(in srgb, var(--updraft-danger) 8%, transparent);
    border-radius: 0 var(--updraft-radius) var(--updraft-radius) 0;
    font-family: var(--updraft-font-mono);
    font-size: 12.5px;
    white-space: pre-wrap;
  }
  .counts {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .count-chip {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 2px 8px;
    border: 1px solid var(--updraft-border);
    border-radius: 999px;
    font-size: 12px;
  }
  .refs tbody tr {
    cursor: default;
  }
  dialog.confirm {
    border: 1px solid var(--updraft-border);
    border-radius: calc(var(--updraft-radius) * 1.5);
    background: var(--updraft-bg);
    color: var(--updraft-text);
    padding: 18px 20px;
    max-width: 460px;
    box-shadow: 0 10px 30px rgb(0 0 0 / 25%);
  }
  dialog.confirm::backdrop {
    background: rgb(0 0 0 / 35%);
  }
  dialog.confirm h3 {
    text-transform: none;
    letter-spacing: 0;
    font-size: 16px;
    color: var(--updraft-text);
    margin: 0 0 10px;
  }
  .check {
    display: flex;
    gap: 8px;
    align-items: flex-start;
  }
  .dialog-actions {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
    margin-top: 16px;
  }
`;
