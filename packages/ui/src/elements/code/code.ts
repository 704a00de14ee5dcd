// <updraft-code dag-id [run-id] [version]>: the stored source of each version of a DAG, highlighted
// (highlight.js loads lazily, as its own chunk), with line numbers, a version picker (newest first,
// with date, hash and the runs that used it) and a copy button. By default it shows the version the
// given run used, else the one the latest run used, else the current one.
import { html, nothing, type PropertyValues } from "lit";
import { property, state } from "lit/decorators.js";
import { unsafeHTML } from "lit/directives/unsafe-html.js";
import { Task } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { seg } from "../../shared/api-client.ts";
import { formatDate } from "../../shared/format.ts";
import { define } from "../../shared/define.ts";
import { codeStyles } from "./code-styles.ts";

interface Version {
  id: number;
  version_hash: string;
  bundle_hash: string | null;
  fileloc: string;
  created_at: string | null;
  current: boolean;
  runs: number;
  latest_run: { run_id: string; logical_date: string | null; state: string } | null;
}
interface Versions {
  dag_id: string;
  versions: Version[];
  run_version_id: number | null;
}
interface Source {
  id: number;
  version_hash: string;
  fileloc: string;
  created_at: string | null;
  source: string;
}

/** The version to show when none is chosen: the run's, else the latest run's, else the current one. */
export function defaultVersion(v: Versions): number | null {
  if (v.run_version_id != null) return v.run_version_id;
  const used = v.versions.filter((x) => x.latest_run?.logical_date);
  used.sort((a, b) => Date.parse(b.latest_run!.logical_date!) - Date.parse(a.latest_run!.logical_date!));
  return used[0]?.id ?? v.versions.find((x) => x.current)?.id ?? v.versions[0]?.id ?? null;
}

let highlighter: Promise<(s: string) => string> | null = null;
const loadHighlighter = () => (highlighter ??= import("./highlight.ts").then((m) => m.highlightTypeScript));

/**
 * `<updraft-code dag-id="daily_sales" run-id="scheduled__…"></updraft-code>`
 * Attributes: `dag-id`, `run-id` (show the version that run used), `version` (a version id).
 * Parts: `toolbar`, `picker`, `meta`, `copy`, `code`, `gutter`, `source`.
 * Tokens: `--updraft-code-keyword -string -number -comment -function -type -property -variable`, `--updraft-code-height`.
 */
export class UpdraftCode extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, codeStyles];

  @property({ attribute: "dag-id" }) dagId = "";
  @property({ attribute: "run-id" }) runId = "";
  /** A version id to show; without it, the default (see above). */
  @property({ type: Number }) version: number | null = null;

  @state() private chosen: number | null = null;
  @state() private highlighted: { src: Source; html: string } | null = null;
  @state() private copied = false;

  readonly #versions = new Task(this, {
    task: async ([dagId, runId], { signal }) => {
      if (!dagId) return null;
      return this.client.get<Versions>(`/api/updraft/ui/dags/${seg(dagId)}/versions`, { run_id: runId || undefined }, signal);
    },
    args: () => [this.dagId, this.runId, this.apiBase, this.token] as const,
  });

  readonly #source = new Task(this, {
    task: async ([dagId, id], { signal }) => {
      if (!dagId || id == null) return null;
      const s = await this.client.get<Source>(`/api/updraft/ui/dags/${seg(dagId)}/versions/${id}/source`, undefined, signal);
      void loadHighlighter().then((hl) => (this.highlighted = { src: s, html: hl(s.source) }));
      return s;
    },
    args: () => [this.dagId, this.#shown(), this.apiBase, this.token] as const,
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("dagId") || changed.has("runId") || changed.has("version")) this.chosen = null;
  }

  #shown(): number | null {
    const v = this.#versions.value;
    return this.chosen ?? this.version ?? (v ? defaultVersion(v) : null);
  }

  async #copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.copied = true;
      setTimeout(() => (this.copied = false), 1500);
    } catch {
      this.copied = false;
    }
  }

  override render() {
    return this.#versions.render({
      initial: () => html`<p class="muted">Loading…</p>`,
      pending: () => (this.#versions.value ? this.#view(this.#versions.value) : html`<p class="muted">Loading the versions of ${this.dagId}…</p>`),
      complete: (v) => (v ? this.#view(v) : html`<p class="muted">Choose a DAG.</p>`),
      error: (e) => html`<p class="error" role="alert">${this.dagId}: ${(e as Error).message}</p>`,
    });
  }

  #view(v: Versions) {
    const shown = this.#shown();
    const version = v.versions.find((x) => x.id === shown);
    const n = v.versions.length;
    const src = this.#source.value;
    return html`
      <div class="toolbar" part="toolbar">
        <label>Version
          <select part="picker" @change=${(e: Event) => (this.chosen = Number((e.target as HTMLSelectElement).value))} aria-label="DAG version">
            ${v.versions.map((x, i) => html`<option value=${x.id} ?selected=${x.id === shown}>
              v${n - i} · ${formatDate(x.created_at)} · ${x.version_hash.slice(0, 8)}${x.current ? " · current" : ""}${x.id === v.run_version_id ? " · this run" : ""}</option>`)}
          </select>
        </label>
        ${version ? html`<div class="meta" part="meta">
          ${version.current ? html`<span class="badge">current</span>` : nothing}
          ${version.id === v.run_version_id ? html`<span class="badge">used by this run</span>` : nothing}
          <span title=${version.fileloc}><code>${version.fileloc.split("/").slice(-2).join("/")}</code></span>
          <span>${version.runs} run${version.runs === 1 ? "" : "s"}${version.latest_run ? html`, latest <code>${version.latest_run.run_id}</code>` : nothing}</span>
        </div>` : nothing}
        <span class="spacer"></span>
        <button part="copy" class=${this.copied ? "copied" : ""} ?disabled=${!src} @click=${() => src && void this.#copy(src.source)}
          aria-live="polite">${this.copied ? "Copied" : "Copy"}</button>
      </div>
      ${this.#source.render({
        pending: () => (src ? this.#code(src) : html`<p class="muted">Loading the source…</p>`),
        complete: (s) => (s ? this.#code(s) : html`<p class="muted">This DAG has no stored version.</p>`),
        error: (e) => html`<p class="error" role="alert">${(e as Error).message}</p>`,
      })}
    `;
  }

  #code(s: Source) {
    const lines = s.source.split("\n");
    if (lines.at(-1) === "") lines.pop();
    const gutter = lines.map((_, i) => i + 1).join("\n");
    return html`<div class="code" part="code" role="region" aria-label="Source of ${s.fileloc}" tabindex="0">
      <pre class="gutter" part="gutter" aria-hidden="true">${gutter}</pre>
      <pre class="src" part="source"><code>${this.highlighted?.src === s ? unsafeHTML(this.highlighted.html) : s.source}</code></pre>
    </div>`;
  }
}

define("updraft-code", UpdraftCode);
