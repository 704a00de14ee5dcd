// <updraft-workers>: Flower's worker list and Dask's task stream for Updraft — the scheduler's own
// thread pool and every remote worker with their state, queues, slots, tries done and failed,
// throughput and heartbeat, beside a live stream of the tries they ran in the last minutes. One
// request loads it (GET /api/updraft/ui/workers); `task` and `worker` events keep it live, and a
// slow resync refreshes the counters the events do not carry (heartbeats, waiting tries).
import { html, nothing } from "lit";
import { property } from "lit/decorators.js";
import { Task, TaskStatus } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { LiveController } from "../../shared/live-controller.ts";
import type { StreamStatus } from "../../shared/event-stream.ts";
import type { Route } from "../../shared/context.ts";
import { define } from "../../shared/define.ts";
import { WorkersModel, type StreamBar } from "./workers-model.ts";
import type { UiWorkersJson } from "./workers-types.ts";
import { ratePerMinute, slotsMeter, workerTable, type Sort, type SortKey } from "./worker-table.ts";
import { taskStream } from "./task-stream.ts";
import { workersStyles } from "./workers-styles.ts";

const RESYNC_MS = 15_000;
/** The hover card's height, about (px), to place it above a bar near the bottom. */
const TIP_H = 170;
const SPARK_MINUTES = 10;
const WINDOWS = [2, 5, 10, 30] as const;
const LEGEND = ["running", "success", "failed", "skipped", "up_for_reschedule"] as const;

/**
 * `<updraft-workers window="5"></updraft-workers>`: the workers view; `window` is the task
 * stream's span in minutes (2, 5, 10 or 30).
 * Parts: `summary`, `table`, `worker-row`, `worker-state`, `slots`, `sparkline`, `stream`,
 * `stream-labels`, `tooltip`. Fires `updraft-navigate` (a task instance) when a try is opened.
 */
