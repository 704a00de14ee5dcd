// <updraft-log-view>: one try's log, virtualised (a 100,000-line log renders only the rows in
// view), tailed live while the try runs, with a level filter, a search that highlights and steps
// through matches, line numbers, wrapping, auto-scroll that pauses when the reader scrolls up,
// and a download. Loaded lazily by <updraft-task-instance> when its log is first shown.
import { html, nothing, type PropertyValues } from "lit";
import { property, state } from "lit/decorators.js";
import "@lit-labs/virtualizer";
import type { LitVirtualizer } from "@lit-labs/virtualizer";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { define } from "../../shared/define.ts";
import { LOG_LEVELS, splitLine, splitMatches, type LogLevel } from "./log-lines.ts";
import { LogTail } from "./log-tail.ts";
import { logViewStyles } from "./log-view-styles.ts";

const LEVEL_LABEL: Record<LogLevel, string> = { debug: "Debug", info: "Info", warn: "Warning", error: "Error" };

/**
 * `<updraft-log-view dag-id run-id task-id map-index try-number live>`
 * Parts: `toolbar`, `levels`, `search`, `lines`, `line`, `status`.
 * Call `poke()` when the instance changed, to read new lines at once.
 */
export class UpdraftLogView extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, logViewStyles];

  @property({ attribute: "dag-id" }) dagId = "";
  @property({ attribute: "run-id" }) runId = "";
  @property({ attribute: "task-id" }) taskId = "";
  @property({ attribute: "map-index", type: Number }) mapIndex = -1;
  @property({ attribute: "try-number", type: Number }) tryNumber = 0;
  /** The try may still write lines: keep reading. */
  @property({ type: Boolean }) live = false;
  /** Wrap long lines instead of scrolling sideways. */
  @property({ type: Boolean, reflect: true }) wrap = false;

  @state() private levels = new Set<LogLevel>(LOG_LEVELS);
  @state() private query = "";
  @state() private follow = true;
  @state() private hit = -1;

  readonly #tail = new LogTail(this, () => this.client);
  #visible: number[] = [];
  #hits: number[] = [];
  #queryTimer: ReturnType<typeof setTimeout> | undefined;
  #lastScrollTop = 0;
  #intentAt = Number.NEGATIVE_INFINITY;
  #chasing = false;

  constructor() {
    super();
    this.#tail.onLines = (added) => {
      const lines = this.#tail.lines;
      const from = lines.length - added;
      const more = lines.filter(this.levels, from);
      if (more.length) {
        this.#visible = this.#visible.concat(more);
        if (this.query) this.#hits = this.#hits.concat(lines.search(this.query, more));
      }
      this.requestUpdate();
      if (this.follow) void this.updateComplete.then(() => this.#scrollToEnd());
    };
  }

  /** Reads the log again now. */
  poke(): void {
    this.#tail.poke();
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (["dagId", "runId", "taskId", "mapIndex", "tryNumber", "live", "apiBase", "token"].some((k) => changed.has(k))) {
      const target = this.dagId && this.runId && this.taskId && this.tryNumber > 0
        ? { dagId: this.dagId, runId: this.runId, taskId: this.taskId, mapIndex: this.mapIndex, tryNumber: this.tryNumber }
        : null;
      const before = this.#tail.lines;
      this.#tail.set(target, this.live);
      if (this.#tail.lines !== before) {
        this.#visible = [];
        this.#hits = [];
        this.hit = -1;
        this.follow = true;
      }
    }
  }

  #refilter(): void {
    const lines = this.#tail.lines;
    this.#visible = lines.filter(this.levels);
    this.#hits = lines.search(this.query, this.#visible);
    this.hit = this.#hits.length ? 0 : -1;
  }

  #toggleLevel(l: LogLevel): void {
    const next = new Set(this.levels);
    if (next.has(l) && next.size > 1) next.delete(l);
    else next.add(l);
    this.levels = next;
    this.#refilter();
  }

  #onSearch(e: Event): void {
    const value = (e.target as HTMLInputElement).value;
    clearTimeout(this.#queryTimer);
    this.#queryTimer = setTimeout(() => {
      this.query = value;
      this.#refilter();
      if (this.hit >= 0) this.#goTo(0);
    }, 120);
  }

  #onSearchKey(e: KeyboardEvent): void {
    if (e.key === "Enter") {
      e.preventDefault();
      this.#step(e.shiftKey ? -1 : 1);
    } else if (e.key === "Escape") {
      (e.target as HTMLInputElement).value = "";
      this.query = "";
      this.#refilter();
    }
  }

  #step(dir: number): void {
    if (!this.#hits.length) return;
    this.#goTo((this.hit + dir + this.#hits.length) % this.#hits.length);
  }

  #goTo(n: number): void {
    this.hit = n;
    this.follow = false;
    const row = this.#visible.indexOf(this.#hits[n]!);
    void this.updateComplete.then(() => {
      try {
        this.#scroller()?.element(row)?.scrollIntoView({ block: "center" });
      } catch {
        // not laid out yet
      }
    });
  }

  #scroller(): LitVirtualizer | null {
    return this.renderRoot.querySelector("lit-virtualizer");
  }

  /**
   * Keeps the last line in view: the virtualizer measures rows as they render and takes new items
   * a frame or two later, so the end is chased for a few frames until it stays put.
   */
  #scrollToEnd(): void {
    if (this.#chasing) return;
    this.#chasing = true;
    let settled = 0;
    let frames = 0;
    const step = () => {
      const v = this.#scroller();
      if (!v || !this.follow || frames++ > 60) {
        this.#chasing = false;
        return;
      }
      const gap = v.scrollHeight - v.clientHeight - v.scrollTop;
      if (gap > 1) {
        v.scrollTop = v.scrollHeight;
        settled = 0;
      } else settled++;
      this.#lastScrollTop = v.scrollTop;
      if (settled >= 3) this.#chasing = false;
      else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }

  /** The reader touched the scroller (wheel, touch, keys, scrollbar): scrolling that follows is theirs. */
  #noteIntent = (): void => {
    this.#intentAt = performance.now();
  };

  #onScroll(e: Event): void {
    const v = e.currentTarget as HTMLElement;
    const atEnd = v.scrollTop + v.clientHeight >= v.scrollHeight - 24;
    // Only the reader pauses following: the virtualizer's own adjustments and ours do not.
    if (performance.now() - this.#intentAt < 1_000) {
      if (!atEnd && v.scrollTop < this.#lastScrollTop) this.follow = false;
      else if (atEnd && this.live) this.follow = true;
    }
    this.#lastScrollTop = v.scrollTop;
  }

  #download(): void {
    const blob = new Blob([this.#tail.lines.toString()], { type: "text/plain;charset=utf-8" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `${this.dagId}__${this.runId}__${this.taskId}${this.mapIndex >= 0 ? `__${this.mapIndex}` : ""}__attempt_${this.tryNumber}.log`.replace(/[^\w.+-]+/g, "_");
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  override render() {
    const lines = this.#tail.lines;
    const counts = lines.counts();
    const status = this.#tail.status;
    const hitLine = this.hit >= 0 ? this.#hits[this.hit] : -1;
    return html`
      <div class="toolbar" part="toolbar">
        <div class="levels" part="levels" role="group" aria-label="Log levels">
          ${LOG_LEVELS.map((l) => html`<button class="chip" data-level=${l} aria-pressed=${this.levels.has(l) ? "true" : "false"}
            @click=${() => this.#toggleLevel(l)} title="Show ${LEVEL_LABEL[l].toLowerCase()} lines">${LEVEL_LABEL[l]} <span class="n">${counts[l]}</span></button>`)}
        </div>
        <div class="search" part="search" role="search">
          <input type="search" placeholder="Search the log" aria-label="Search the log" @input=${this.#onSearch} @keydown=${this.#onSearchKey} />
          <span class="count muted" aria-live="polite">${this.query ? (this.#hits.length ? `${this.hit + 1} / ${this.#hits.length}` : "no match") : ""}</span>
          <button class="icon" aria-label="Previous match" title="Previous match (Shift+Enter)" ?disabled=${!this.#hits.length} @click=${() => this.#step(-1)}>▲</button>
          <button class="icon" aria-label="Next match" title="Next match (Enter)" ?disabled=${!this.#hits.length} @click=${() => this.#step(1)}>▼</button>
        </div>
        <span class="spacer"></span>
        <label class="toggle"><input type="checkbox" .checked=${this.wrap} @change=${(e: Event) => (this.wrap = (e.target as HTMLInputElement).checked)} /> Wrap</label>
        ${this.live ? html`<button aria-pressed=${this.follow ? "true" : "false"} title="Keep the newest line in view"
          @click=${() => {
            this.follow = !this.follow;
            if (this.follow) this.#scrollToEnd();
          }}>${this.follow ? "Following" : "Follow"}</button>` : nothing}
        <button @click=${this.#download} ?disabled=${lines.length === 0} title="Download the log as text">Download</button>
      </div>
      ${status === "error" ? html`<p class="error" role="alert">The log could not be read: ${this.#tail.error}</p>` : nothing}
      ${lines.length === 0
        ? html`<div class="empty muted" part="lines">${status === "loading" ? "Loading the log…" : this.live ? "Waiting for the first log line…" : "This try wrote no log lines."}</div>`
        : html`<lit-virtualizer scroller part="lines" class="lines ${this.live ? "" : "fit"}"
            style="--ln-width:${Math.max(3, String(lines.length).length)}ch;--fit:${this.#visible.length * 20 + 24}px" role="log" aria-label="Log of try ${this.tryNumber}" tabindex="0"
            @scroll=${this.#onScroll} @wheel=${this.#noteIntent} @touchstart=${this.#noteIntent} @keydown=${this.#noteIntent} @pointerdown=${this.#noteIntent}
            .items=${this.#visible}
            .renderItem=${(i: number) => this.#row(i, i === hitLine)}></lit-virtualizer>`}
      <div class="status muted" part="status">
        ${status === "tailing" ? html`<span class="live" aria-hidden="true"></span> Live · ` : nothing}
        ${this.#visible.length === lines.length ? `${lines.length.toLocaleString()} ${lines.length === 1 ? "line" : "lines"}` : `${this.#visible.length.toLocaleString()} of ${lines.length.toLocaleString()} lines`}
        ${!this.follow && this.live ? html` · <button class="link" @click=${() => {
          this.follow = true;
          this.#scrollToEnd();
        }}>Jump to the newest line</button>` : nothing}
      </div>
    `;
  }

  #row(i: number, current: boolean) {
    const text = this.#tail.lines.text[i]!;
    const level = LOG_LEVELS[this.#tail.lines.level[i]!]!;
    const p = splitLine(text);
    const msg = this.query ? splitMatches(p.message, this.query).map((s, k) => (k % 2 ? html`<mark>${s}</mark>` : s)) : p.message;
    return html`<div class="row" part="line" data-level=${level} ?data-current=${current}>
      <span class="ln" aria-hidden="true">${i + 1}</span><span class="ts" title=${p.time ?? ""}>${p.time ? p.time.slice(11, 23) : ""}</span><span class="lvl">${p.level ? p.level.toUpperCase() : ""}</span><span class="msg">${msg}</span>
    </div>`;
  }
}

define("updraft-log-view", UpdraftLogView);
