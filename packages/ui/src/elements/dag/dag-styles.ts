// Styles of `<updraft-dag>`: the header with its facts, the run bar, the tabs and the confirmation.
import { css } from "lit";

export const dagStyles = css`
  header {
    display: grid;
    gap: 10px;
    margin-bottom: 14px;
  }
  .titlebar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 12px;
  }
  h1 {
    margin: 0;
    font-size: 22px;
    font-weight: 650;
    letter-spacing: -0.01em;
    overflow-wrap: anywhere;
  }
  .paused-badge {
    padding: 1px 8px;
    border-radius: 999px;
    border: 1px solid var(--updraft-border);
    background: var(--updraft-surface-2);
    color: var(--updraft-text-muted);
    font-size: 12px;
    font-weight: 600;
  }
  .spacer {
    flex: 1;
  }
  .switch-label {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    color: var(--updraft-text-muted);
    font-size: 13px;
  }
  .switch {
    position: relative;
    width: 34px;
    height: 20px;
    padding: 0;
    border-radius: 999px;
    border: 1px solid var(--updraft-border);
    background: var(--updraft-surface-2);
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
  .btn {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    height: 32px;
    padding: 0 12px;
    font-weight: 550;
  }
  .description {
    margin: 0;
    color: var(--updraft-text-muted);
  }
  .facts {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    margin: 0;
  }
  .fact {
    display: grid;
    align-content: start;
    gap: 2px;
    min-width: 130px;
    padding: 7px 12px;
    border: 1px solid var(--updraft-border);
    border-radius: var(--updraft-radius);
    background: var(--updraft-surface);
  }
  .fact dt {
    font-size: 11.5px;
    font-weight: 600;
    letter-spacing: 0.03em;
    text-transform: uppercase;
    color: var(--updraft-text-muted);
  }
  .fact dd {
    margin: 0;
    display: flex;
    align-items: center;
    gap: 6px;
    flex-wrap: wrap;
    font-weight: 550;
  }
  .fact .sub {
    font-weight: 400;
    font-size: 12px;
    color: var(--updraft-text-muted);
  }
  .mono {
    font-family: var(--updraft-font-mono);
    font-size: 12px;
  }
  .tag {
    padding: 0 7px;
    border-radius: 999px;
    border: 1px solid var(--updraft-border);
    background: var(--updraft-bg);
    color: var(--updraft-text-muted);
    font-size: 12px;
    font-weight: 400;
  }
  .runbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    padding: 8px 10px;
    margin-bottom: 10px;
    border: 1px solid var(--updraft-border);
    border-radius: var(--updraft-radius);
    background: var(--updraft-surface);
  }
  .runbar label {
    font-weight: 600;
    font-size: 13px;
  }
  .runbar select {
    height: 30px;
    max-width: min(520px, 100%);
    font-family: var(--updraft-font-mono);
    font-size: 12.5px;
  }
  .runbar .meta {
    color: var(--updraft-text-muted);
    font-size: 12.5px;
  }
  .runbar .actions {
    display: inline-flex;
    flex-wrap: wrap;
    gap: 6px;
    margin-left: auto;
  }
  .runbar .actions button {
    height: 30px;
  }
  .tabs {
    display: flex;
    gap: 2px;
    border-bottom: 1px solid var(--updraft-border);
    margin-bottom: 14px;
    overflow-x: auto;
  }
  [role="tab"] {
    display: inline-flex;
    align-items: center;
    gap: 6px;
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
  [role="tab"]:focus-visible {
    outline-offset: -2px;
  }
  .problem {
    margin: 0 0 12px;
    padding: 8px 12px;
    border: 1px solid var(--updraft-danger);
    border-radius: var(--updraft-radius);
    color: var(--updraft-danger);
    background: color-mix(in srgb, var(--updraft-danger) 7%, transparent);
  }
  .notice {
    margin: 0 0 12px;
    padding: 8px 12px;
    border-radius: var(--updraft-radius);
    border: 1px solid color-mix(in srgb, var(--updraft-state-success) 50%, var(--updraft-border));
    background: color-mix(in srgb, var(--updraft-state-success) 8%, transparent);
  }
  dialog.confirm {
    width: min(520px, calc(100vw - 32px));
    padding: 0;
    border: 1px solid var(--updraft-border);
    border-radius: 10px;
    background: var(--updraft-bg);
    color: var(--updraft-text);
    box-shadow: 0 24px 64px rgb(0 0 0 / 28%);
  }
  dialog.confirm::backdrop {
    background: rgb(10 14 20 / 45%);
  }
  dialog.confirm h2 {
    margin: 0;
    padding: 16px 18px 0;
    font-size: 17px;
  }
  dialog.confirm .content {
    padding: 10px 18px 4px;
  }
  dialog.confirm .content p {
    margin: 0 0 10px;
  }
  dialog.confirm .subject {
    padding: 6px 10px;
    border-radius: var(--updraft-radius);
    background: var(--updraft-surface);
    overflow-wrap: anywhere;
    font-size: 12.5px;
  }
  dialog.confirm code {
    font-family: var(--updraft-font-mono);
  }
  dialog.confirm ul {
    margin: 0 0 10px;
    padding-left: 18px;
    max-height: 160px;
    overflow: auto;
    font-family: var(--updraft-font-mono);
    font-size: 12px;
  }
  dialog.confirm .check {
    display: flex;
    align-items: center;
    gap: 8px;
    margin-bottom: 10px;
  }
  dialog.confirm .buttons {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
    padding: 12px 18px;
    border-top: 1px solid var(--updraft-border);
    background: var(--updraft-surface);
    border-radius: 0 0 10px 10px;
  }
  dialog.confirm .buttons button {
    min-width: 84px;
    height: 32px;
  }
  button.danger.solid {
    background: var(--updraft-danger);
    color: #fff;
  }
  .details-grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(320px, 1fr));
    gap: 16px;
  }
  .card {
    border: 1px solid var(--updraft-border);
    border-radius: 8px;
    overflow: hidden;
  }
  .card h2 {
    margin: 0;
    padding: 9px 14px;
    border-bottom: 1px solid var(--updraft-border);
    background: var(--updraft-surface);
    font-size: 13px;
    font-weight: 650;
  }
  .card dl {
    display: grid;
    grid-template-columns: minmax(120px, auto) 1fr;
    margin: 0;
  }
  .card dt,
  .card dd {
    margin: 0;
    padding: 7px 14px;
    border-bottom: 1px solid var(--updraft-border);
  }
  .card dt {
    color: var(--updraft-text-muted);
    font-size: 13px;
  }
  .card dd {
    overflow-wrap: anywhere;
  }
  .card dl > :nth-last-child(-n + 2) {
    border-bottom: 0;
  }
  .params-table {
    width: 100%;
    border-collapse: collapse;
  }
  .params-table th,
  .params-table td {
    padding: 7px 14px;
    border-bottom: 1px solid var(--updraft-border);
    text-align: left;
    vertical-align: top;
  }
  .params-table th {
    font-size: 12px;
    color: var(--updraft-text-muted);
    font-weight: 600;
  }
  .params-table tr:last-child td {
    border-bottom: 0;
  }
`;
