// <updraft-dags>: every DAG, as Airflow 3's DAG list: search (server side, debounced), a tag filter,
// all/active/paused/failed/running, sort, a pause switch, the schedule in words, next and last run,
// a bar per latest run, a trigger button that opens the params form, and a banner when DAG files
// failed to load. Paged on the server, virtualised in the browser; run events move the bars live.
import { html, nothing, type TemplateResult } from "lit";
import { property, state } from "lit/decorators.js";
import { Task, TaskStatus } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { LiveController } from "../../shared/live-controller.ts";
import { seg } from "../../shared/api-client.ts";
import { whoAmI, type Me } from "../../shared/principal.ts";
import { ACTIVE_RUN_STATES, applyRunEvent, type DagListPage, type DagListRow } from "../../shared/dag-types.ts";
import { runBarStyles } from "../../shared/run-bars.ts";
import { stateBadgeStyles } from "../../shared/state-badge-styles.ts";
import type { Route } from "../../shared/context.ts";
import { define } from "../../shared/define.ts";
import { dagRow, warnIcon, type RowContext } from "./dag-row.ts";
import { dagsStyles } from "./dags-styles.ts";

type Status = "all" | "active" | "paused" | "failed" | "running";
const STATUSES: ReadonlyArray<{ id: Status; label: string }> = [
  { id: "all", label: "All" }, { id: "active", label: "Active" }, { id: "paused", label: "Paused" },
  { id: "failed", label: "Failed" }, { id: "running", label: "Running" },
];
type VirtualizeModule = typeof import("@lit-labs/virtualizer/virtualize.js");

let virtualizer: Promise<VirtualizeModule> | null = null;
/** The virtualizer, loaded once, with the first list (a lazy chunk shared with the log view). */
const loadVirtualizer = () => (virtualizer ??= import("@lit-labs/virtualizer/virtualize.js"));

const SEARCH_DELAY_MS = 250;
const RESYNC_MS = 60_000;

/**
 * `<updraft-dags></updraft-dags>`
 * Attributes: `page-size` (DAGs per page, default 100), `runs` (bars per DAG, default 14).
 * Events: `updraft-navigate` (a DAG or a run), `updraft-triggered` (from the trigger dialog).
 * Parts: `banner`, `toolbar`, `table`, `row`, `runs`, `run`, `pager`.
 */
