// <updraft-import-errors>: Airflow's DAG import errors — each DAG file that failed to load, when,
// and its error with the stack trace folded (monospace, opened on demand). Refreshed on a slow
// timer: the DAG processor parses the folder every few seconds, so errors come and go.
import { css, html, nothing, type TemplateResult } from "lit";
import { state } from "lit/decorators.js";
import { Task } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { define } from "../../shared/define.ts";
import { adminStyles } from "../../shared/admin-styles.ts";
import { fetchAll, filterBox, icon, matches } from "../../shared/admin-kit.ts";
import { formatDateTime, formatRelative } from "../../shared/format.ts";
import { stateGlyph } from "../../shared/state-badge.ts";

interface ImportError {
  import_error_id: number;
  timestamp: string;
  filename: string;
  stack_trace: string;
}

const REFRESH_MS = 30_000;

/** The error's first line that says what went wrong (the trace's message, not its frames). */
export function headline(trace: string): string {
  const lines = trace.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => !/^at\s/.test(l)) ?? lines[0] ?? "";
}

/**
 * `<updraft-import-errors></updraft-import-errors>`
 * Parts: `title`, `toolbar`, `filter`, `list`, `error`, `trace`.
 */
export class UpdraftImportErrors extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, adminStyles, css`
    .list {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .item {
      padding: 12px 14px;
      border-bottom: 1px solid var(--updraft-border);
    }
    .item:last-child {
      border-bottom: none;
    }
    .file {
      display: flex;
      align-items: center;
      gap: 8px;
      flex-wrap: wrap;
    }
    .file .path {
      font-family: var(--updraft-font-mono);
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .when {
      margin-left: auto;
      font-size: 12px;
      color: var(--updraft-text-muted);
      white-space: nowrap;
    }
    .message {
      margin: 6px 0 0 20px;
      color: var(--updraft-danger);
      font-family: var(--updraft-font-mono);
      font-size: 12px;
      overflow-wrap: anywhere;
    }
    details {
      margin: 6px 0 0 20px;
    }
    summary {
      cursor: pointer;
      font-size: 12px;
      color: var(--updraft-text-muted);
      width: max-content;
    }
    summary:hover {
      color: var(--updraft-text);
    }
    pre {
      margin: 6px 0 0;
      padding: 10px 12px;
      max-height: 360px;
      overflow: auto;
      background: var(--updraft-surface);
      border: 1px solid var(--updraft-border);
      border-radius: var(--updraft-radius);
      font-family: var(--updraft-font-mono);
      font-size: 12px;
      line-height: 1.5;
      white-space: pre;
      tab-size: 2;
    }
    .none {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 6px;
    }
    .none svg {
      width: 22px;
      height: 22px;
    }
  `];

  @state() private filter = "";
  #timer: ReturnType<typeof setInterval> | undefined;

  readonly #task = new Task(this, {
    task: async (_args, { signal }) => (await fetchAll<ImportError>(this.client, "/api/v1/importErrors", "import_errors", { signal, query: { order_by: "-timestamp" } })).items,
    args: () => [this.apiBase, this.token] as const,
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.#timer = setInterval(() => {
      if (document.visibilityState !== "hidden") void this.#task.run();
    }, REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  override render() {
    const items = this.#task.value;
    return html`
      <div class="page-head">
        <h2 class="title" part="title">Import errors</h2>
        ${items ? html`<span class="count">${items.length}</span>` : nothing}
        <span class="spacer"></span>
        <button class="with-icon" @click=${() => void this.#task.run()} aria-label="Refresh now">${icon("refresh")}Refresh</button>
      </div>
      ${this.#task.render({
        pending: () => (items ? this.#card(items) : html`<div class="card"><div class="empty" role="status">Loading import errors…</div></div>`),
        complete: (list) => this.#card(list),
        error: (e) => html`<div class="banner" role="alert">Could not load the import errors: ${(e as Error).message}</div>`,
      })}`;
  }

  #card(items: ImportError[]): TemplateResult {
    const shown = items.filter((e) => matches(this.filter, e.filename, e.stack_trace));
    if (items.length === 0) {
      return html`<div class="card"><div class="empty none" role="status">${stateGlyph("success")}Every DAG file loads.</div></div>`;
    }
    return html`<div class="card">
      <div class="toolbar" part="toolbar">${filterBox(this.filter, "Filter by file or error", (t) => (this.filter = t))}
        <span class="spacer"></span><span class="muted">Checked again every ${REFRESH_MS / 1000} s</span></div>
      <ul class="list" part="list" aria-label="Import errors">
        ${shown.length ? shown.map((e) => html`<li class="item" part="error">
          <div class="file">${stateGlyph("failed")}<span class="path">${e.filename}</span>
            <span class="when" title=${formatDateTime(e.timestamp)}>${formatRelative(e.timestamp)}</span></div>
          <div class="message">${headline(e.stack_trace)}</div>
          ${e.stack_trace.includes("\n") ? html`<details><summary>Stack trace</summary><pre part="trace" tabindex="0">${e.stack_trace}</pre></details>` : nothing}
        </li>`) : html`<li class="empty">No import error matches “${this.filter}”.</li>`}
      </ul>
    </div>`;
  }
}

define("updraft-import-errors", UpdraftImportErrors);
