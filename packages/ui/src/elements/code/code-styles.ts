// Styles of <updraft-code>: a toolbar over a line-numbered code block; syntax colours are
// `--updraft-code-*` tokens with light and dark defaults (GitHub's palettes), overridable by a page.
import { css } from "lit";

const light = css`
  --updraft-code-keyword: #cf222e;
  --updraft-code-string: #0a3069;
  --updraft-code-number: #0550ae;
  --updraft-code-comment: #59636e;
  --updraft-code-function: #8250df;
  --updraft-code-type: #953800;
  --updraft-code-property: #0550ae;
  --updraft-code-variable: #953800;
`;
const dark = css`
  --updraft-code-keyword: #ff7b72;
  --updraft-code-string: #a5d6ff;
  --updraft-code-number: #79c0ff;
  --updraft-code-comment: #8b949e;
  --updraft-code-function: #d2a8ff;
  --updraft-code-type: #ffa657;
  --updraft-code-property: #79c0ff;
  --updraft-code-variable: #ffa657;
`;

export const codeStyles = css`
  :host {
    ${light}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme="light"])) {
      ${dark}
    }
  }
  :host([theme="dark"]) {
    ${dark}
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 10px;
    margin-bottom: 10px;
  }
  .toolbar label {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-size: 13px;
    color: var(--updraft-text-muted);
  }
  select {
    min-width: 320px;
    font-variant-numeric: tabular-nums;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 14px;
    font-size: 12.5px;
    color: var(--updraft-text-muted);
  }
  .meta code {
    font-family: var(--updraft-font-mono);
    color: var(--updraft-text);
  }
  .spacer {
    flex: 1;
  }
  .badge {
    padding: 0 7px;
    border-radius: 999px;
    font-size: 11.5px;
    font-weight: 600;
    background: color-mix(in srgb, var(--updraft-accent) 14%, transparent);
    color: var(--updraft-accent);
  }
  .code {
    display: flex;
    border: 1px solid var(--updraft-border);
    border-radius: var(--updraft-radius);
    background: var(--updraft-surface);
    overflow: auto;
    max-height: var(--updraft-code-height, 75vh);
    font-family: var(--updraft-font-mono);
    font-size: 12.5px;
    line-height: 19px;
  }
  pre {
    margin: 0;
    padding: 10px 0;
    font: inherit;
  }
  .gutter {
    position: sticky;
    left: 0;
    flex: none;
    padding: 10px 10px 10px 12px;
    text-align: right;
    color: var(--updraft-text-muted);
    background: var(--updraft-surface);
    border-right: 1px solid var(--updraft-border);
    user-select: none;
  }
  .src {
    flex: 1;
    padding-left: 14px;
    padding-right: 14px;
    tab-size: 2;
    color: var(--updraft-text);
  }
  .hljs-keyword,
  .hljs-literal,
  .hljs-meta .hljs-keyword,
  .hljs-operator {
    color: var(--updraft-code-keyword);
  }
  .hljs-string,
  .hljs-regexp,
  .hljs-template-string {
    color: var(--updraft-code-string);
  }
  .hljs-number {
    color: var(--updraft-code-number);
  }
  .hljs-comment,
  .hljs-doctag {
    color: var(--updraft-code-comment);
    font-style: italic;
  }
  .hljs-title,
  .hljs-title.function_ {
    color: var(--updraft-code-function);
  }
  .hljs-type,
  .hljs-title.class_,
  .hljs-built_in {
    color: var(--updraft-code-type);
  }
  .hljs-attr,
  .hljs-property {
    color: var(--updraft-code-property);
  }
  .hljs-variable,
  .hljs-params,
  .hljs-subst {
    color: var(--updraft-code-variable);
  }
  .hljs-meta {
    color: var(--updraft-code-comment);
  }
  button.copied {
    border-color: var(--updraft-state-success);
    color: var(--updraft-state-success);
  }
`;
