// The side panel of the grid and the graph for one task in one run: the instance
// (`<updraft-task-instance>`), or for a mapped task or the children of a ctx.submit their counts
// per state and the list of instances, one of which can then be opened.
import { html, nothing, type TemplateResult } from "lit";
import { statePill } from "../../shared/state-badge.ts";
import type { CellSummary, GridNode } from "../../shared/grid-types.ts";
import { orderedCounts } from "./grid-parts.ts";
import "./mapped-instances.ts";

/** What the panel shows and how it reaches the API. */
export interface InstancePanelOptions {
  apiBase: string;
  token: string;
  theme: string;
  dagId: string;
  runId: string;
  runLabel: string;
  taskId: string;
  /** The instance; null for the whole set of a mapped task's instances. */
  mapIndex: number | null;
  node: GridNode | undefined;
  cell: CellSummary | undefined;
  /** Changes the selection (a map index chosen, or null to go back to the list). */
  select(mapIndex: number | null): void;
  close(): void;
}

/**
 * The panel, loading `<updraft-task-instance>` when the page does not define it yet: `/ui/updraft.js`
 * defines it; a page that loaded one element's module gets it from beside that module (this code
 * sits in `/ui/elements/` or `/ui/chunks/`, so `../elements/` names the same folder from both).
 */
export function instancePanel(o: InstancePanelOptions): TemplateResult {
  const grouped = Boolean(o.node?.is_mapped || o.node?.parent_task_id || o.cell?.counts);
  const showList = grouped && o.mapIndex === null;
  if (!showList && !customElements.get("updraft-task-instance")) {
    const url = new URL("../elements/task-instance.js", import.meta.url).href;
    import(/* a runtime URL, not bundled */ url).catch(() => undefined);
  }
  const back = grouped && !showList ? html`<button @click=${() => o.select(null)}>← All ${o.cell?.total ?? ""} instances</button>` : nothing;
  const what = html`${o.taskId}${grouped && !showList ? html` <span class="muted">[${o.mapIndex}]</span>` : nothing}
    <span class="muted">· ${o.runLabel}</span>`;
  return html`<aside class="panel" part="panel" aria-label="Task instance ${o.taskId}">
    <div class="panel-head">${back}<span class="what">${what}</span>
      <button class="icon-btn" aria-label="Close" title="Close (Escape)" @click=${() => o.close()}>✕</button></div>
    <div class="panel-body">
      ${showList
        ? html`${o.cell?.counts ? html`<p class="counts">${orderedCounts(o.cell.counts).map(([s, n]) => html`${statePill(s)} ${n} `)}</p>` : nothing}
          <updraft-mapped-instances .apiBase=${o.apiBase} .token=${o.token} .theme=${o.theme} .stamp=${JSON.stringify(o.cell?.counts ?? {})} dag-id=${o.dagId} run-id=${o.runId}
            task-id=${o.taskId} @updraft-select-instance=${(e: CustomEvent<{ mapIndex: number }>) => o.select(e.detail.mapIndex)}></updraft-mapped-instances>`
        : html`<updraft-task-instance .apiBase=${o.apiBase} .token=${o.token} .theme=${o.theme} dag-id=${o.dagId} run-id=${o.runId}
            task-id=${o.taskId} map-index=${o.mapIndex ?? -1}></updraft-task-instance>`}
    </div>
  </aside>`;
}
