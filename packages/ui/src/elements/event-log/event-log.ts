// <updraft-event-log>: Airflow's audit log (Browse → Audit Log): who did what to which DAG, run or
// task, and when — every change made through the API. Paged, sorted and filtered on the server
// (GET /api/v1/eventLogs with limit, offset, order_by, dag_id, event, owner).
import { css, html, nothing, type TemplateResult } from "lit";
import { property, state } from "lit/decorators.js";
import { Task, TaskStatus } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { define } from "../../shared/define.ts";
import { adminStyles } from "../../shared/admin-styles.ts";
import { icon, nextSort, sortHeader, type SortState } from "../../shared/admin-kit.ts";
import { formatDateTime, formatRelative } from "../../shared/format.ts";
import type { Route } from "../../shared/context.ts";

interface EventLog {
  event_log_id: number;
  when: string;
  dag_id: string | null;
  task_id: string | null;
  run_id: string | null;
  map_index: number | null;
  try_number: number | null;
  event: string;
  execution_date: string | null;
  owner: string | null;
  extra: string | null;
}

interface Page {
  event_logs: EventLog[];
  total_entries: number;
}

type SortKey = "when" | "event" | "owner" | "dag_id";
type Filters = { dag_id: string; event: string; owner: string };
const SIZES = [25, 50, 100] as const;

/** `extra` as one short line: a JSON object's pairs, or the text. */
export function extraText(extra: string | null): string {
  if (!extra) return "";
  try {
    const v = JSON.parse(extra) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return Object.entries(v).map(([k, x]) => `${k}: ${typeof x === "string" ? x : JSON.stringify(x)}`).join(" · ");
  } catch {
    // not JSON: shown as it is
  }
  return extra;
}

/**
 * `<updraft-event-log [dag-id]></updraft-event-log>`: with `dag-id`, one DAG's events.
 * Parts: `title`, `filters`, `table`, `pager`.
 */
