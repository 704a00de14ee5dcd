// <updraft-variables>: Airflow's Admin → Variables. Keys, values and descriptions in a sortable,
// filterable table; add, edit and delete (with a confirmation) for credentials that may edit;
// import and export in Airflow's JSON format (`{ "key": value }`). Credentials that may only read
// see the keys, never the values; a sensitive variable's value is masked for everyone.
import { html, nothing, type TemplateResult } from "lit";
import { state } from "lit/decorators.js";
import { Task } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { seg } from "../../shared/api-client.ts";
import { whoAmI, type Me } from "../../shared/principal.ts";
import { define } from "../../shared/define.ts";
import { adminStyles } from "../../shared/admin-styles.ts";
import {
  confirmModal, download, fetchAll, filterBox, icon, jsonCheck, matches, nextSort, sortHeader, sortRows, type SortState,
} from "../../shared/admin-kit.ts";
import { isSensitive, variableForm, type VariableDraft } from "./variable-form.ts";
import { importModal, parseImport, type ImportState } from "./variable-import.ts";

interface Variable {
  key: string;
  /** Absent for credentials below the edit scope: they list keys and descriptions only, as Airflow's Viewer. */
  value?: string;
  description: string | null;
}

type SortKey = "key" | "value" | "description";
type Dialog = { kind: "form"; draft: VariableDraft } | { kind: "delete"; key: string; busy: boolean; error: string | null } | { kind: "import"; state: ImportState };

const MASK = "••••••••";

/**
 * `<updraft-variables></updraft-variables>`
 * Parts: `title`, `toolbar`, `filter`, `table`, `dialog`.
 */
