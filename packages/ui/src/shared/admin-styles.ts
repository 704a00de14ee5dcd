// Styles the admin elements share (variables, connections, pools, import errors, event log): a
// page title with its actions, a toolbar with a filter box, a sortable table in a card, modal
// forms and confirmations, error banners.
import { css } from "lit";

export const adminStyles = css`
  :host {
    display: block;
  }
  .page-head {
    display: flex;
    align-items: center;
    gap: 10px;
    flex-wrap: wrap;
    margin-bottom: 14px;
  }
  .title {
    margin: 0;
    font-size: 20px;
    font-weight: 650;
    letter-spacing: -0.01em;
  }
  .count {
    color: var(--updraft-text-muted);
    font-variant-numeric: tabular-nums;
  }
  .spacer {
    flex: 1;
  }
  .toolbar {
    display: flex;
    align-items: center;
    gap: 8px;
    flex-wrap: wrap;
    padding: 10px 12px;
    border-bottom: 1px solid var(--updraft-border);
    background: var(--updraft-surface);
    border-radius: var(--updraft-radius) var(--updraft-radius) 0 0;
  }
  .filter {
    position: relative;
    display: inline-flex;
    align-items: center;
  }
  .filter svg {
    position: absolute;
    left: 8px;
    color: var(--updraft-text-muted);
    pointer-events: none;
  }
  .filter input {
    padding-left: 28px;
    width: 260px;
    max-width: 100%;
  }
  button.link {
    border: none;
    background: none;
    padding: 0;
    color: var(--updraft-accent);
    text-decoration: underline;
  }
  button.link:hover:not(:disabled) {
    background: none;
  }
  button.with-icon {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .card {
    border: 1px solid var(--updraft-border);
    border-radius: var(--updraft-radius);
    background: var(--updraft-bg);
  }
  .table-scroll {
    overflow-x: auto;
  }
  table.data {
    width: 100%;
    border-collapse: collapse;
    font-size: 13px;
  }
  table.data th {
    text-align: left;
    font-size: 12px;
    font-weight: 600;
    color: var(--updraft-text-muted);
    border-bottom: 1px solid var(--updraft-border);
    white-space: nowrap;
    padding: 0;
  }
  table.data th > span,
  table.data th .sort {
    display: flex;
    align-items: center;
    gap: 4px;
    padding: 8px 12px;
  }
  table.data th .sort {
    all: unset;
    display: flex;
    align-items: center;
    gap: 4px;
    padding: 8px 12px;
    cursor: pointer;
    box-sizing: border-box;
    width: 100%;
  }
  table.data th .sort:hover {
    color: var(--updraft-text);
  }
  table.data th .sort:focus-visible {
    outline: 2px solid var(--updraft-focus);
    outline-offset: -2px;
  }
  table.data th .arrow {
    font-size: 10px;
    min-width: 8px;
  }
  table.data th.num .sort,
  table.data th.num > span {
    justify-content: flex-end;
  }
  table.data td {
    padding: 8px 12px;
    border-bottom: 1px solid var(--updraft-border);
    vertical-align: middle;
  }
  table.data tbody tr:last-child td {
    border-bottom: none;
  }
  table.data tbody tr:hover td {
    background: color-mix(in srgb, var(--updraft-text) 3.5%, transparent);
  }
  table.data td.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  table.data td.actions {
    text-align: right;
    white-space: nowrap;
    width: 1%;
  }
  .mono {
    font-family: var(--updraft-font-mono);
    font-size: 12px;
  }
  .id {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .clip {
    display: inline-block;
    vertical-align: bottom;
    max-width: 46ch;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .icon-btn {
    display: inline-grid;
    place-items: center;
    width: 28px;
    height: 28px;
    padding: 0;
    border-color: transparent;
    background: transparent;
    color: var(--updraft-text-muted);
  }
  .icon-btn:hover:not(:disabled) {
    color: var(--updraft-text);
  }
  .icon-btn.danger {
    border-color: transparent;
  }
  .icon-btn.danger:hover:not(:disabled) {
    color: var(--updraft-danger);
  }
  .empty {
    padding: 36px 16px;
    text-align: center;
    color: var(--updraft-text-muted);
  }
  .banner {
    display: flex;
    gap: 8px;
    align-items: flex-start;
    padding: 8px 12px;
    margin-bottom: 12px;
    border-radius: var(--updraft-radius);
    border: 1px solid color-mix(in srgb, var(--updraft-danger) 45%, transparent);
    background: color-mix(in srgb, var(--updraft-danger) 9%, var(--updraft-bg));
    color: var(--updraft-text);
  }
  .banner.info {
    border-color: var(--updraft-border);
    background: var(--updraft-surface);
  }
  .banner.ok {
    border-color: color-mix(in srgb, var(--updraft-state-success) 45%, transparent);
    background: color-mix(in srgb, var(--updraft-state-success) 9%, var(--updraft-bg));
  }
  .banner .x {
    margin-left: auto;
  }
  .tag {
    display: inline-block;
    font-size: 11px;
    padding: 0 6px;
    border-radius: 999px;
    background: var(--updraft-surface-2);
    color: var(--updraft-text-muted);
    white-space: nowrap;
  }
  /* Modal forms and confirmations */
  dialog {
    width: min(620px, calc(100vw - 32px));
    max-height: calc(100vh - 48px);
    padding: 0;
    border: 1px solid var(--updraft-border);
    border-radius: 10px;
    background: var(--updraft-bg);
    color: var(--updraft-text);
    box-shadow: 0 24px 64px rgb(0 0 0 / 28%);
  }
  dialog.small {
    width: min(460px, calc(100vw - 32px));
  }
  dialog::backdrop {
    background: rgb(10 14 20 / 45%);
  }
  dialog form {
    display: flex;
    flex-direction: column;
    max-height: calc(100vh - 50px);
    margin: 0;
  }
  dialog header {
    display: flex;
    align-items: center;
    gap: 10px;
    padding: 14px 18px;
    border-bottom: 1px solid var(--updraft-border);
  }
  dialog h3 {
    margin: 0;
    font-size: 17px;
    font-weight: 650;
    overflow-wrap: anywhere;
  }
  dialog .body {
    padding: 16px 18px;
    overflow: auto;
    display: flex;
    flex-direction: column;
    gap: 14px;
  }
  dialog .body p {
    margin: 0;
  }
  dialog footer {
    display: flex;
    align-items: center;
    gap: 8px;
    justify-content: flex-end;
    padding: 12px 18px;
    border-top: 1px solid var(--updraft-border);
    background: var(--updraft-surface);
    border-radius: 0 0 10px 10px;
  }
  dialog footer .left {
    margin-right: auto;
    font-size: 12px;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .field > label,
  .field > .label {
    font-size: 12px;
    font-weight: 600;
  }
  .field > label.check {
    font-weight: 400;
    font-size: 13px;
  }
  .field .hint {
    font-size: 12px;
    color: var(--updraft-text-muted);
  }
  .field .problem {
    font-size: 12px;
    color: var(--updraft-danger);
  }
  .field input:not([type="checkbox"]),
  .field select,
  .field textarea {
    width: 100%;
  }
  .field textarea {
    font-family: var(--updraft-font-mono);
    font-size: 12px;
    line-height: 1.5;
    min-height: 120px;
    resize: vertical;
  }
  .field input[aria-invalid="true"],
  .field textarea[aria-invalid="true"] {
    border-color: var(--updraft-danger);
  }
  .row2 {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 12px;
  }
  .row3 {
    display: grid;
    grid-template-columns: 2fr 1fr;
    gap: 12px;
  }
  .check {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    font-size: 13px;
  }
  .form-error {
    padding: 8px 10px;
    border-radius: var(--updraft-radius);
    border: 1px solid color-mix(in srgb, var(--updraft-danger) 45%, transparent);
    background: color-mix(in srgb, var(--updraft-danger) 9%, var(--updraft-bg));
    font-size: 13px;
  }
  .form-ok {
    padding: 8px 10px;
    border-radius: var(--updraft-radius);
    border: 1px solid color-mix(in srgb, var(--updraft-state-success) 45%, transparent);
    background: color-mix(in srgb, var(--updraft-state-success) 9%, var(--updraft-bg));
    font-size: 13px;
  }
  input:disabled,
  input[readonly] {
    color: var(--updraft-text-muted);
    background: var(--updraft-surface);
  }
  @media (max-width: 640px) {
    .row2,
    .row3 {
      grid-template-columns: 1fr;
    }
  }
`;
