// What the admin elements share besides styles: sortable column headers and the sort itself, the
// filter box, small icons, a modal dialog that opens itself, a confirmation, and reading every
// page of an Airflow collection.
import { html, nothing, svg, type TemplateResult } from "lit";
import { ref } from "lit/directives/ref.js";
import type { ApiClient } from "./api-client.ts";

/** Which column a table is sorted by. */
export interface SortState<K extends string> {
  key: K;
  desc: boolean;
}

/** A `<th>` whose button sorts by `key` (again: the other way), with `aria-sort`. */
export function sortHeader<K extends string>(label: string, key: K, sort: SortState<K>, onSort: (key: K) => void, num = false): TemplateResult {
  const active = sort.key === key;
  return html`<th scope="col" class=${num ? "num" : ""} aria-sort=${active ? (sort.desc ? "descending" : "ascending") : "none"}>
    <button class="sort" @click=${() => onSort(key)}>${label}<span class="arrow" aria-hidden="true">${active ? (sort.desc ? "▼" : "▲") : ""}</span></button>
  </th>`;
}

/** The next sort after a click on `key`'s header. */
export function nextSort<K extends string>(sort: SortState<K>, key: K): SortState<K> {
  return sort.key === key ? { key, desc: !sort.desc } : { key, desc: false };
}

/** Sorts a copy of `rows` by the value `of` gives for the sort's key (nulls last, numbers as numbers, text by locale). */
export function sortRows<T, K extends string>(rows: readonly T[], sort: SortState<K>, of: (row: T, key: K) => string | number | boolean | null): T[] {
  const sign = sort.desc ? -1 : 1;
  return [...rows].sort((a, b) => {
    const va = of(a, sort.key);
    const vb = of(b, sort.key);
    if (va === vb) return 0;
    if (va === null) return 1;
    if (vb === null) return -1;
    if (typeof va === "string" && typeof vb === "string") return sign * va.localeCompare(vb, undefined, { numeric: true, sensitivity: "base" });
    return sign * (va < vb ? -1 : 1);
  });
}

/** Whether any of the texts contains the filter (case-insensitive); an empty filter matches all. */
export function matches(filter: string, ...texts: Array<string | number | null | undefined>): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  return texts.some((t) => t != null && String(t).toLowerCase().includes(f));
}

const icons = {
  search: svg`<circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M10.5 10.5L14 14" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>`,
  plus: svg`<path d="M8 3v10M3 8h10" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>`,
  edit: svg`<path d="M10.5 2.5l3 3L6 13H3v-3z" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/>`,
  trash: svg`<path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"/>`,
  upload: svg`<path d="M8 11V3M5 6l3-3 3 3M3 11v2h10v-2" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>`,
  download: svg`<path d="M8 3v8M5 8l3 3 3-3M3 11v2h10v-2" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>`,
  close: svg`<path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" stroke-width="1.7" stroke-linecap="round"/>`,
  plug: svg`<path d="M6 2v3M10 2v3M4.5 5h7v2.5a3.5 3.5 0 0 1-7 0zM8 11v3" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"/>`,
  refresh: svg`<path d="M13 8a5 5 0 1 1-1.5-3.6M13 2.5v3h-3" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"/>`,
} as const;

/** A 16×16 icon in currentColor. */
export function icon(name: keyof typeof icons, size = 14): TemplateResult {
  return html`<svg viewBox="0 0 16 16" width=${size} height=${size} aria-hidden="true">${icons[name]}</svg>`;
}

/** The filter box of a toolbar. */
export function filterBox(value: string, label: string, onInput: (text: string) => void): TemplateResult {
  return html`<label class="filter">${icon("search")}<span class="visually-hidden">${label}</span>
    <input type="search" part="filter" placeholder=${label} .value=${value} @input=${(e: Event) => onInput((e.target as HTMLInputElement).value)} /></label>`;
}

export interface ModalOptions {
  title: string | TemplateResult;
  body: TemplateResult;
  /** The footer's buttons; the first `submit` button is the form's default. */
  actions: TemplateResult;
  /** Left of the buttons: a note or a secondary action. */
  aside?: TemplateResult | typeof nothing;
  small?: boolean;
  onSubmit(): void;
  onCancel(): void;
}

/**
 * A modal `<dialog>` with a form: it opens itself once in the page (focus stays inside it),
 * Escape and the close button cancel, Enter in a field submits.
 */
export function modal(o: ModalOptions): TemplateResult {
  return html`<dialog class=${o.small ? "small" : ""} aria-labelledby="modal-title" part="dialog"
      ${ref((el) => {
        const d = el as HTMLDialogElement | undefined;
        if (d && !d.open) requestAnimationFrame(() => d.isConnected && !d.open && d.showModal());
      })}
      @cancel=${(e: Event) => {
        e.preventDefault();
        o.onCancel();
      }}>
    <form method="dialog" novalidate @submit=${(e: Event) => {
      e.preventDefault();
      o.onSubmit();
    }}>
      <header><h3 id="modal-title">${o.title}</h3><span class="spacer"></span>
        <button type="button" class="icon-btn" aria-label="Close" @click=${() => o.onCancel()}>${icon("close")}</button></header>
      <div class="body">${o.body}</div>
      <footer>${o.aside ? html`<span class="left">${o.aside}</span>` : nothing}${o.actions}</footer>
    </form>
  </dialog>`;
}

export interface ConfirmOptions {
  title: string;
  message: TemplateResult | string;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: string | null;
  onConfirm(): void;
  onCancel(): void;
}

/** A confirmation before something that cannot be undone. */
export function confirmModal(o: ConfirmOptions): TemplateResult {
  return modal({
    title: o.title, small: true, onSubmit: o.onConfirm, onCancel: o.onCancel,
    body: html`<p>${o.message}</p>${o.error ? html`<div class="form-error" role="alert">${o.error}</div>` : nothing}`,
    actions: html`<button type="button" @click=${() => o.onCancel()}>Cancel</button>
      <button type="submit" class=${o.danger ? "danger" : "primary"} ?disabled=${o.busy} autofocus>${o.busy ? "Working…" : o.confirmLabel}</button>`,
  });
}

/**
 * Every item of an Airflow collection (`limit` at most 100 a page), up to `max`.
 * @example const all = await fetchAll<Pool>(client, "/api/v1/pools", "pools");
 */
export async function fetchAll<T>(client: ApiClient, path: string, field: string, opts: { signal?: AbortSignal; max?: number; query?: Record<string, string> } = {}): Promise<{ items: T[]; total: number }> {
  const items: T[] = [];
  const max = opts.max ?? 10_000;
  let total = 0;
  for (let offset = 0; offset < max; offset += 100) {
    const page = await client.get<Record<string, unknown>>(path, { ...opts.query, limit: 100, offset }, opts.signal);
    const got = (page[field] as T[] | undefined) ?? [];
    total = Number(page.total_entries ?? got.length);
    items.push(...got);
    if (got.length < 100 || items.length >= total) break;
  }
  return { items, total };
}

/** How the value reads as JSON: not JSON-like text, valid JSON, or JSON-like but broken. */
export function jsonCheck(text: string): { kind: "text" } | { kind: "json"; value: unknown } | { kind: "broken"; message: string } {
  const t = text.trim();
  if (!t.startsWith("{") && !t.startsWith("[")) return { kind: "text" };
  try {
    return { kind: "json", value: JSON.parse(t) };
  } catch (err) {
    return { kind: "broken", message: (err as Error).message };
  }
}

/** Offers `text` as a file download named `name`. */
export function download(name: string, text: string, type = "application/json"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
