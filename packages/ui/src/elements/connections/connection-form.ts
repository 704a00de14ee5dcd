// The add / edit form of `<updraft-connections>`. The password is write-only: the API never
// returns it, so the field starts empty and, left empty while editing, the stored one is kept.
// `extra` comes back with its sensitive keys masked; it is sent only when it was changed, so a
// masked value is never written back.
import { html, nothing, type TemplateResult } from "lit";
import { icon, jsonCheck, modal } from "../../shared/admin-kit.ts";

export interface ConnectionDraft {
  mode: "add" | "edit";
  connection_id: string;
  conn_type: string;
  description: string;
  host: string;
  port: string;
  schema: string;
  login: string;
  password: string;
  /** Editing: also remove the stored password. */
  clearPassword: boolean;
  extra: string;
  /** The extra as loaded (masked), to tell whether it was changed. */
  loadedExtra: string;
  busy: boolean;
  testing: boolean;
  error: string | null;
  /** The last test's answer; `ok` null when the server could not test at all. */
  test: { ok: boolean | null; message: string } | null;
}

/** Connection types offered in the type field (any other may be typed). */
const TYPES = [
  "generic", "http", "postgres", "mysql", "sqlite", "mssql", "oracle", "snowflake", "redis", "mongo", "aws", "google_cloud_platform",
  "azure", "ssh", "sftp", "ftp", "smtp", "email", "slack", "kubernetes", "docker", "fs",
];

export interface ConnectionFormHandlers {
  change(patch: Partial<ConnectionDraft>): void;
  save(): void;
  test(): void;
  cancel(): void;
}

/** A problem with a field, named, or null when the draft can be sent. */
export function draftProblem(d: ConnectionDraft): string | null {
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(d.connection_id.trim())) return "Connection ID: 1 to 200 letters, digits, '_', '.' or '-'.";
  if (!d.conn_type.trim()) return "Connection type: required.";
  if (d.port.trim() && !(/^\d+$/.test(d.port.trim()) && Number(d.port) <= 65_535)) return "Port: a whole number from 0 to 65535.";
  return null;
}

export function connectionForm(d: ConnectionDraft, canTest: boolean, on: ConnectionFormHandlers): TemplateResult {
  const input = (id: string, label: string, key: keyof ConnectionDraft, extra: { type?: string; placeholder?: string; readonly?: boolean; list?: string; autocomplete?: string } = {}) => html`
    <div class="field">
      <label for=${id}>${label}</label>
      <input id=${id} type=${extra.type ?? "text"} .value=${String(d[key])} ?readonly=${extra.readonly ?? false} placeholder=${extra.placeholder ?? ""}
        list=${extra.list ?? ""} autocomplete=${extra.autocomplete ?? "off"} spellcheck="false"
        @input=${(e: Event) => on.change({ [key]: (e.target as HTMLInputElement).value } as Partial<ConnectionDraft>)} />
    </div>`;
  const extra = jsonCheck(d.extra);
  const masked = d.mode === "edit" && d.loadedExtra.includes('"***"');
  const problem = draftProblem(d);
  return modal({
    title: d.mode === "add" ? "Add connection" : html`Edit <span class="mono">${d.connection_id}</span>`,
    onSubmit: () => on.save(), onCancel: () => on.cancel(),
    body: html`
      <div class="row2">
        ${input("c-id", "Connection ID", "connection_id", { readonly: d.mode === "edit", placeholder: "warehouse_db" })}
        ${input("c-type", "Connection type", "conn_type", { list: "c-types", placeholder: "postgres" })}
      </div>
      <datalist id="c-types">${TYPES.map((t) => html`<option value=${t}></option>`)}</datalist>
      ${input("c-desc", "Description", "description")}
      <div class="row3">
        ${input("c-host", "Host", "host", { placeholder: "db.internal" })}
        ${input("c-port", "Port", "port", { type: "text", placeholder: "5432" })}
      </div>
      <div class="row2">
        ${input("c-schema", "Schema", "schema")}
        ${input("c-login", "Login", "login", { autocomplete: "off" })}
      </div>
      <div class="field">
        <label for="c-password">Password</label>
        <input id="c-password" type="password" autocomplete="new-password" .value=${d.password} ?disabled=${d.clearPassword}
          placeholder=${d.mode === "edit" ? "Unchanged: type a new password to replace it" : ""}
          @input=${(e: Event) => on.change({ password: (e.target as HTMLInputElement).value })} />
        <span class="hint">Write-only: it is stored encrypted and never shown again.</span>
        ${d.mode === "edit" ? html`<label class="check"><input type="checkbox" .checked=${d.clearPassword}
          @change=${(e: Event) => on.change({ clearPassword: (e.target as HTMLInputElement).checked, password: "" })} />Remove the stored password</label>` : nothing}
      </div>
      <div class="field">
        <label for="c-extra">Extra</label>
        <textarea id="c-extra" rows="5" spellcheck="false" .value=${d.extra} placeholder='{"sslmode": "require"}'
          aria-invalid=${extra.kind === "broken" ? "true" : "false"} aria-describedby="c-extra-hint"
          @input=${(e: Event) => on.change({ extra: (e.target as HTMLTextAreaElement).value })}></textarea>
        <span id="c-extra-hint" class=${extra.kind === "broken" ? "problem" : "hint"}>${extra.kind === "broken"
          ? `Not valid JSON: ${extra.message}`
          : masked ? "Sensitive values show as ***: change this field only to replace all of it, secrets included." : "JSON, as Airflow's connection extra."}</span>
      </div>
      ${d.test ? html`<div class=${d.test.ok ? "form-ok" : "form-error"} role="status">${d.test.ok === null ? "Not tested" : d.test.ok ? "Connection test passed" : "Connection test failed"}: ${d.test.message}</div>` : nothing}
      ${d.error ? html`<div class="form-error" role="alert">${d.error}</div>` : nothing}`,
    aside: canTest ? html`<button type="button" class="with-icon" ?disabled=${d.testing || problem !== null} @click=${() => on.test()}>${icon("plug")}${d.testing ? "Testing…" : "Test"}</button>` : nothing,
    actions: html`<button type="button" @click=${() => on.cancel()}>Cancel</button>
      <button type="submit" class="primary" ?disabled=${d.busy || problem !== null} title=${problem ?? ""}>${d.busy ? "Saving…" : "Save"}</button>`,
  });
}