export class UpdraftEventLog extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, adminStyles, css`
    .filters {
      display: flex;
      gap: 8px;
      flex-wrap: wrap;
      align-items: flex-end;
    }
    .filters label {
      display: flex;
      flex-direction: column;
      gap: 2px;
      font-size: 11px;
      font-weight: 600;
      color: var(--updraft-text-muted);
    }
    .filters input {
      width: 180px;
      font-weight: 400;
    }
    td.when {
      white-space: nowrap;
    }
    td.when .rel {
      display: block;
      font-size: 11px;
      color: var(--updraft-text-muted);
    }
    .event {
      font-family: var(--updraft-font-mono);
      font-size: 12px;
      white-space: nowrap;
    }
    .pager {
      display: flex;
      align-items: center;
      gap: 8px;
      flex-wrap: wrap;
      padding: 8px 12px;
      border-top: 1px solid var(--updraft-border);
      font-size: 13px;
    }
    .pager .range {
      font-variant-numeric: tabular-nums;
      color: var(--updraft-text-muted);
    }
    .pager select {
      padding: 2px 6px;
    }
  `];

  /** Only this DAG's events (the DAG view's audit tab). */
  @property({ attribute: "dag-id" }) dagId = "";
  @state() private sort: SortState<SortKey> = { key: "when", desc: true };
  @state() private filters: Filters = { dag_id: "", event: "", owner: "" };
  @state() private offset = 0;
  @state() private limit: number = 50;
  #draft: Filters = { dag_id: "", event: "", owner: "" };
  #timer: ReturnType<typeof setTimeout> | undefined;

  readonly #task = new Task(this, {
    task: async ([order, offset, limit, dagId, event, owner], { signal }) =>
      this.client.get<Page>("/api/v1/eventLogs", { order_by: order, offset, limit, dag_id: dagId || undefined, event: event || undefined, owner: owner || undefined }, signal),
    args: () => [`${this.sort.desc ? "-" : ""}${this.sort.key}`, this.offset, this.limit, this.dagId || this.filters.dag_id.trim(), this.filters.event.trim(),
      this.filters.owner.trim(), this.apiBase, this.token] as const,
  });

  override render() {
    const page = this.#task.value;
    return html`
      <div class="page-head">
        <h2 class="title" part="title">Audit log</h2>
        ${page ? html`<span class="count">${page.total_entries.toLocaleString("en")}</span>` : nothing}
        <span class="spacer"></span>
        <button class="with-icon" @click=${() => void this.#task.run()}>${icon("refresh")}Refresh</button>
      </div>
      <div class="card">
        <div class="toolbar" part="filters">
          <form class="filters" role="search" aria-label="Filter events" @submit=${(e: Event) => {
            e.preventDefault();
            this.#apply();
          }}>
            ${this.dagId ? nothing : this.#filter("dag_id", "DAG ID")}
            ${this.#filter("event", "Event", "events")}
            ${this.#filter("owner", "Owner")}
            <button type="submit" class="with-icon">${icon("search")}Filter</button>
            ${this.filters.dag_id || this.filters.event || this.filters.owner
              ? html`<button type="button" @click=${() => this.#clear()}>Clear</button>` : nothing}
          </form>
          <datalist id="events">${[...new Set((page?.event_logs ?? []).map((e) => e.event))].map((e) => html`<option value=${e}></option>`)}</datalist>
        </div>
        ${this.#task.render({
          pending: () => (page ? this.#table(page) : html`<div class="empty" role="status">Loading events…</div>`),
          complete: (p) => this.#table(p),
          error: (e) => html`<div class="banner" role="alert" style="margin:12px">Could not load the audit log: ${(e as Error).message}</div>`,
        })}
      </div>`;
  }

  #filter(key: keyof Filters, label: string, list?: string): TemplateResult {
    return html`<label>${label}<input type="search" .value=${this.filters[key]} list=${list ?? ""} placeholder="Exact ${label.toLowerCase()}" spellcheck="false"
      @input=${(e: Event) => {
        this.#draft = { ...this.filters, ...this.#draft, [key]: (e.target as HTMLInputElement).value };
        // Typing pauses: apply. Enter or the button: apply at once.
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.#apply(), 600);
      }} /></label>`;
  }

  #apply(): void {
    clearTimeout(this.#timer);
    this.filters = { ...this.filters, ...this.#draft };
    this.offset = 0;
  }

  #clear(): void {
    this.#draft = { dag_id: "", event: "", owner: "" };
    this.#apply();
  }

  #link(route: Route, text: string): TemplateResult {
    const href = this.href(route);
    return href ? html`<a href=${href}>${text}</a>` : html`${text}`;
  }

  #table(page: Page): TemplateResult {
    const onSort = (k: SortKey) => {
      this.sort = nextSort(this.sort, k);
      this.offset = 0;
    };
    const dash = html`<span class="muted">–</span>`;
    const rows = page.event_logs;
    const from = page.total_entries ? this.offset + 1 : 0;
    const to = Math.min(page.total_entries, this.offset + rows.length);
    const last = Math.max(0, Math.floor((page.total_entries - 1) / this.limit) * this.limit);
    return html`<div class="table-scroll"><table class="data" part="table" aria-label="Audit log" aria-busy=${this.#task.status === TaskStatus.PENDING ? "true" : "false"}>
      <thead><tr>
        ${sortHeader("When", "when", this.sort, onSort)}${sortHeader("Event", "event", this.sort, onSort)}${sortHeader("Owner", "owner", this.sort, onSort)}
        ${sortHeader("DAG", "dag_id", this.sort, onSort)}<th scope="col"><span>Run</span></th><th scope="col"><span>Task</span></th><th scope="col"><span>Extra</span></th>
      </tr></thead>
      <tbody>${rows.length ? rows.map((e) => html`<tr>
        <td class="when">${formatDateTime(e.when)}<span class="rel">${formatRelative(e.when)}</span></td>
        <td><span class="event">${e.event}</span></td>
        <td class="mono">${e.owner ?? dash}</td>
        <td class="mono">${e.dag_id ? this.#link({ view: "dag", dagId: e.dag_id }, e.dag_id) : dash}</td>
        <td class="mono">${e.dag_id && e.run_id ? this.#link({ view: "dag", dagId: e.dag_id, runId: e.run_id }, e.run_id) : dash}</td>
        <td class="mono">${e.dag_id && e.run_id && e.task_id
          ? this.#link({ view: "dag", dagId: e.dag_id, runId: e.run_id, taskId: e.task_id, ...(e.map_index !== null && e.map_index >= 0 ? { mapIndex: e.map_index } : {}) }, e.task_id)
          : e.task_id ?? dash}</td>
        <td><span class="mono clip" title=${e.extra ?? ""}>${extraText(e.extra) || dash}</span></td>
      </tr>`) : html`<tr><td colspan="7" class="empty">${this.filters.dag_id || this.filters.event || this.filters.owner ? "No event matches these filters." : "No events yet."}</td></tr>`}</tbody>
    </table></div>
    <nav class="pager" part="pager" aria-label="Pages">
      <span class="range" role="status">${from.toLocaleString("en")}–${to.toLocaleString("en")} of ${page.total_entries.toLocaleString("en")}</span>
      <span class="spacer"></span>
      <label class="muted">Rows <select .value=${String(this.limit)} @change=${(e: Event) => {
        this.limit = Number((e.target as HTMLSelectElement).value);
        this.offset = 0;
      }}>${SIZES.map((s) => html`<option value=${s} ?selected=${s === this.limit}>${s}</option>`)}</select></label>
      <button ?disabled=${this.offset === 0} @click=${() => (this.offset = 0)} aria-label="First page">«</button>
      <button ?disabled=${this.offset === 0} @click=${() => (this.offset = Math.max(0, this.offset - this.limit))}>Previous</button>
      <button ?disabled=${to >= page.total_entries} @click=${() => (this.offset += this.limit)}>Next</button>
      <button ?disabled=${to >= page.total_entries} @click=${() => (this.offset = last)} aria-label="Last page">»</button>
    </nav>`;
  }
}

define("updraft-event-log", UpdraftEventLog);
