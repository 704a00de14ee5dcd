// <updraft-pools>: Airflow's Admin → Pools. Each pool's slots and how they are used — running,
// queued and scheduled instances and the open slots, as one stacked bar — with its description
// and whether deferred instances count. Credentials that may edit add and edit pools; admins
// delete them (with a confirmation); `default_pool` is never deleted.
import { html, nothing, type TemplateResult } from "lit";
import { state } from "lit/decorators.js";
import { Task } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { seg } from "../../shared/api-client.ts";
import { whoAmI, type Me } from "../../shared/principal.ts";
import { define } from "../../shared/define.ts";
import { adminStyles } from "../../shared/admin-styles.ts";
import { confirmModal, fetchAll, filterBox, icon, matches, nextSort, sortHeader, sortRows, type SortState } from "../../shared/admin-kit.ts";
import { poolForm, poolUsage, poolUsageStyles, type Pool, type PoolDraft } from "./pool-parts.ts";


type SortKey = "name" | "slots" | "occupied" | "open" | "description";
type Dialog = { kind: "form"; draft: PoolDraft } | { kind: "delete"; name: string; busy: boolean; error: string | null };

const DEFAULT_POOL = "default_pool";
const REFRESH_MS = 15_000;

/**
 * `<updraft-pools></updraft-pools>`
 * Parts: `title`, `toolbar`, `filter`, `table`, `usage`, `dialog`.
 */
