// Importing variables from a JSON file in Airflow's format (`{ "key": value }`, what `airflow
// variables export` writes): a string value is stored as it is, any other value as its JSON, as
// Airflow's `variables import` does. The confirmation says how many exist already.
import { html, nothing, type TemplateResult } from "lit";
import { modal } from "../../shared/admin-kit.ts";

export interface ImportState {
  file: string;
  entries: Array<[string, string]>;
  /** Why the file cannot be imported; null when it can. */
  error: string | null;
  /** How many of its keys exist already (they are replaced). */
  replacing: number;
  busy: boolean;
  failures: string[];
}

/** The entries of an import file, or why it is not one. */
export function parseImport(text: string): { entries: Array<[string, string]>; error: string | null } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { entries: [], error: `The file is not JSON: ${(err as Error).message}` };
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) {
    return { entries: [], error: 'The file must hold one JSON object, { "key": value, … }, as `airflow variables export` writes it.' };
  }
  const entries = Object.entries(data as Record<string, unknown>).map(([k, v]): [string, string] => [k, typeof v === "string" ? v : JSON.stringify(v)]);
  const bad = entries.find(([k]) => k.trim() === "" || k.length > 250);
  if (bad) return { entries: [], error: `key: "${bad[0].slice(0, 40)}" is not a valid key (1 to 250 characters).` };
  if (entries.length === 0) return { entries: [], error: "The file holds no variables." };
  return { entries, error: null };
}

export function importModal(s: ImportState, on: { confirm(): void; cancel(): void }): TemplateResult {
  const ok = s.error === null && s.failures.length === 0;
  return modal({
    title: "Import variables", small: true, onSubmit: () => (ok ? on.confirm() : on.cancel()), onCancel: () => on.cancel(),
    body: html`
      <p>From <strong class="mono">${s.file}</strong>${s.error === null ? html`: ${s.entries.length} ${s.entries.length === 1 ? "variable" : "variables"}.` : nothing}</p>
      ${s.error ? html`<div class="form-error" role="alert">${s.error}</div>` : nothing}
      ${s.error === null && s.replacing > 0 ? html`<p>${s.replacing} of them exist already; their values will be replaced.</p>` : nothing}
      ${s.failures.length ? html`<div class="form-error" role="alert"><strong>${s.failures.length} could not be imported:</strong>
        <ul>${s.failures.slice(0, 20).map((f) => html`<li>${f}</li>`)}</ul></div>` : nothing}`,
    actions: ok
      ? html`<button type="button" @click=${() => on.cancel()}>Cancel</button>
        <button type="submit" class="primary" ?disabled=${s.busy} autofocus>${s.busy ? "Importing…" : `Import ${s.entries.length}`}</button>`
      : html`<button type="submit" autofocus>Close</button>`,
  });
}
