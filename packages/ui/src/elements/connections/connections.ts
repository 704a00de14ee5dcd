// <updraft-connections>: Airflow's Admin → Connections. Every connection's id, type, host, port,
// schema, login and description in a sortable, filterable table — never a password or a secret
// extra (the API returns neither). Credentials that may edit add, edit (the password write-only),
// test and delete (with a confirmation) connections.
import { html, nothing, type TemplateResult } from "lit";
import { state } from "lit/decorators.js";
import { Task } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { ApiProblem, seg } from "../../shared/api-client.ts";
import { whoAmI, type Me } from "../../shared/principal.ts";
import { define } from "../../shared/define.ts";
import { adminStyles } from "../../shared/admin-styles.ts";
import { confirmModal, fetchAll, filterBox, icon, matches, nextSort, sortHeader, sortRows, type SortState } from "../../shared/admin-kit.ts";
import { connectionForm, draftProblem, type ConnectionDraft } from "./connection-form.ts";

interface Connection {
  connection_id: string;
  conn_type: string;
  description: string | null;
  host: string | null;
  login: string | null;
  schema: string | null;
  port: number | null;
}

type SortKey = "connection_id" | "conn_type" | "host" | "port" | "schema" | "login" | "description";
type Dialog = { kind: "form"; draft: ConnectionDraft } | { kind: "delete"; id: string; busy: boolean; error: string | null };

const blank = (mode: "add" | "edit"): ConnectionDraft => ({
  mode, connection_id: "", conn_type: "", description: "", host: "", port: "", schema: "", login: "", password: "", clearPassword: false,
  extra: "", loadedExtra: "", busy: false, testing: false, error: null, test: null,
});

/**
 * `<updraft-connections></updraft-connections>`
 * Parts: `title`, `toolbar`, `filter`, `table`, `dialog`.
 */