export class UpdraftPools extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, adminStyles, poolUsageStyles];

  @state() private filter = "";
  @state() private sort: SortState<SortKey> = { key: "name", desc: false };
  @state() private dialog: Dialog | null = null;
  @state() private notice: string | null = null;
  #me: Me | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;

  readonly #task = new Task(this, {
    task: async (_args, { signal }) => {
      const [me, { items }] = await Promise.all([whoAmI(this.client), fetchAll<Pool>(this.client, "/api/v1/pools", "pools", { signal })]);
      this.#me = me;
      return items;
    },
    args: () => [this.apiBase, this.token] as const,
  });

  override connectedCallback(): void {
    super.connectedCallback();
    // Slot usage changes as tasks run: refreshed on a slow timer, not while a form is open.
    this.#timer = setInterval(() => {
      if (!this.dialog && document.visibilityState !== "hidden") void this.#task.run();
    }, REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  override render() {
    const edit = this.#me?.can.edit ?? false;
    return html`
      <div class="page-head">
        <h2 class="title" part="title">Pools</h2>
        ${this.#task.value ? html`<span class="count">${this.#task.value.length}</span>` : nothing}
        <span class="spacer"></span>
        ${edit ? html`<button class="primary with-icon" @click=${() => this.#open(null)}>${icon("plus")}Add pool</button>` : nothing}
      </div>
      ${this.notice ? html`<div class="banner ok" role="status">${this.notice}
        <button class="icon-btn x" aria-label="Dismiss" @click=${() => (this.notice = null)}>${icon("close")}</button></div>` : nothing}
      ${this.#task.render({
        pending: () => (this.#task.value ? this.#card(this.#task.value) : html`<div class="card"><div class="empty" role="status">Loading pools…</div></div>`),
        complete: (items) => this.#card(items),
        error: (e) => html`<div class="banner" role="alert">Could not load the pools: ${(e as Error).message}</div>`,
      })}
      ${this.#dialog()}`;
  }

  #card(items: Pool[]): TemplateResult {
    const edit = this.#me?.can.edit ?? false;
    const admin = this.#me?.can.admin ?? false;
    const value = (p: Pool, k: SortKey) => {
      switch (k) {
        case "name": return p.name;
        case "slots": return p.slots === -1 ? Number.POSITIVE_INFINITY : p.slots;
        case "occupied": return p.occupied_slots;
        case "open": return p.open_slots === -1 ? Number.POSITIVE_INFINITY : p.open_slots;
        case "description": return p.description;
        default: return k satisfies never;
      }
    };
    const shown = sortRows(items.filter((p) => matches(this.filter, p.name, p.description)), this.sort, value);
    const onSort = (k: SortKey) => (this.sort = nextSort(this.sort, k));
    return html`<div class="card">
      <div class="toolbar" part="toolbar">${filterBox(this.filter, "Filter pools", (t) => (this.filter = t))}</div>
      <div class="table-scroll"><table class="data" part="table" aria-label="Pools">
        <thead><tr>
          ${sortHeader("Pool", "name", this.sort, onSort)}${sortHeader("Slots", "slots", this.sort, onSort, true)}
          ${sortHeader("Usage", "occupied", this.sort, onSort)}${sortHeader("Open", "open", this.sort, onSort, true)}
          ${sortHeader("Description", "description", this.sort, onSort)}
          <th scope="col"><span>Deferred</span></th>
          ${edit ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}
        </tr></thead>
        <tbody>${shown.length ? shown.map((p) => html`<tr>
          <td><span class="id mono">${p.name}</span></td>
          <td class="num">${p.slots === -1 ? html`<span title="Unlimited">∞</span>` : p.slots}</td>
          <td>${poolUsage(p)}</td>
          <td class="num">${p.open_slots === -1 ? html`<span title="Unlimited">∞</span>` : p.open_slots}</td>
          <td>${p.description ?? html`<span class="muted">–</span>`}</td>
          <td>${p.include_deferred ? html`<span title="Deferred instances take slots">counted</span>` : html`<span class="muted">not counted</span>`}</td>
          ${edit ? html`<td class="actions">
            <button class="icon-btn" aria-label="Edit ${p.name}" title="Edit" @click=${() => this.#open(p)}>${icon("edit")}</button>
            ${admin && p.name !== DEFAULT_POOL ? html`<button class="icon-btn danger" aria-label="Delete ${p.name}" title="Delete"
              @click=${() => (this.dialog = { kind: "delete", name: p.name, busy: false, error: null })}>${icon("trash")}</button>` : nothing}
          </td>` : nothing}
        </tr>`) : html`<tr><td colspan="7" class="empty">${items.length ? `No pool matches “${this.filter}”.` : "No pools."}</td></tr>`}</tbody>
      </table></div>
    </div>`;
  }

  #dialog(): TemplateResult | typeof nothing {
    const d = this.dialog;
    if (!d) return nothing;
    const close = () => (this.dialog = null);
    if (d.kind === "delete") {
      return confirmModal({
        title: "Delete pool?", confirmLabel: "Delete", danger: true, busy: d.busy, error: d.error, onCancel: close,
        message: html`The pool <strong class="mono">${d.name}</strong> will be deleted. Tasks assigned to it will not be scheduled until it exists again.`,
        onConfirm: () => void this.#delete(d.name),
      });
    }
    return poolForm(d.draft, {
      change: (patch) => {
        if (this.dialog?.kind === "form") this.dialog = { kind: "form", draft: { ...this.dialog.draft, ...patch } };
      },
      save: () => void this.#save(d.draft),
      cancel: close,
    });
  }

  #open(p: Pool | null): void {
    this.dialog = {
      kind: "form",
      draft: {
        mode: p ? "edit" : "add", original: p?.name ?? "", name: p?.name ?? "", slots: p ? String(p.slots === -1 ? 128 : p.slots) : "128",
        unlimited: p?.slots === -1, description: p?.description ?? "", includeDeferred: p?.include_deferred ?? false, busy: false, error: null,
      },
    };
  }

  async #save(d: PoolDraft): Promise<void> {
    const set = (patch: Partial<PoolDraft>) => (this.dialog = { kind: "form", draft: { ...d, ...patch } });
    const name = d.name.trim();
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name)) return void set({ error: "Name: 1 to 256 letters, digits, '_', '.' or '-'." });
    const slots = d.unlimited ? -1 : Number(d.slots);
    if (!d.unlimited && !(/^\d+$/.test(d.slots.trim()))) return void set({ error: "Slots: a whole number, 0 or more (or unlimited)." });
    set({ busy: true, error: null });
    const body = { name, slots, description: d.description.trim() ? d.description : null, include_deferred: d.includeDeferred };
    try {
      if (d.mode === "add") await this.client.post("/api/v1/pools", body);
      else await this.client.patch(`/api/v1/pools/${seg(d.original)}`, body);
      this.dialog = null;
      this.notice = `Pool “${name}” saved.`;
      void this.#task.run();
    } catch (err) {
      set({ busy: false, error: (err as Error).message });
    }
  }

  async #delete(name: string): Promise<void> {
    this.dialog = { kind: "delete", name, busy: true, error: null };
    try {
      await this.client.delete(`/api/v1/pools/${seg(name)}`);
      this.dialog = null;
      this.notice = `Pool “${name}” deleted.`;
      void this.#task.run();
    } catch (err) {
      this.dialog = { kind: "delete", name, busy: false, error: (err as Error).message };
    }
  }
}

define("updraft-pools", UpdraftPools);