export class UpdraftDags extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, stateBadgeStyles, ...runBarStyles, dagsStyles];

  @property({ attribute: "page-size", type: Number }) pageSize = 100;
  @property({ type: Number }) runs = 14;

  @state() private searchText = "";
  @state() private search = "";
  @state() private status: Status = "all";
  @state() private tags: string[] = [];
  @state() private tagsMode: "any" | "all" = "any";
  @state() private orderBy = "dag_id";
  @state() private offset = 0;
  @state() private actionError = "";
  @state() private triggerDag = "";

  #data: DagListPage | null = null;
  #byId = new Map<string, DagListRow>();
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  #resyncTimer: ReturnType<typeof setInterval> | undefined;
  #virtualize: VirtualizeModule["virtualize"] | null = null;
  #dialogLoaded: Promise<unknown> | null = null;

  readonly #task = new Task(this, {
    task: async ([search, status, tags, mode, orderBy, offset, limit, runs], { signal }) => {
      const [page, v] = await Promise.all([
        this.client.get<DagListPage>("/api/updraft/ui/dags", {
          limit, offset, runs, search: search || undefined, status, tags: tags ? tags.split("\u0000") : undefined,
          tags_match_mode: mode === "all" ? "all" : undefined, order_by: orderBy,
        }, signal),
        loadVirtualizer(),
      ]);
      this.#virtualize = v.virtualize;
      this.#data = page;
      this.#byId = new Map(page.dags.map((d) => [d.dag_id, d]));
      return page;
    },
    args: () => [this.search, this.status, this.tags.join("\u0000"), this.tagsMode, this.orderBy, this.offset, this.pageSize, this.runs, this.apiBase, this.token] as const,
  });

  readonly #me = new Task(this, {
    task: async () => whoAmI(this.client).catch((): Me | null => null),
    args: () => [this.apiBase, this.token] as const,
  });

  readonly #live = new LiveController(this, {
    apply: (e) => {
      if (e.type !== "run") return false;
      const row = this.#byId.get(e.dag_id);
      if (!row) return false;
      const before = row.recent_runs.find((r) => r.run_id === e.run_id)?.state;
      if (!applyRunEvent(row.recent_runs, e, this.runs)) return false;
      const delta = (ACTIVE_RUN_STATES.has(e.state) ? 1 : 0) - (before !== undefined && ACTIVE_RUN_STATES.has(before) ? 1 : 0);
      row.active_runs = Math.max(0, row.active_runs + delta);
      row.last_run = row.recent_runs[0] ?? null;
      return true;
    },
    resync: () => void this.#task.run(),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    // Next runs move when the scheduler creates runs; a quiet refetch keeps them true.
    this.#resyncTimer = setInterval(() => {
      if (document.visibilityState === "visible" && !this.triggerDag) void this.#task.run();
    }, RESYNC_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#searchTimer);
    clearInterval(this.#resyncTimer);
  }

  #onSearch(text: string): void {
    this.searchText = text;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => {
      this.search = text.trim();
      this.offset = 0;
    }, SEARCH_DELAY_MS);
  }

  #setStatus(s: Status): void {
    this.status = s;
    this.offset = 0;
  }

  #addTag(tag: string): void {
    if (!tag) return;
    this.tags = this.tags.includes(tag) ? this.tags.filter((t) => t !== tag) : [...this.tags, tag];
    this.offset = 0;
  }

  #sortBy(field: string): void {
    this.orderBy = this.orderBy === field ? `-${field}` : this.orderBy === `-${field}` ? field : field === "dag_id" ? field : `-${field}`;
    this.offset = 0;
  }

  #clearFilters(): void {
    this.searchText = "";
    this.search = "";
    this.status = "all";
    this.tags = [];
    this.offset = 0;
  }

  #page(offset: number): void {
    this.offset = Math.max(0, offset);
    this.scrollIntoView({ block: "start", behavior: "instant" as ScrollBehavior });
  }

  async #togglePause(row: DagListRow): Promise<void> {
    const paused = !row.is_paused;
    row.is_paused = paused;
    this.actionError = "";
    this.requestUpdate();
    try {
      await this.client.patch(`/api/v1/dags/${seg(row.dag_id)}`, { is_paused: paused }, { update_mask: "is_paused" });
    } catch (err) {
      row.is_paused = !paused;
      this.actionError = `Could not ${paused ? "pause" : "unpause"} ${row.dag_id}: ${(err as Error).message}`;
      this.requestUpdate();
    }
  }

  #trigger(row: DagListRow): void {
    this.#dialogLoaded ??= import("../trigger-dialog/trigger-dialog.ts");
    void this.#dialogLoaded.then(() => {
      this.triggerDag = row.dag_id;
      void this.updateComplete.then(() => (this.renderRoot.querySelector("updraft-trigger-dialog") as (HTMLElement & { show(): void }) | null)?.show());
    });
  }

  #go(route: Route): void {
    this.navigate(route);
  }

  override render() {
    void this.#live;
    const me = this.#me.value ?? null;
    const d = this.#data;
    const loading = this.#task.status === TaskStatus.PENDING;
    const error = this.#task.status === TaskStatus.ERROR ? (this.#task.error as Error).message : "";
    return html`
      <h1 class="title" part="title">DAGs</h1>
      ${d && d.import_errors > 0 ? this.#banner(d.import_errors) : nothing}
      ${this.#toolbar(d)}
      ${this.actionError ? html`<p class="problem" role="alert">${this.actionError}</p>` : nothing}
      ${error ? html`<p class="problem" role="alert">Could not load the DAGs: ${error}</p>` : nothing}
      <div class="table ${loading && d ? "loading" : ""}" role="table" part="table" aria-label="DAGs" aria-rowcount=${d ? d.total_entries + 1 : -1} aria-busy=${loading ? "true" : "false"}>
        ${this.#head()}
        <div class="body" role="rowgroup">${d ? this.#rows(d, me) : html`<div class="empty" role="row"><div role="cell">Loading DAGs…</div></div>`}</div>
      </div>
      ${d ? this.#pager(d) : nothing}
      ${this.triggerDag ? html`<updraft-trigger-dialog .apiBase=${this.apiBase} .token=${this.token} .theme=${this.theme} dag-id=${this.triggerDag}
        @updraft-close=${() => (this.triggerDag = "")}></updraft-trigger-dialog>` : nothing}
    `;
  }

  #banner(n: number): TemplateResult {
    const route: Route = { view: "admin", page: "import-errors" };
    const href = this.href(route);
    return html`<div class="banner" role="status" part="banner">
      ${warnIcon(18)}
      <span class="grow"><strong>${n} DAG ${n === 1 ? "file" : "files"} failed to load.</strong> Until ${n === 1 ? "it is" : "they are"} fixed, ${n === 1 ? "its" : "their"} DAGs keep the last version that loaded, if any.</span>
      ${href ? html`<a href=${href}>See the import errors</a>` : nothing}
    </div>`;
  }

  #toolbar(d: DagListPage | null): TemplateResult {
    const remaining = (d?.tags ?? []).filter((t) => !this.tags.includes(t));
    return html`<div class="toolbar" part="toolbar">
      <label class="search">
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><circle cx="7" cy="7" r="4.6" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M10.5 10.5l3.5 3.5" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/></svg>
        <input type="search" placeholder="Search DAGs" aria-label="Search DAGs by id" .value=${this.searchText}
          @input=${(e: Event) => this.#onSearch((e.target as HTMLInputElement).value)}>
      </label>
      <div class="segmented" role="group" aria-label="Filter by status">
        ${STATUSES.map((s) => html`<button aria-pressed=${this.status === s.id ? "true" : "false"} @click=${() => this.#setStatus(s.id)}>${s.label}</button>`)}
      </div>
      ${d?.tags.length ? html`<select class="tagpick" aria-label="Filter by tag" @change=${(e: Event) => {
        const sel = e.target as HTMLSelectElement;
        this.#addTag(sel.value);
        sel.value = "";
      }}>
        <option value="">${this.tags.length ? "Add a tag…" : "Filter by tag…"}</option>
        ${remaining.map((t) => html`<option value=${t}>${t}</option>`)}
      </select>` : nothing}
      ${this.tags.length ? html`<span class="chips" role="group" aria-label="Chosen tags">
        ${this.tags.map((t) => html`<span class="chip">${t}<button aria-label="Remove the tag ${t}" title="Remove" @click=${() => this.#addTag(t)}>
          <svg viewBox="0 0 12 12" width="10" height="10" aria-hidden="true"><path d="M3 3l6 6M9 3l-6 6" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/></svg></button></span>`)}
        ${this.tags.length > 1 ? html`<button class="mode" title="Whether a DAG needs any of the tags or all of them"
          @click=${() => { this.tagsMode = this.tagsMode === "any" ? "all" : "any"; this.offset = 0; }}>Match ${this.tagsMode}</button>` : nothing}
      </span>` : nothing}
      <span class="count" aria-live="polite">${d ? `${d.total_entries.toLocaleString("en")} ${d.total_entries === 1 ? "DAG" : "DAGs"}` : ""}</span>
    </div>`;
  }

  #head(): TemplateResult {
    const sort = (field: string, label: string) => {
      const active = this.orderBy.replace(/^-/, "") === field;
      const desc = this.orderBy.startsWith("-");
      return html`<button class="sort" ?data-active=${active} @click=${() => this.#sortBy(field)}
        aria-label="${label}: sort ${active && !desc ? "descending" : "ascending"}">${label}<span class="arrow" aria-hidden="true">${active ? (desc ? "↓" : "↑") : "↕"}</span></button>`;
    };
    const ariaSort = (field: string) => (this.orderBy.replace(/^-/, "") !== field ? "none" : this.orderBy.startsWith("-") ? "descending" : "ascending");
    return html`<div class="row head" role="row" aria-rowindex="1">
      <div role="columnheader"><span class="visually-hidden">Active</span></div>
      <div role="columnheader" aria-sort=${ariaSort("dag_id")}>${sort("dag_id", "DAG")}</div>
      <div role="columnheader" class="sched">Schedule</div>
      <div role="columnheader" class="col-next">Next run</div>
      <div role="columnheader" aria-sort=${ariaSort("last_run_start_date")}>${sort("last_run_start_date", "Last run")}</div>
      <div role="columnheader" class="right">Latest runs</div>
      <div role="columnheader"><span class="visually-hidden">Trigger</span></div>
    </div>`;
  }

  #rows(d: DagListPage, me: Me | null): TemplateResult {
    if (d.dags.length === 0) {
      const filtered = this.search || this.status !== "all" || this.tags.length;
      return html`<div class="empty" role="row"><div role="cell">${filtered
        ? html`<strong>No DAG matches these filters.</strong><button @click=${() => this.#clearFilters()}>Clear the filters</button>`
        : html`<strong>No DAGs yet.</strong>Put a DAG file in the DAGs folder: it shows here once it has been parsed.`}</div></div>`;
    }
    const ctx = (index: number): RowContext => ({
      slots: this.runs, index, canEdit: me?.can.edit === true, canTrigger: me?.can.trigger === true, chosenTags: this.tags,
      href: (r) => this.href(r), go: (r) => this.#go(r),
      togglePause: (row) => void this.#togglePause(row), trigger: (row) => this.#trigger(row), addTag: (t) => this.#addTag(t),
    });
    const v = this.#virtualize;
    if (!v) return html`${d.dags.map((row, i) => dagRow(row, ctx(this.offset + i)))}`;
    return html`${v({ items: d.dags, keyFunction: (row: DagListRow) => row.dag_id, renderItem: (row: DagListRow, i: number) => dagRow(row, ctx(this.offset + i)) })}`;
  }

  #pager(d: DagListPage): TemplateResult | typeof nothing {
    if (d.total_entries <= this.pageSize && this.offset === 0) return nothing;
    const first = d.total_entries ? this.offset + 1 : 0;
    const last = Math.min(this.offset + d.dags.length, d.total_entries);
    const pages = Math.max(1, Math.ceil(d.total_entries / this.pageSize));
    const page = Math.floor(this.offset / this.pageSize) + 1;
    return html`<nav class="pager" part="pager" aria-label="Pages of DAGs">
      <span>${first.toLocaleString("en")}–${last.toLocaleString("en")} of ${d.total_entries.toLocaleString("en")}</span>
      <button ?disabled=${page <= 1} @click=${() => this.#page(this.offset - this.pageSize)} aria-label="Previous page">‹ Previous</button>
      <span>Page ${page} of ${pages}</span>
      <button ?disabled=${page >= pages} @click=${() => this.#page(this.offset + this.pageSize)} aria-label="Next page">Next ›</button>
    </nav>`;
  }
}

define("updraft-dags", UpdraftDags);