export class UpdraftConnections extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, adminStyles];

  @state() private filter = "";
  @state() private sort: SortState<SortKey> = { key: "connection_id", desc: false };
  @state() private dialog: Dialog | null = null;
  @state() private notice: string | null = null;
  #me: Me | null = null;
  /** Set once the server said testing is disabled: the Test button goes. */
  #testDisabled: string | null = null;

  readonly #task = new Task(this, {
    task: async (_args, { signal }) => {
      const me = await whoAmI(this.client);
      this.#me = me;
      // As Airflow's Viewer, credentials below the edit scope see no connections at all.
      if (!me.can.edit) return null;
      return (await fetchAll<Connection>(this.client, "/api/v1/connections", "connections", { signal })).items;
    },
    args: () => [this.apiBase, this.token] as const,
  });

  get #canEdit(): boolean {
    return this.#me?.can.edit ?? false;
  }

  override render() {
    return html`
      <div class="page-head">
        <h2 class="title" part="title">Connections</h2>
        ${this.#task.value ? html`<span class="count">${this.#task.value.length}</span>` : nothing}
        <span class="spacer"></span>
        ${this.#canEdit ? html`<button class="primary with-icon" @click=${() => (this.dialog = { kind: "form", draft: blank("add") })}>${icon("plus")}Add connection</button>` : nothing}
      </div>
      ${this.notice ? html`<div class="banner ok" role="status">${this.notice}
        <button class="icon-btn x" aria-label="Dismiss" @click=${() => (this.notice = null)}>${icon("close")}</button></div>` : nothing}
      ${this.#task.render({
        pending: () => (this.#task.value ? this.#card(this.#task.value) : html`<div class="card"><div class="empty" role="status">Loading connections…</div></div>`),
        complete: (items) => (items ? this.#card(items)
          : html`<div class="card"><div class="empty" role="status">Connections are shown to credentials with the edit scope; these have the ${this.#me?.scope ?? "read"} scope.</div></div>`),
        error: (e) => html`<div class="banner" role="alert">Could not load the connections: ${(e as Error).message}</div>`,
      })}
      ${this.#dialog()}`;
  }

  #card(items: Connection[]): TemplateResult {
    const edit = this.#canEdit;
    const shown = sortRows(items.filter((c) => matches(this.filter, c.connection_id, c.conn_type, c.host, c.schema, c.login, c.description)), this.sort, (c, k) => c[k]);
    const onSort = (k: SortKey) => (this.sort = nextSort(this.sort, k));
    const dash = html`<span class="muted">–</span>`;
    return html`<div class="card">
      <div class="toolbar" part="toolbar">${filterBox(this.filter, "Filter connections", (t) => (this.filter = t))}</div>
      <div class="table-scroll"><table class="data" part="table" aria-label="Connections">
        <thead><tr>
          ${sortHeader("Connection ID", "connection_id", this.sort, onSort)}${sortHeader("Type", "conn_type", this.sort, onSort)}
          ${sortHeader("Host", "host", this.sort, onSort)}${sortHeader("Port", "port", this.sort, onSort, true)}
          ${sortHeader("Schema", "schema", this.sort, onSort)}${sortHeader("Login", "login", this.sort, onSort)}
          ${sortHeader("Description", "description", this.sort, onSort)}
          ${edit ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}
        </tr></thead>
        <tbody>${shown.length ? shown.map((c) => html`<tr>
          <td><span class="id mono">${c.connection_id}</span></td>
          <td><span class="tag">${c.conn_type}</span></td>
          <td class="mono">${c.host ?? dash}</td>
          <td class="num">${c.port ?? dash}</td>
          <td class="mono">${c.schema ?? dash}</td>
          <td class="mono">${c.login ?? dash}</td>
          <td>${c.description ?? dash}</td>
          ${edit ? html`<td class="actions">
            <button class="icon-btn" aria-label="Edit ${c.connection_id}" title="Edit" @click=${() => void this.#edit(c)}>${icon("edit")}</button>
            <button class="icon-btn danger" aria-label="Delete ${c.connection_id}" title="Delete"
              @click=${() => (this.dialog = { kind: "delete", id: c.connection_id, busy: false, error: null })}>${icon("trash")}</button>
          </td>` : nothing}
        </tr>`) : html`<tr><td colspan="8" class="empty">${items.length ? `No connection matches “${this.filter}”.` : "No connections yet."}</td></tr>`}</tbody>
      </table></div>
    </div>`;
  }

  #dialog(): TemplateResult | typeof nothing {
    const d = this.dialog;
    if (!d) return nothing;
    const close = () => (this.dialog = null);
    if (d.kind === "delete") {
      return confirmModal({
        title: "Delete connection?", confirmLabel: "Delete", danger: true, busy: d.busy, error: d.error, onCancel: close,
        message: html`The connection <strong class="mono">${d.id}</strong> will be deleted. Tasks that use it will fail until it is added again.`,
        onConfirm: () => void this.#delete(d.id),
      });
    }
    return connectionForm(d.draft, this.#testDisabled === null, {
      change: (patch) => this.#patch(patch),
      save: () => void this.#save(),
      test: () => void this.#test(),
      cancel: close,
    });
  }

  #patch(patch: Partial<ConnectionDraft>): void {
    if (this.dialog?.kind === "form") this.dialog = { kind: "form", draft: { ...this.dialog.draft, ...patch } };
  }

  async #edit(c: Connection): Promise<void> {
    const draft: ConnectionDraft = {
      ...blank("edit"), connection_id: c.connection_id, conn_type: c.conn_type, description: c.description ?? "", host: c.host ?? "",
      port: c.port === null ? "" : String(c.port), schema: c.schema ?? "", login: c.login ?? "", busy: true,
    };
    this.dialog = { kind: "form", draft };
    try {
      // The extra comes from the single connection, its sensitive keys masked.
      const full = await this.client.get<Connection & { extra: string | null }>(`/api/v1/connections/${seg(c.connection_id)}`);
      this.#patch({ extra: full.extra ?? "", loadedExtra: full.extra ?? "", busy: false });
    } catch (err) {
      this.#patch({ busy: false, error: (err as Error).message });
    }
  }

  /** The body the API takes, and for an edit the fields it changes. */
  #body(d: ConnectionDraft): { body: Record<string, unknown>; mask: string[] } {
    const text = (s: string) => (s.trim() ? s.trim() : null);
    const body: Record<string, unknown> = {
      connection_id: d.connection_id.trim(), conn_type: d.conn_type.trim(), description: text(d.description), host: text(d.host),
      port: d.port.trim() ? Number(d.port) : null, schema: text(d.schema), login: text(d.login),
    };
    const mask = ["conn_type", "description", "host", "port", "schema", "login"];
    if (d.mode === "add" || d.password || d.clearPassword) {
      body.password = d.clearPassword ? null : d.password || null;
      mask.push("password");
    }
    if (d.mode === "add" || d.extra !== d.loadedExtra) {
      body.extra = text(d.extra);
      mask.push("extra");
    }
    return { body, mask };
  }

  async #save(): Promise<void> {
    if (this.dialog?.kind !== "form") return;
    const d = this.dialog.draft;
    const problem = draftProblem(d);
    if (problem) {
      this.#patch({ error: problem });
      return;
    }
    this.#patch({ busy: true, error: null });
    const { body, mask } = this.#body(d);
    try {
      if (d.mode === "add") await this.client.post("/api/v1/connections", body);
      else await this.client.patch(`/api/v1/connections/${seg(d.connection_id)}`, body, { update_mask: mask.join(",") });
      this.dialog = null;
      this.notice = `Connection “${body.connection_id as string}” saved.`;
      void this.#task.run();
    } catch (err) {
      this.#patch({ busy: false, error: (err as Error).message });
    }
  }

  async #test(): Promise<void> {
    if (this.dialog?.kind !== "form") return;
    const { body } = this.#body({ ...this.dialog.draft, mode: "add" });
    this.#patch({ testing: true, test: null, error: null });
    try {
      const r = await this.client.post<{ status: boolean; message: string }>("/api/v1/connections/test", body);
      this.#patch({ testing: false, test: { ok: r.status, message: r.message } });
    } catch (err) {
      const disabled = err instanceof ApiProblem && err.status === 403 && /disabled/i.test(err.message);
      if (disabled) this.#testDisabled = err.message;
      this.#patch({ testing: false, test: { ok: disabled ? null : false, message: (err as Error).message } });
    }
  }

  async #delete(id: string): Promise<void> {
    this.dialog = { kind: "delete", id, busy: true, error: null };
    try {
      await this.client.delete(`/api/v1/connections/${seg(id)}`);
      this.dialog = null;
      this.notice = `Connection “${id}” deleted.`;
      void this.#task.run();
    } catch (err) {
      this.dialog = { kind: "delete", id, busy: false, error: (err as Error).message };
    }
  }
}

define("updraft-connections", UpdraftConnections);