export class UpdraftWorkers extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, ...workersStyles];

  @property({ attribute: "window", type: Number }) windowMinutes = 5;

  readonly #model = new WorkersModel();
  #loaded = false;
  #status: StreamStatus = "closed";
  #offStatus: (() => void) | null = null;
  #sort: Sort = { key: "name", desc: false };
  readonly #expanded = new Set<string>();
  #width = 0;
  #origin = 0;
  #jump = true;
  #active: string | null = null;
  #hover: { bar: StreamBar; x: number; y: number } | null = null;
  #tick: ReturnType<typeof setInterval> | undefined;
  #resync: ReturnType<typeof setInterval> | undefined;
  #resize: ResizeObserver | null = null;

  readonly #task = new Task(this, {
    task: async ([minutes], { signal }) => {
      const data = await this.client.get<UiWorkersJson>("/api/updraft/ui/workers", { minutes: Math.max(SPARK_MINUTES, minutes) }, signal);
      this.#model.load(data);
      if (!this.#loaded || this.#model.now() - this.#origin > 10 * this.#windowMs) this.#resetOrigin();
      this.#loaded = true;
      return data;
    },
    args: () => [Math.min(60, Math.max(1, this.windowMinutes || 5)), this.apiBase, this.token] as const,
  });

  readonly #live = new LiveController(this, {
    apply: (e) => {
      if (!this.#loaded) return false;
      if (e.type === "task") return this.#model.applyTask(e);
      if (e.type === "worker") return this.#model.applyWorker(e);
      return false;
    },
    resync: () => void this.#task.run(),
  });

  get #windowMs(): number {
    return Math.min(60, Math.max(1, this.windowMinutes || 5)) * 60_000;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#tick = setInterval(() => {
      if (!this.#loaded) return;
      this.#model.prune(this.#windowMs + 5_000);
      this.requestUpdate();
    }, 1_000);
    this.#resync = setInterval(() => {
      if (document.visibilityState !== "hidden") void this.#task.run();
    }, RESYNC_MS);
    queueMicrotask(() => {
      if (!this.isConnected) return;
      this.#offStatus = this.stream.onStatus((s) => {
        this.#status = s;
        this.requestUpdate();
      });
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#tick);
    clearInterval(this.#resync);
    this.#offStatus?.();
    this.#offStatus = null;
    this.#resize?.disconnect();
    this.#resize = null;
  }

  protected override updated(): void {
    const plot = this.renderRoot.querySelector<HTMLElement>(".plot");
    if (plot && !this.#resize) {
      this.#resize = new ResizeObserver(() => {
        const w = plot.clientWidth;
        if (w !== this.#width) {
          this.#width = w;
          this.#resetOrigin();
          this.requestUpdate();
        }
      });
      this.#resize.observe(plot);
    }
    if (this.#jump) {
      // The layer is placed without sliding this once; the next ticks slide it.
      requestAnimationFrame(() => {
        this.#jump = false;
      });
    }
  }

  #resetOrigin(): void {
    this.#origin = this.#model.now() - this.#windowMs;
    this.#jump = true;
  }

  override render() {
    void this.#live;
    if (!this.#loaded) {
      return this.#task.render({
        pending: () => html`<div class="empty" role="status">Loading workers…</div>`,
        error: (e) => html`<div class="note error" role="alert">Could not load the workers: ${(e as Error).message}</div>`,
      }) ?? html`<div class="empty" role="status">Loading workers…</div>`;
    }
    const m = this.#model;
    const now = m.now();
    const live = this.#status === "live" ? "Live" : this.#status === "closed" ? "Not live" : "Reconnecting…";
    return html`<div class="wrap">
      <header class="top">
        <h2>Workers</h2>
        <span class="muted">${m.rows.length ? `${m.rows.length} ${m.rows.length === 1 ? "worker" : "workers"}` : ""}</span>
        <span class="spacer"></span>
        ${this.#task.status === TaskStatus.ERROR ? html`<span class="error" role="alert">Refresh failed: ${(this.#task.error as Error).message}</span>` : nothing}
        <span class="live" data-status=${this.#status} role="status">${live}</span>
      </header>
      ${m.scheduler ? nothing : html`<div class="note">No scheduler runs in this server's process: workers connect to the one that does
        (<code>updraft standalone</code> or <code>updraft scheduler</code>). The task stream below shows the tries recorded in the database.</div>`}
      ${this.#summary(now)}
      <section class="card clip" aria-labelledby="workers-h">
        <div class="card-head"><h3 id="workers-h">Workers</h3><span class="muted">Tries finished per minute over the last ${SPARK_MINUTES} minutes; done and failed since the worker connected.</span></div>
        ${workerTable({
          model: m, now, sort: this.#sort, expanded: this.#expanded, sparkMinutes: SPARK_MINUTES,
          href: (r) => this.href(r), onSort: (k) => this.#onSort(k), onToggle: (id) => this.#onToggle(id), onOpen: (r) => this.#open(r),
        })}
      </section>
      <section class="card" aria-labelledby="stream-h">
        <div class="card-head">
          <h3 id="stream-h">Task stream</h3>
          <span class="legend" aria-label="Legend">${LEGEND.map((s) => html`<span><i data-state=${s}></i>${s === "up_for_reschedule" ? "poke ended" : s}</span>`)}</span>
          <span class="spacer"></span>
          <span class="window" role="group" aria-label="Time span">${WINDOWS.map((w) => html`<button aria-pressed=${this.windowMinutes === w ? "true" : "false"}
            @click=${() => this.#setWindow(w)}>${w} min</button>`)}</span>
        </div>
        ${taskStream({
          model: m, now, windowMs: this.#windowMs, width: this.#width, origin: this.#origin, jump: this.#jump, active: this.#active, hover: this.#hover,
          onKey: this.#onKey, onOver: this.#onOver, onLeave: this.#onLeave, onClick: this.#onClick,
        })}
        ${m.truncated ? html`<div class="stream-foot">Only the latest 2,000 tries are drawn.</div>` : nothing}
      </section>
    </div>`;
  }

  #summary(now: number) {
    const m = this.#model;
    const rows = m.rows;
    const online = rows.filter((r) => r.state === "online").length;
    const other = rows.length - online;
    const accepting = rows.filter((r) => r.state === "online" || r.state === "draining");
    const capacity = accepting.reduce((n, r) => n + r.capacity, 0);
    const running = rows.reduce((n, r) => n + r.running, 0);
    const waiting = rows.reduce((n, r) => n + r.waiting, 0);
    let done = 0;
    let failed = 0;
    for (const r of rows) for (const s of m.series(r, SPARK_MINUTES)) {
      done += s.done;
      failed += s.failed;
    }
    const rate = rows.reduce((n, r) => n + ratePerMinute(m, r, SPARK_MINUTES), 0);
    void now;
    return html`<div class="tiles" part="summary" role="group" aria-label="Summary">
      <div class="tile"><div class="k">Workers online</div><div class="v">${online}${other ? html` <small>· ${other} other</small>` : nothing}</div></div>
      <div class="tile"><div class="k">Slots busy</div><div class="v">${running} <small>of ${capacity}</small></div>
        <div class="tile-meter">${slotsMeter(running, waiting, capacity, true)}${waiting ? html`<span class="muted">+${waiting} waiting</span>` : nothing}</div></div>
      <div class="tile"><div class="k">Finished, last ${SPARK_MINUTES} min</div><div class="v">${done}${failed ? html` <small class="failed-n">· ${failed} failed</small>` : nothing}</div></div>
      <div class="tile"><div class="k">Throughput</div><div class="v">${rate < 10 ? rate.toFixed(1) : Math.round(rate)} <small>tries / min</small></div></div>
    </div>`;
  }

  #onSort(key: SortKey): void {
    this.#sort = this.#sort.key === key ? { key, desc: !this.#sort.desc } : { key, desc: key !== "name" && key !== "state" };
    this.requestUpdate();
  }

  #onToggle(id: string): void {
    if (this.#expanded.has(id)) this.#expanded.delete(id);
    else this.#expanded.add(id);
    this.requestUpdate();
  }

  #setWindow(minutes: number): void {
    this.windowMinutes = minutes;
    this.#hover = null;
    this.#resetOrigin();
  }

  #open(route: Route): void {
    this.navigate(route);
  }

  #barRoute(key: string): Route | null {
    const b = this.#model.bars.find((x) => x.key === key);
    if (!b) return null;
    return { view: "dag", dagId: b.dagId, tab: "grid", runId: b.runId, taskId: b.taskId, ...(b.mapIndex >= 0 ? { mapIndex: b.mapIndex } : {}) };
  }

  /** The bars in time order, for the arrow keys. */
  #ordered() {
    const from = this.#model.now() - this.#windowMs;
    return this.#model.bars.filter((b) => (b.end ?? Number.POSITIVE_INFINITY) >= from).sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));
  }

  /** Shows the details of a bar: the one under the pointer, or the keyboard's (`#active-bar`). */
  #showTip(key: string, el = this.renderRoot.querySelector<HTMLElement>("#active-bar")): void {
    const box = this.renderRoot.querySelector<HTMLElement>(".stream");
    const bar = this.#model.bars.find((b) => b.key === key);
    if (!el || !box || !bar) {
      this.#hover = null;
      return;
    }
    const r = el.getBoundingClientRect();
    const w = box.getBoundingClientRect();
    const x = Math.max(0, Math.min(r.left - w.left, w.width - 330));
    // Below the bar, or above it in the lower half of a tall stream, so it stays in view.
    const below = r.bottom - w.top + 6;
    const above = r.top - w.top - TIP_H - 6;
    this.#hover = { bar, x, y: below + TIP_H > w.height && above >= 0 ? above : below };
  }

  #onKey = (e: KeyboardEvent): void => {
    const bars = this.#ordered();
    if (!bars.length) return;
    let i = this.#active ? bars.findIndex((b) => b.key === this.#active) : -1;
    switch (e.key) {
      case "ArrowRight": i = i < 0 ? bars.length - 1 : Math.min(bars.length - 1, i + 1); break;
      case "ArrowLeft": i = i < 0 ? bars.length - 1 : Math.max(0, i - 1); break;
      case "Home": i = 0; break;
      case "End": i = bars.length - 1; break;
      case "Enter": {
        const route = this.#active && this.#barRoute(this.#active);
        if (route) {
          e.preventDefault();
          this.#open(route);
        }
        return;
      }
      case "Escape": this.#active = null; this.#hover = null; this.requestUpdate(); return;
      default: return;
    }
    e.preventDefault();
    this.#active = bars[i]!.key;
    this.requestUpdate();
    void this.updateComplete.then(() => {
      if (this.#active) this.#showTip(this.#active);
      this.requestUpdate();
    });
  };

  #onOver = (e: PointerEvent): void => {
    const el = (e.target as Element).closest?.(".bar");
    const key = el?.getAttribute("data-key");
    if (!key) {
      if (this.#hover) {
        this.#hover = null;
        this.requestUpdate();
      }
      return;
    }
    if (this.#hover?.bar.key === key) return;
    this.#showTip(key, el as HTMLElement);
    this.requestUpdate();
  };

  #onLeave = (): void => {
    this.#hover = null;
    this.requestUpdate();
  };

  #onClick = (e: MouseEvent): void => {
    const key = (e.target as Element).closest?.(".bar")?.getAttribute("data-key");
    const route = key && this.#barRoute(key);
    if (route) this.#open(route);
  };
}

define("updraft-workers", UpdraftWorkers);