export class UpdraftVariables extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, adminStyles];

  @state() private filter = "";
  @state() private sort: SortState<SortKey> = { key: "key", desc: false };
  @state() private dialog: Dialog | null = null;
  @state() private notice: { ok: boolean; text: string } | null = null;
  #me: Me | null = null;

  readonly #task = new Task(this, {
    task: async (_args, { signal }) => {
      const [me, { items }] = await Promise.all([whoAmI(this.client), fetchAll<Variable>(this.client, "/api/v1/variables", "variables", { signal })]);
      this.#me = me;
      return items;
    },
    args: () => [this.apiBase, this.token] as const,
  });

  get #canEdit(): boolean {
    return this.#me?.can.edit ?? false;
  }

  override render() {
    return html`
      <div class="page-head">
        <h2 class="title" part="title">Variables</h2>
        ${this.#task.value ? html`<span class="count">${this.#task.value.length}</span>` : nothing}
        <span class="spacer"></span>
        ${this.#canEdit ? html`
          <button class="with-icon" @click=${() => this.#pickFile()}>${icon("upload")}Import</button>
          <button class="with-icon" ?disabled=${!this.#task.value?.length} @click=${() => this.#export()}>${icon("download")}Export</button>
          <button class="primary with-icon" @click=${() => this.#openForm(null)}>${icon("plus")}Add variable</button>
          <input type="file" accept="application/json,.json" hidden @change=${(e: Event) => void this.#readFile(e)} />` : nothing}
      </div>
      ${this.notice ? html`<div class="banner ${this.notice.ok ? "ok" : ""}" role="status">${this.notice.text}
        <button class="icon-btn x" aria-label="Dismiss" @click=${() => (this.notice = null)}>${icon("close")}</button></div>` : nothing}
      ${this.#task.render({
        pending: () => (this.#task.value ? this.#card(this.#task.value) : html`<div class="card"><div class="empty" role="status">Loading variables…</div></div>`),
        complete: (items) => this.#card(items),
        error: (e) => html`<div class="banner" role="alert">Could not load the variables: ${(e as Error).message}</div>`,
      })}
      ${this.#dialog()}`;
  }

  #card(items: Variable[]): TemplateResult {
    const edit = this.#canEdit;
    const shown = sortRows(items.filter((v) => matches(this.filter, v.key, v.description, edit && !isSensitive(v.key) ? v.value : null)), this.sort, (v, k) => (k === "value" ? (edit && !isSensitive(v.key) ? (v.value ?? null) : null) : v[k] ?? null));
    const onSort = (k: SortKey) => (this.sort = nextSort(this.sort, k));
    return html`<div class="card">
      <div class="toolbar" part="toolbar">
        ${filterBox(this.filter, "Filter variables", (t) => (this.filter = t))}
        <span class="spacer"></span>
        ${edit ? nothing : html`<span class="muted">Values are shown to credentials that may edit variables.</span>`}
      </div>
      <div class="table-scroll"><table class="data" part="table" aria-label="Variables">
        <thead><tr>
          ${sortHeader("Key", "key", this.sort, onSort)}
          ${edit ? sortHeader("Value", "value", this.sort, onSort) : nothing}
          ${sortHeader("Description", "description", this.sort, onSort)}
          ${edit ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}
        </tr></thead>
        <tbody>${shown.length ? shown.map((v) => this.#row(v)) : html`<tr><td colspan="4" class="empty">${items.length
          ? `No variable matches “${this.filter}”.` : "No variables yet."}</td></tr>`}</tbody>
      </table></div>
    </div>`;
  }

  #row(v: Variable): TemplateResult {
    const edit = this.#canEdit;
    const sensitive = isSensitive(v.key);
    const value = v.value ?? "";
    const check = edit ? jsonCheck(value) : null;
    return html`<tr>
      <td><span class="id mono">${v.key}</span></td>
      ${edit ? html`<td>${sensitive
        ? html`<span class="mono muted" title="Sensitive: the value is masked">${MASK}</span> <span class="tag">sensitive</span>`
        : html`<span class="mono clip" title=${value}>${value}</span>${check?.kind === "json" ? html` <span class="tag">JSON</span>` : nothing}`}</td>` : nothing}
      <td>${v.description ?? html`<span class="muted">–</span>`}</td>
      ${edit ? html`<td class="actions">
        <button class="icon-btn" aria-label="Edit ${v.key}" title="Edit" @click=${() => this.#openForm(v)}>${icon("edit")}</button>
        <button class="icon-btn danger" aria-label="Delete ${v.key}" title="Delete" @click=${() => (this.dialog = { kind: "delete", key: v.key, busy: false, error: null })}>${icon("trash")}</button>
      </td>` : nothing}
    </tr>`;
  }

  #dialog(): TemplateResult | typeof nothing {
    const d = this.dialog;
    if (!d) return nothing;
    const close = () => (this.dialog = null);
    switch (d.kind) {
      case "form":
        return variableForm(d.draft, {
          change: (patch) => (this.dialog = { kind: "form", draft: { ...d.draft, ...patch } }),
          save: () => void this.#save(d.draft),
          cancel: close,
        });
      case "delete":
        return confirmModal({
          title: "Delete variable?", confirmLabel: "Delete", danger: true, busy: d.busy, error: d.error, onCancel: close,
          message: html`The variable <strong class="mono">${d.key}</strong> will be deleted. Tasks that read it will get no value.`,
          onConfirm: () => void this.#delete(d.key),
        });
      case "import":
        return importModal(d.state, { confirm: () => void this.#import(d.state), cancel: close });
      default:
        return d satisfies never;
    }
  }

  #openForm(v: Variable | null): void {
    const hidden = v !== null && isSensitive(v.key);
    this.dialog = {
      kind: "form",
      draft: { mode: v ? "edit" : "add", key: v?.key ?? "", value: v && !hidden ? (v.value ?? "") : "", description: v?.description ?? "", hiddenValue: hidden, busy: false, error: null },
    };
  }

  async #save(d: VariableDraft): Promise<void> {
    const key = d.key.trim();
    if (!key) return;
    const set = (patch: Partial<VariableDraft>) => (this.dialog = { kind: "form", draft: { ...d, ...patch } });
    if (d.mode === "add" && this.#task.value?.some((v) => v.key === key)) {
      set({ error: `key: a variable "${key}" exists already; edit it instead.` });
      return;
    }
    set({ busy: true, error: null });
    try {
      const description = d.description.trim() ? d.description : null;
      if (d.mode === "add") await this.client.post("/api/v1/variables", { key, value: d.value, description });
      else if (d.hiddenValue && d.value === "") await this.client.patch(`/api/v1/variables/${seg(key)}`, { key, description }, { update_mask: "description" });
      else await this.client.patch(`/api/v1/variables/${seg(key)}`, { key, value: d.value, description });
      this.dialog = null;
      this.notice = { ok: true, text: `Variable “${key}” saved.` };
      void this.#task.run();
    } catch (err) {
      set({ busy: false, error: (err as Error).message });
    }
  }

  async #delete(key: string): Promise<void> {
    this.dialog = { kind: "delete", key, busy: true, error: null };
    try {
      await this.client.delete(`/api/v1/variables/${seg(key)}`);
      this.dialog = null;
      this.notice = { ok: true, text: `Variable “${key}” deleted.` };
      void this.#task.run();
    } catch (err) {
      this.dialog = { kind: "delete", key, busy: false, error: (err as Error).message };
    }
  }

  #pickFile(): void {
    const input = this.renderRoot.querySelector<HTMLInputElement>('input[type="file"]');
    if (input) {
      input.value = "";
      input.click();
    }
  }

  async #readFile(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const parsed = parseImport(await file.text());
    const existing = new Set((this.#task.value ?? []).map((v) => v.key));
    this.dialog = { kind: "import", state: { file: file.name, ...parsed, replacing: parsed.entries.filter(([k]) => existing.has(k)).length, busy: false, failures: [] } };
  }

  async #import(s: ImportState): Promise<void> {
    this.dialog = { kind: "import", state: { ...s, busy: true, failures: [] } };
    const failures: string[] = [];
    for (const [key, value] of s.entries) {
      try {
        await this.client.post("/api/v1/variables", { key, value });
      } catch (err) {
        failures.push(`${key}: ${(err as Error).message}`);
      }
    }
    void this.#task.run();
    const done = s.entries.length - failures.length;
    if (failures.length) this.dialog = { kind: "import", state: { ...s, busy: false, failures } };
    else this.dialog = null;
    this.notice = { ok: failures.length === 0, text: `Imported ${done} of ${s.entries.length} variables from ${s.file}.` };
  }

  /** Airflow's export: values that are JSON exported as JSON, the others as strings. */
  #export(): void {
    const out: Record<string, unknown> = {};
    for (const v of this.#task.value ?? []) {
      const value = v.value ?? "";
      try {
        out[v.key] = JSON.parse(value);
      } catch {
        out[v.key] = value;
      }
    }
    download("variables.json", `${JSON.stringify(out, null, 2)}\n`);
    this.notice = { ok: true, text: `Exported ${Object.keys(out).length} variables to variables.json.` };
  }
}

define("updraft-variables", UpdraftVariables);
