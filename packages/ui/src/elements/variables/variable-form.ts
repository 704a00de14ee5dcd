// The add / edit form of `<updraft-variables>`: key, a JSON-aware value editor (it says whether
// the text is valid JSON and formats it) and a description. A sensitive variable's value is not
// shown: left empty, it stays as it is.
import { html, nothing, type TemplateResult } from "lit";
import { jsonCheck, modal } from "../../shared/admin-kit.ts";

/** What the form holds while it is open. */
export interface VariableDraft {
  mode: "add" | "edit";
  key: string;
  value: string;
  description: string;
  /** Editing a sensitive variable whose value is not shown: an empty value keeps it. */
  hiddenValue: boolean;
  busy: boolean;
  error: string | null;
}

/** Airflow's default sensitive names: a variable whose key contains one has its value masked. */
const SENSITIVE = ["access_token", "api_key", "apikey", "authorization", "passphrase", "passwd", "password", "private_key", "secret", "token", "keyfile_dict", "service_account"];

/** Whether Airflow would mask this variable's value. */
export function isSensitive(key: string): boolean {
  const k = key.toLowerCase();
  return SENSITIVE.some((s) => k.includes(s));
}

export interface VariableFormHandlers {
  change(patch: Partial<VariableDraft>): void;
  save(): void;
  cancel(): void;
}

export function variableForm(d: VariableDraft, on: VariableFormHandlers): TemplateResult {
  const check = jsonCheck(d.value);
  return modal({
    title: d.mode === "add" ? "Add variable" : html`Edit <span class="mono">${d.key}</span>`,
    onSubmit: () => on.save(), onCancel: () => on.cancel(),
    body: html`
      <div class="field">
        <label for="v-key">Key</label>
        <input id="v-key" .value=${d.key} ?readonly=${d.mode === "edit"} required maxlength="250" autocomplete="off" spellcheck="false"
          ?autofocus=${d.mode === "add"} @input=${(e: Event) => on.change({ key: (e.target as HTMLInputElement).value })} />
      </div>
      <div class="field">
        <label for="v-value">Value</label>
        <textarea id="v-value" rows="8" spellcheck="false" .value=${d.value} ?autofocus=${d.mode === "edit"}
          placeholder=${d.hiddenValue ? "Hidden: it is sensitive. Type a new value to replace it, or leave this empty to keep it." : "Text, or JSON"}
          aria-invalid=${check.kind === "broken" ? "true" : "false"} aria-describedby="v-value-hint"
          @input=${(e: Event) => on.change({ value: (e.target as HTMLTextAreaElement).value })}></textarea>
        <span id="v-value-hint" class=${check.kind === "broken" ? "problem" : "hint"}>${check.kind === "json"
          ? html`Valid JSON (${Array.isArray(check.value) ? "an array" : "an object"}); tasks read it as text and parse it.
            <button type="button" class="link" @click=${() => on.change({ value: JSON.stringify(check.value, null, 2) })}>Format</button>`
          : check.kind === "broken" ? `Not valid JSON: ${check.message}. It can still be saved, as text.` : "Stored as text, encrypted."}</span>
      </div>
      <div class="field">
        <label for="v-desc">Description</label>
        <input id="v-desc" .value=${d.description} @input=${(e: Event) => on.change({ description: (e.target as HTMLInputElement).value })} />
      </div>
      ${d.error ? html`<div class="form-error" role="alert">${d.error}</div>` : nothing}`,
    actions: html`<button type="button" @click=${() => on.cancel()}>Cancel</button>
      <button type="submit" class="primary" ?disabled=${d.busy || !d.key.trim()}>${d.busy ? "Saving…" : "Save"}</button>`,
  });
}
