// Pieces of `<updraft-pools>`: a pool's slot usage as a stacked bar (running, queued, then the
// scheduled instances waiting for a slot, hatched), and the add / edit form.
import { css, html, nothing, type TemplateResult } from "lit";
import { modal } from "../../shared/admin-kit.ts";
import { stateGlyph } from "../../shared/state-badge.ts";

/** A pool as GET /api/v1/pools returns it. */
export interface Pool {
  name: string;
  slots: number;
  occupied_slots: number;
  running_slots: number;
  queued_slots: number;
  scheduled_slots: number;
  deferred_slots: number;
  open_slots: number;
  description: string | null;
  include_deferred: boolean;
}

export interface PoolDraft {
  mode: "add" | "edit";
  /** The name before an edit (a pool may be renamed). */
  original: string;
  name: string;
  slots: string;
  unlimited: boolean;
  description: string;
  includeDeferred: boolean;
  busy: boolean;
  error: string | null;
}

export const poolUsageStyles = css`
  .usage {
    display: flex;
    flex-direction: column;
    gap: 4px;
    min-width: 220px;
  }
  .stack {
    display: flex;
    height: 10px;
    border-radius: 5px;
    overflow: hidden;
    background: var(--updraft-surface-2);
  }
  .stack span {
    height: 100%;
  }
  .stack .running {
    background: var(--updraft-state-running);
  }
  .stack .queued {
    background: var(--updraft-state-queued);
  }
  .stack .scheduled {
    background: repeating-linear-gradient(135deg, var(--updraft-state-scheduled) 0 3px, transparent 3px 6px);
  }
  .figures {
    display: flex;
    gap: 10px;
    flex-wrap: wrap;
    font-size: 12px;
    color: var(--updraft-text-muted);
    font-variant-numeric: tabular-nums;
  }
  .figures span {
    display: inline-flex;
    align-items: center;
    gap: 3px;
  }
`;

/** The slots a pool has in use, as a bar and as words. */
export function poolUsage(p: Pool): TemplateResult {
  const total = p.slots === -1 ? Math.max(1, p.running_slots + p.queued_slots + p.scheduled_slots) : Math.max(1, p.slots);
  const pct = (n: number) => `${Math.min(100, (n / total) * 100)}%`;
  const label = `${p.running_slots} running, ${p.queued_slots} queued, ${p.scheduled_slots} scheduled, ${p.open_slots === -1 ? "unlimited" : p.open_slots} open`;
  return html`<div class="usage" part="usage">
    <div class="stack" role="img" aria-label=${label}>
      <span class="running" style="width:${pct(p.running_slots)}"></span>
      <span class="queued" style="width:${pct(p.queued_slots)}"></span>
      <span class="scheduled" style="width:${pct(p.scheduled_slots)}"></span>
    </div>
    <div class="figures" aria-hidden="true">
      <span>${stateGlyph("running")}${p.running_slots} running</span>
      <span>${stateGlyph("queued")}${p.queued_slots} queued</span>
      ${p.scheduled_slots ? html`<span>${stateGlyph("scheduled")}${p.scheduled_slots} scheduled</span>` : nothing}
    </div>
  </div>`;
}

export function poolForm(d: PoolDraft, on: { change(patch: Partial<PoolDraft>): void; save(): void; cancel(): void }): TemplateResult {
  const isDefault = d.original === "default_pool";
  return modal({
    title: d.mode === "add" ? "Add pool" : html`Edit <span class="mono">${d.original}</span>`,
    small: true, onSubmit: () => on.save(), onCancel: () => on.cancel(),
    body: html`
      <div class="field">
        <label for="p-name">Name</label>
        <input id="p-name" .value=${d.name} ?readonly=${isDefault} autocomplete="off" spellcheck="false" ?autofocus=${d.mode === "add"}
          @input=${(e: Event) => on.change({ name: (e.target as HTMLInputElement).value })} />
        ${isDefault ? html`<span class="hint">The default pool cannot be renamed.</span>` : nothing}
      </div>
      <div class="field">
        <label for="p-slots">Slots</label>
        <input id="p-slots" inputmode="numeric" .value=${d.unlimited ? "" : d.slots} ?disabled=${d.unlimited} ?autofocus=${d.mode === "edit"}
          placeholder=${d.unlimited ? "Unlimited" : ""} @input=${(e: Event) => on.change({ slots: (e.target as HTMLInputElement).value })} />
        <label class="check"><input type="checkbox" .checked=${d.unlimited}
          @change=${(e: Event) => on.change({ unlimited: (e.target as HTMLInputElement).checked })} />Unlimited slots</label>
      </div>
      <div class="field">
        <label for="p-desc">Description</label>
        <input id="p-desc" .value=${d.description} @input=${(e: Event) => on.change({ description: (e.target as HTMLInputElement).value })} />
      </div>
      <label class="check"><input type="checkbox" .checked=${d.includeDeferred}
        @change=${(e: Event) => on.change({ includeDeferred: (e.target as HTMLInputElement).checked })} />Deferred task instances take slots of this pool</label>
      ${d.error ? html`<div class="form-error" role="alert">${d.error}</div>` : nothing}`,
    actions: html`<button type="button" @click=${() => on.cancel()}>Cancel</button>
      <button type="submit" class="primary" ?disabled=${d.busy}>${d.busy ? "Saving…" : "Save"}</button>`,
  });
}
