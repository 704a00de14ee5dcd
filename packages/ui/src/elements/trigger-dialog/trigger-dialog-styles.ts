// Styles of `<updraft-trigger-dialog>`: a modal with the params form beside the JSON conf editor.
import { css } from "lit";

export const triggerDialogStyles = css`
  :host {
    display: contents;
  }
  dialog {
    width: min(980px, calc(100vw - 32px));
    max-height: calc(100vh - 48px);
    padding: 0;
    border: 1px solid var(--updraft-border);
    border-radius: 10px;
    background: var(--updraft-bg);
    color: var(--updraft-text);
    box-shadow: 0 24px 64px rgb(0 0 0 / 28%);
    overflow: hidden;
  }
  dialog::backdrop {
    background: rgb(10 14 20 / 45%);
  }
  form {
    display: flex;
    flex-direction: column;
    max-height: calc(100vh - 50px);
  }
  header {
    display: flex;
    align-items: center;
    gap: 12px;
    padding: 14px 18px;
    border-bottom: 1px solid var(--updraft-border);
  }
  header h2 {
    margin: 0;
    font-size: 17px;
    font-weight: 650;
  }
  header .dag {
    font-family: var(--updraft-font-mono);
    font-size: 15px;
  }
  header .spacer {
    flex: 1;
  }
  .icon {
    display: inline-grid;
    place-items: center;
    width: 30px;
    height: 30px;
    padding: 0;
    border-color: transparent;
    background: transparent;
    color: var(--updraft-text-muted);
  }
  .body {
    display: grid;
    grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr);
    gap: 0;
    overflow: auto;
    min-height: 0;
  }
  .params,
  .json {
    padding: 16px 18px;
    min-width: 0;
  }
  .json {
    display: flex;
    flex-direction: column;
    border-left: 1px solid var(--updraft-border);
    background: var(--updraft-surface);
    /* Stays in view while a long form scrolls beside it. */
    position: sticky;
    top: 0;
    align-self: start;
    height: min(100%, calc(100vh - 230px));
    min-height: 320px;
  }
  h3 {
    margin: 0 0 12px;
    font-size: 12px;
    font-weight: 650;
    letter-spacing: 0.04em;
    text-transform: uppercase;
    color: var(--updraft-text-muted);
  }
  h4.section {
    margin: 18px 0 10px;
    padding-top: 12px;
    border-top: 1px dashed var(--updraft-border);
    font-size: 13px;
  }
  .field {
    display: grid;
    gap: 4px;
    margin-bottom: 14px;
  }
  .field label,
  .adv label {
    font-weight: 600;
    font-size: 13px;
  }
  .field .name {
    font-family: var(--updraft-font-mono);
    font-weight: 400;
    font-size: 12px;
    color: var(--updraft-text-muted);
    margin-left: 6px;
  }
  .field .desc {
    margin: 0;
    font-size: 12.5px;
    color: var(--updraft-text-muted);
  }
  .field .err,
  .json .err {
    margin: 0;
    font-size: 12.5px;
    color: var(--updraft-danger);
  }
  input:not([type="checkbox"]),
  select,
  textarea {
    width: 100%;
    min-height: 32px;
    padding: 5px 9px;
  }
  textarea {
    resize: vertical;
    min-height: 64px;
  }
  textarea.code,
  .json textarea {
    font-family: var(--updraft-font-mono);
    font-size: 12.5px;
    line-height: 1.5;
  }
  .json textarea {
    flex: 1;
    min-height: 200px;
    background: var(--updraft-bg);
    tab-size: 2;
  }
  [aria-invalid="true"] {
    border-color: var(--updraft-danger);
    box-shadow: 0 0 0 1px var(--updraft-danger);
  }
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible {
    outline: 2px solid var(--updraft-focus);
    outline-offset: 0;
    border-color: var(--updraft-focus);
  }
  .switch {
    display: inline-flex;
    align-items: center;
    gap: 10px;
    width: fit-content;
    cursor: pointer;
    font-weight: 400;
  }
  .switch input {
    appearance: none;
    position: relative;
    width: 34px;
    height: 20px;
    margin: 0;
    border-radius: 999px;
    background: var(--updraft-surface-2);
    border: 1px solid var(--updraft-border);
    cursor: pointer;
    transition: background 0.15s;
  }
  .switch input::after {
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
  .switch input:checked {
    background: var(--updraft-accent);
    border-color: var(--updraft-accent);
  }
  .switch input:checked::after {
    transform: translateX(14px);
    background: var(--updraft-accent-text);
  }
  .switch input:focus-visible {
    outline: 2px solid var(--updraft-focus);
    outline-offset: 2px;
  }
  .hint {
    margin: 0 0 10px;
    font-size: 12.5px;
    color: var(--updraft-text-muted);
  }
  .empty {
    margin: 0;
    padding: 14px;
    border: 1px dashed var(--updraft-border);
    border-radius: var(--updraft-radius);
    color: var(--updraft-text-muted);
  }
  details.advanced {
    border-top: 1px solid var(--updraft-border);
    padding: 10px 18px;
  }
  /* A <details>'s content inherits through the browser's own shadow tree, not from the host. */
  details.advanced * {
    box-sizing: border-box;
  }
  details.advanced summary {
    cursor: pointer;
    font-weight: 600;
    font-size: 13px;
    width: fit-content;
  }
  .adv {
    display: grid;
    grid-template-columns: repeat(3, minmax(0, 1fr));
    gap: 12px;
    margin-top: 10px;
  }
  .adv > div {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 4px;
    align-content: start;
    min-width: 0;
  }
  .adv input {
    min-width: 0;
  }
  .adv .desc {
    margin: 0;
    font-size: 12px;
    color: var(--updraft-text-muted);
  }
  .problem {
    margin: 0 18px 0;
    padding: 10px 12px;
    border: 1px solid var(--updraft-danger);
    border-radius: var(--updraft-radius);
    background: color-mix(in srgb, var(--updraft-danger) 8%, transparent);
    color: var(--updraft-danger);
  }
  footer {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: 8px;
    padding: 12px 18px;
    border-top: 1px solid var(--updraft-border);
    background: var(--updraft-surface);
  }
  footer .status {
    flex: 1;
    font-size: 12.5px;
    color: var(--updraft-text-muted);
  }
  footer button {
    min-width: 88px;
    height: 34px;
  }
  .loading {
    padding: 40px 18px;
    text-align: center;
    color: var(--updraft-text-muted);
  }
  @media (max-width: 720px) {
    .body {
      grid-template-columns: 1fr;
    }
    .json {
      border-left: 0;
      border-top: 1px solid var(--updraft-border);
    }
    .adv {
      grid-template-columns: 1fr;
    }
  }
`;
