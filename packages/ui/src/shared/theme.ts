// Design tokens: every colour, space, radius and font an element uses is a `--updraft-*` custom
// property with a light and a dark default. Dark follows `prefers-color-scheme` unless the element
// (or an ancestor through inheritance of the tokens) says `theme="light"` or `theme="dark"`.
import { css } from "lit";
import { stateTokens } from "./states.ts";

const light = css`
  --updraft-bg: #ffffff;
  --updraft-surface: #f7f8fa;
  --updraft-surface-2: #eef0f4;
  --updraft-border: #d9dde5;
  --updraft-text: #1b1f27;
  --updraft-text-muted: #5b6474;
  --updraft-accent: #0b63ce;
  --updraft-accent-text: #ffffff;
  --updraft-danger: #c81e1e;
  --updraft-focus: #0b63ce;
  --updraft-shadow: 0 1px 2px rgb(16 24 40 / 8%), 0 1px 3px rgb(16 24 40 / 10%);
`;

const dark = css`
  --updraft-bg: #12151b;
  --updraft-surface: #1a1e26;
  --updraft-surface-2: #232833;
  --updraft-border: #343b48;
  --updraft-text: #e6e9ef;
  --updraft-text-muted: #9aa3b2;
  --updraft-accent: #5aa2ff;
  --updraft-accent-text: #0b1220;
  --updraft-danger: #ff6b6b;
  --updraft-focus: #8ab8ff;
  --updraft-shadow: 0 1px 2px rgb(0 0 0 / 40%);
`;

/**
 * The tokens and the base rules every element includes first in its `static styles`.
 * Documented tokens: `--updraft-bg --updraft-surface --updraft-surface-2 --updraft-border
 * --updraft-text --updraft-text-muted --updraft-accent --updraft-accent-text --updraft-danger
 * --updraft-focus --updraft-radius --updraft-space --updraft-font --updraft-font-mono
 * --updraft-font-size` and `--updraft-state-<state>`.
 */
export const baseStyles = [
  stateTokens,
  css`
    :host {
      ${light}
      --updraft-radius: 6px;
      --updraft-space: 8px;
      --updraft-font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
      --updraft-font-mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
      --updraft-font-size: 14px;
      display: block;
      box-sizing: border-box;
      color: var(--updraft-text);
      font-family: var(--updraft-font);
      font-size: var(--updraft-font-size);
      line-height: 1.4;
      color-scheme: light;
    }
    @media (prefers-color-scheme: dark) {
      :host(:not([theme="light"])) {
        ${dark}
        color-scheme: dark;
      }
    }
    :host([theme="dark"]) {
      ${dark}
      color-scheme: dark;
    }
    :host([hidden]) {
      display: none;
    }
    *,
    *::before,
    *::after {
      box-sizing: inherit;
    }
    :focus-visible {
      outline: 2px solid var(--updraft-focus);
      outline-offset: 2px;
    }
    a {
      color: var(--updraft-accent);
      text-decoration: none;
    }
    a:hover {
      text-decoration: underline;
    }
    button,
    input,
    select,
    textarea {
      font: inherit;
      color: inherit;
    }
    button {
      cursor: pointer;
      border: 1px solid var(--updraft-border);
      background: var(--updraft-surface);
      border-radius: var(--updraft-radius);
      padding: 4px 10px;
    }
    button:hover:not(:disabled) {
      background: var(--updraft-surface-2);
    }
    button.primary {
      background: var(--updraft-accent);
      color: var(--updraft-accent-text);
      border-color: var(--updraft-accent);
    }
    button.danger {
      color: var(--updraft-danger);
      border-color: var(--updraft-danger);
    }
    button:disabled {
      opacity: 0.5;
      cursor: default;
    }
    input,
    select,
    textarea {
      background: var(--updraft-bg);
      border: 1px solid var(--updraft-border);
      border-radius: var(--updraft-radius);
      padding: 4px 8px;
    }
    .muted {
      color: var(--updraft-text-muted);
    }
    .error {
      color: var(--updraft-danger);
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
  `,
];
