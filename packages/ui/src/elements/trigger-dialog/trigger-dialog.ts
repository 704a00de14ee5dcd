// <updraft-trigger-dialog dag-id>: Airflow's "Trigger DAG w/ config" as a modal: a form generated
// from the DAG's params (types, defaults, descriptions, enums, limits), with the raw JSON conf
// beside it, kept in sync both ways; an optional logical date, run id and note. It POSTs the run,
// shows the API's problem on a 4xx, and on success announces the run and opens its grid.
import { html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { property, query, state } from "lit/decorators.js";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { ApiProblem, seg } from "../../shared/api-client.ts";
import type { DagDetails, DagRunSummary } from "../../shared/dag-types.ts";
import { define } from "../../shared/define.ts";
import { confOf, enumLabel, fieldOf, fromInput, toInput, type InputValue, type ParamField } from "./param-fields.ts";
import { triggerDialogStyles } from "./trigger-dialog-styles.ts";

/** What `updraft-triggered` carries. */
export interface TriggeredDetail {
  dagId: string;
  runId: string;
}

/**
 * `<updraft-trigger-dialog dag-id="daily_sales"></updraft-trigger-dialog>`, opened with `show()`
 * (or the `open` attribute). A native modal `<dialog>`: focus stays inside, Escape closes it.
 * Events: `updraft-triggered` `{ dagId, runId }` after a run was created, then `updraft-navigate`
 * to its grid; `updraft-close` when it closes.
 * Parts: `dialog`, `form`, `json`, `submit`.
 */
export class UpdraftTriggerDialog extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, triggerDialogStyles];

  @property({ attribute: "dag-id" }) dagId = "";
  @property({ type: Boolean, reflect: true }) open = false;

  @state() private details: DagDetails | null = null;
  @state() private loadError = "";
  @state() private inputs: Record<string, InputValue> = {};
  @state() private errors: Record<string, string> = {};
  @state() private jsonText = "{}";
  @state() private jsonError = "";
  @state() private logicalDate = "";
  @state() private runId = "";
  @state() private note = "";
  @state() private submitting = false;
  @state() private problem = "";

  @query("dialog") private dialog!: HTMLDialogElement;

  #fields: ParamField[] = [];
  #values: Record<string, unknown> = {};
  #extra: Record<string, unknown> = {};

  /** Opens the dialog (loading the DAG's params). */
  show(): void {
    this.open = true;
  }

  /** Closes it without triggering. */
  close(): void {
    this.open = false;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has("open") || changed.has("dagId")) {
      // Each opening starts from the DAG's current params and their defaults.
      if (this.open && this.dagId) void this.#load();
      const d = this.dialog;
      if (!d) return;
      if (this.open && !d.open && d.isConnected) d.showModal();
      if (!this.open && d.open) d.close();
    }
  }

  async #load(): Promise<void> {
    const dagId = this.dagId;
    this.details = null;
    this.loadError = "";
    this.problem = "";
    try {
      const d = await this.client.get<DagDetails>(`/api/updraft/ui/dags/${seg(dagId)}/details`, { runs: 0 });
      if (dagId !== this.dagId) return;
      this.#reset(d);
      this.details = d;
      await this.updateComplete;
      (this.renderRoot.querySelector(".params [data-field]") as HTMLElement | null)?.focus();
    } catch (err) {
      this.loadError = (err as Error).message;
    }
  }

  /** Back to the params' defaults. */
  #reset(d: DagDetails): void {
    this.#fields = d.params.map(fieldOf);
    this.#values = Object.fromEntries(d.params.map((p) => [p.name, p.default]));
    this.#extra = {};
    this.inputs = Object.fromEntries(this.#fields.map((f) => [f.param.name, toInput(f, f.param.default)]));
    this.errors = {};
    this.jsonError = "";
    this.jsonText = this.#json();
    this.logicalDate = "";
    this.runId = "";
    this.note = "";
  }

  #json(): string {
    return JSON.stringify(confOf(this.#fields, this.#values, this.#extra), null, 2);
  }

  #onField(f: ParamField, input: InputValue): void {
    const name = f.param.name;
    this.inputs = { ...this.inputs, [name]: input };
    const r = fromInput(f, input);
    const errors = { ...this.errors };
    if (r.ok) {
      this.#values[name] = r.value;
      delete errors[name];
      this.jsonText = this.#json();
      this.jsonError = "";
    } else errors[name] = r.error;
    this.errors = errors;
  }

  #onJson(text: string): void {
    this.jsonText = text;
    let conf: unknown;
    try {
      conf = JSON.parse(text);
    } catch (err) {
      this.jsonError = `Not JSON: ${(err as Error).message}`;
      return;
    }
    if (conf === null || typeof conf !== "object" || Array.isArray(conf)) {
      this.jsonError = "The conf must be a JSON object, e.g. {\"region\": \"us\"}";
      return;
    }
    this.jsonError = "";
    const obj = conf as Record<string, unknown>;
    const inputs = { ...this.inputs };
    const errors: Record<string, string> = {};
    this.#extra = {};
    for (const [k, v] of Object.entries(obj)) if (!this.#fields.some((f) => f.param.name === k)) this.#extra[k] = v;
    for (const f of this.#fields) {
      const name = f.param.name;
      const value = Object.hasOwn(obj, name) ? obj[name] : f.param.default;
      this.#values[name] = value;
      inputs[name] = toInput(f, value);
      const r = fromInput(f, inputs[name]!);
      if (!r.ok) errors[name] = r.error;
    }
    this.inputs = inputs;
    this.errors = errors;
  }

  async #submit(e: Event): Promise<void> {
    e.preventDefault();
    if (!this.details || this.submitting || this.jsonError || Object.keys(this.errors).length) return;
    this.submitting = true;
    this.problem = "";
    const body: Record<string, unknown> = { conf: JSON.parse(this.jsonText) as unknown };
    if (this.logicalDate) body.logical_date = new Date(`${this.logicalDate}Z`).toISOString();
    if (this.runId.trim()) body.dag_run_id = this.runId.trim();
    if (this.note.trim()) body.note = this.note.trim();
    try {
      const run = await this.client.post<{ dag_run_id: string } & Partial<DagRunSummary>>(`/api/v1/dags/${seg(this.dagId)}/dagRuns`, body);
      const detail: TriggeredDetail = { dagId: this.dagId, runId: run.dag_run_id };
      this.dispatchEvent(new CustomEvent<TriggeredDetail>("updraft-triggered", { detail, bubbles: true, composed: true }));
      this.open = false;
      this.navigate({ view: "dag", dagId: this.dagId, tab: "grid", runId: run.dag_run_id });
    } catch (err) {
      this.problem = err instanceof ApiProblem ? `${err.status === 409 ? "Conflict" : `Error ${err.status}`}: ${err.message}` : (err as Error).message;
    } finally {
      this.submitting = false;
    }
  }

  #onClose(): void {
    if (this.open) this.open = false;
    this.dispatchEvent(new CustomEvent("updraft-close", { bubbles: true, composed: true }));
  }

  override render() {
    const d = this.details;
    const invalid = !!this.jsonError || Object.keys(this.errors).length > 0;
    return html`<dialog part="dialog" aria-labelledby="title" @close=${this.#onClose}>
      <form part="form" novalidate @submit=${(e: Event) => void this.#submit(e)}>
        <header>
          <h2 id="title">Trigger <span class="dag">${this.dagId}</span></h2>
          <span class="spacer"></span>
          <button type="button" class="icon" aria-label="Close" title="Close (Esc)" @click=${() => this.close()}>
            <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/></svg>
          </button>
        </header>
        ${this.loadError
          ? html`<p class="problem" role="alert">${this.loadError}</p><p></p>`
          : !d
            ? html`<p class="loading">Loading the DAG's params…</p>`
            : html`<div class="body">
                <section class="params" aria-labelledby="params-title">
                  <h3 id="params-title">Run parameters</h3>
                  ${this.#fields.length ? this.#form() : html`<p class="empty">This DAG declares no params. Its tasks read the run's conf: write it as JSON.</p>`}
                </section>
                <section class="json" aria-labelledby="json-title">
                  <h3 id="json-title">Configuration JSON</h3>
                  <p class="hint">The run's <code>conf</code>, kept in sync with the form. Keys that are not params are passed on too.</p>
                  <textarea part="json" spellcheck="false" aria-labelledby="json-title" aria-describedby="json-err"
                    aria-invalid=${this.jsonError ? "true" : "false"} .value=${this.jsonText}
                    @input=${(e: Event) => this.#onJson((e.target as HTMLTextAreaElement).value)}></textarea>
                  ${this.jsonError ? html`<p class="err" id="json-err" role="alert">${this.jsonError}</p>` : nothing}
                </section>
              </div>
              ${this.#advanced()}`}
        ${this.problem ? html`<p class="problem" role="alert">${this.problem}</p>` : nothing}
        <footer>
          <span class="status">${invalid ? "Fix the fields marked in red to trigger." : d?.is_paused ? "This DAG is paused: the run is created but its tasks wait until it is unpaused." : ""}</span>
          <button type="button" @click=${() => this.close()}>Cancel</button>
          <button type="submit" class="primary" part="submit" ?disabled=${!d || invalid || this.submitting}>${this.submitting ? "Triggering…" : "Trigger"}</button>
        </footer>
      </form>
    </dialog>`;
  }

  #form(): TemplateResult {
    let section: string | null = null;
    return html`${this.#fields.map((f) => {
      const heading = f.param.section && f.param.section !== section ? html`<h4 class="section">${f.param.section}</h4>` : nothing;
      section = f.param.section ?? section;
      return html`${heading}${this.#field(f)}`;
    })}`;
  }

  #field(f: ParamField): TemplateResult {
    const name = f.param.name;
    const id = `f-${name}`;
    const err = this.errors[name];
    const described = [f.param.description ? `d-${name}` : "", err ? `e-${name}` : ""].filter(Boolean).join(" ") || nothing;
    const input = this.inputs[name] ?? toInput(f, f.param.default);
    const text = typeof input === "string" ? input : "";
    const on = (e: Event) => this.#onField(f, (e.target as HTMLInputElement).value);
    const common = { id, invalid: err ? "true" : "false" };
    const s = f.param.schema;
    let control: TemplateResult;
    switch (f.kind) {
      case "boolean":
        control = html`<label class="switch"><input type="checkbox" role="switch" data-field id=${id} aria-describedby=${described}
          .checked=${input === true} @change=${(e: Event) => this.#onField(f, (e.target as HTMLInputElement).checked)}>
          <span>${input === true ? "On" : "Off"}</span></label>`;
        break;
      case "select":
        control = html`<select data-field id=${id} aria-describedby=${described} aria-invalid=${common.invalid} @change=${on}>
          ${text === "" ? html`<option value="" selected>Choose…</option>` : nothing}
          ${s.enum!.map((v, i) => html`<option value=${String(i)} ?selected=${String(i) === text}>${enumLabel(f, v)}</option>`)}
        </select>`;
        break;
      case "integer":
      case "number":
        control = html`<input type="number" data-field id=${id} step=${f.kind === "integer" ? "1" : "any"}
          min=${s.minimum ?? nothing} max=${s.maximum ?? nothing} aria-describedby=${described} aria-invalid=${common.invalid}
          .value=${text} @input=${on}>`;
        break;
      case "multiline":
      case "lines":
      case "json":
        control = html`<textarea data-field id=${id} class=${f.kind === "json" ? "code" : ""} rows=${f.kind === "json" ? 4 : 3} spellcheck="false"
          aria-describedby=${described} aria-invalid=${common.invalid} .value=${text} @input=${on}></textarea>`;
        break;
      case "date":
      case "datetime":
      case "time":
      case "text":
        control = html`<input type=${f.kind === "datetime" ? "datetime-local" : f.kind} data-field id=${id}
          minlength=${s.min_length ?? nothing} maxlength=${s.max_length ?? nothing}
          placeholder=${f.nullable ? "(none)" : nothing} aria-describedby=${described} aria-invalid=${common.invalid}
          .value=${text} @input=${on}>`;
        break;
      default: {
        const never: never = f.kind;
        control = html`${String(never)}`;
      }
    }
    const hint = f.kind === "lines" ? " One item per line." : f.kind === "datetime" ? " In UTC." : "";
    return html`<div class="field">
      <label for=${id}>${f.label}${f.param.title ? html`<span class="name">${name}</span>` : nothing}</label>
      ${control}
      ${f.param.description || hint ? html`<p class="desc" id="d-${name}">${f.param.description ?? ""}${hint}</p>` : nothing}
      ${err ? html`<p class="err" id="e-${name}">${f.label} ${err}.</p>` : nothing}
    </div>`;
  }

  #advanced(): TemplateResult {
    return html`<details class="advanced">
      <summary>Logical date, run ID and note</summary>
      <div class="adv">
        <div>
          <label for="logical-date">Logical date (UTC)</label>
          <input id="logical-date" type="datetime-local" step="1" .value=${this.logicalDate}
            @input=${(e: Event) => (this.logicalDate = (e.target as HTMLInputElement).value)}>
          <p class="desc">Now when empty.</p>
        </div>
        <div>
          <label for="run-id">Run ID</label>
          <input id="run-id" type="text" maxlength="250" placeholder="manual__<logical date>" .value=${this.runId}
            @input=${(e: Event) => (this.runId = (e.target as HTMLInputElement).value)}>
        </div>
        <div>
          <label for="note">Note</label>
          <input id="note" type="text" .value=${this.note} @input=${(e: Event) => (this.note = (e.target as HTMLInputElement).value)}>
        </div>
      </div>
    </details>`;
  }
}

define("updraft-trigger-dialog", UpdraftTriggerDialog);
