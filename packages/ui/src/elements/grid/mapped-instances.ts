// <updraft-mapped-instances dag-id run-id task-id>: the instances of a mapped task (or the children
// a task started with `ctx.submit`) in one run, a page at a time, for the grid's and the graph's
// side panel. Choosing one fires `updraft-select-instance` with its map index.
import { html, css, nothing } from "lit";
import { property, state } from "lit/decorators.js";
import { Task } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { seg } from "../../shared/api-client.ts";
import { statePill } from "../../shared/state-badge.ts";
import { stateBadgeStyles } from "../../shared/state-badge-styles.ts";
import { formatDuration, secondsBetween } from "../../shared/format.ts";
import { define } from "../../shared/define.ts";

interface MappedTi {
  map_index: number;
  state: string | null;
  try_number: number;
  rendered_map_index: string | null;
  start_date: string | null;
  end_date: string | null;
  hostname: string | null;
}

const PAGE = 100;

interface Page {
  task_instances: MappedTi[];
  total_entries: number;
}

/**
 * `<updraft-mapped-instances dag-id="d" run-id="r" task-id="t"></updraft-mapped-instances>`
 * Events: `updraft-select-instance` `{ mapIndex }`. Parts: `list`, `item`.
 */
export class UpdraftMappedInstances extends UpdraftElement {
  static override styles = [
    ...UpdraftElement.styles,
    stateBadgeStyles,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        border: 1px solid var(--updraft-border);
        border-radius: var(--updraft-radius);
        overflow: hidden;
      }
      li + li {
        border-top: 1px solid var(--updraft-border);
      }
      button.item {
        display: grid;
        grid-template-columns: 56px 1fr auto auto;
        align-items: center;
        gap: 10px;
        width: 100%;
        border: none;
        border-radius: 0;
        background: transparent;
        padding: 6px 10px;
        text-align: left;
        font-size: 13px;
      }
      button.item:hover {
        background: var(--updraft-surface);
      }
      .idx {
        font-family: var(--updraft-font-mono);
        color: var(--updraft-text-muted);
      }
      .label {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .dur {
        font-variant-numeric: tabular-nums;
        color: var(--updraft-text-muted);
        min-width: 56px;
        text-align: right;
      }
      .pager {
        display: flex;
        align-items: center;
        justify-content: space-between;
        margin-top: 8px;
        font-size: 12px;
      }
    `,
  ];

  @property({ attribute: "dag-id" }) dagId = "";
  @property({ attribute: "run-id" }) runId = "";
  @property({ attribute: "task-id" }) taskId = "";
  /** Changes whenever the instances' counts change (the grid passes them): the list is fetched again, at most once a second. */
  @property({ attribute: false }) stamp = "";
  @state() private offset = 0;
  #again: ReturnType<typeof setTimeout> | undefined;
  #last: Page | null = null;

  readonly #task = new Task(this, {
    task: async ([dagId, runId, taskId, offset], { signal }) => {
      if (!dagId || !runId || !taskId) return null;
      return this.client.get<Page>(
        `/api/v1/dags/${seg(dagId)}/dagRuns/${seg(runId)}/taskInstances/${seg(taskId)}/listMapped`,
        { limit: PAGE, offset }, signal,
      );
    },
    args: () => [this.dagId, this.runId, this.taskId, this.offset, this.apiBase, this.token] as const,
  });

  override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has("stamp") && changed.get("stamp") !== undefined && this.#again === undefined) {
      this.#again = setTimeout(() => {
        this.#again = undefined;
        void this.#task.run();
      }, 1000);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#again);
    this.#again = undefined;
  }

  override render() {
    return this.#task.render({
      pending: () => (this.#last ? this.#list(this.#last) : html`<p class="muted">Loading instances…</p>`),
      error: (e) => html`<p class="error" role="alert">${(e as Error).message}</p>`,
      complete: (page) => {
        if (!page) return nothing;
        this.#last = page;
        return this.#list(page);
      },
    });
  }

  #list(page: Page) {
    if (page.total_entries === 0) return html`<p class="muted">No instances yet.</p>`;
    const last = Math.min(this.offset + PAGE, page.total_entries);
    return html`<ul part="list" aria-label="Instances">
        ${page.task_instances.map((t) => html`<li>
          <button class="item" part="item" @click=${() => this.#select(t.map_index)}>
            <span class="idx"><span class="visually-hidden">Instance </span>[${t.map_index}]</span>
            <span class="label" title=${t.rendered_map_index ?? ""}>${t.rendered_map_index ?? ""}</span>
            ${statePill(t.state)}
            <span class="dur">${t.start_date ? formatDuration(secondsBetween(t.start_date, t.end_date)) : "–"}</span>
          </button>
        </li>`)}
      </ul>
      ${page.total_entries > PAGE ? html`<div class="pager">
        <button ?disabled=${this.offset === 0} @click=${() => (this.offset = Math.max(0, this.offset - PAGE))}>Previous</button>
        <span class="muted">${this.offset + 1}–${last} of ${page.total_entries}</span>
        <button ?disabled=${last >= page.total_entries} @click=${() => (this.offset += PAGE)}>Next</button>
      </div>` : nothing}`;
  }

  #select(mapIndex: number): void {
    this.dispatchEvent(new CustomEvent("updraft-select-instance", { detail: { mapIndex }, bubbles: true, composed: true }));
  }
}

define("updraft-mapped-instances", UpdraftMappedInstances);
