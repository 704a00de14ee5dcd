// <updraft-run-status dag-id [run-id]>: a small badge for a portal's corner: the latest (or the
// given) run's state, progress n/m and duration, updated live from the event stream.
import { html, css, nothing } from "lit";
import { property } from "lit/decorators.js";
import { Task } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { LiveController } from "../../shared/live-controller.ts";
import { seg } from "../../shared/api-client.ts";
import { statePill } from "../../shared/state-badge.ts";
import { stateBadgeStyles } from "../../shared/state-badge-styles.ts";
import { formatDuration, secondsBetween } from "../../shared/format.ts";
import { define } from "../../shared/define.ts";

interface RunStatus {
  dag_id: string;
  run: { run_id: string; state: string; run_type: string; logical_date: string | null; start_date: string | null; end_date: string | null } | null;
  counts: Record<string, number>;
  total: number;
}

const DONE = new Set(["success", "failed", "skipped", "upstream_failed", "removed"]);

/**
 * `<updraft-run-status dag-id="daily_sales"></updraft-run-status>`
 * Parts: `badge`, `state`, `progress`, `duration`.
 */
export class UpdraftRunStatus extends UpdraftElement {
  static override styles = [
    ...UpdraftElement.styles,
    stateBadgeStyles,
    css`
      :host {
        display: inline-block;
      }
      .badge {
        display: inline-flex;
        align-items: center;
        gap: 10px;
        padding: 6px 10px;
        border: 1px solid var(--updraft-border);
        border-radius: var(--updraft-radius);
        background: var(--updraft-bg);
        box-shadow: var(--updraft-shadow);
      }
      .dag {
        font-weight: 600;
      }
      .bar {
        width: 64px;
        height: 6px;
        border-radius: 3px;
        background: var(--updraft-surface-2);
        overflow: hidden;
      }
      .bar > span {
        display: block;
        height: 100%;
        background: var(--updraft-state-success);
      }
      .num {
        font-variant-numeric: tabular-nums;
        color: var(--updraft-text-muted);
        font-size: 12px;
      }
    `,
  ];

  @property({ attribute: "dag-id" }) dagId = "";
  @property({ attribute: "run-id" }) runId = "";

  #data: RunStatus | null = null;
  #tick: ReturnType<typeof setInterval> | undefined;

  readonly #task = new Task(this, {
    task: async ([dagId, runId], { signal }) => {
      if (!dagId) return null;
      const data = await this.client.get<RunStatus>(`/api/updraft/ui/dags/${seg(dagId)}/run-status`, { run_id: runId || undefined }, signal);
      this.#data = data;
      return data;
    },
    args: () => [this.dagId, this.runId, this.apiBase, this.token] as const,
  });

  readonly #live = new LiveController(this, {
    apply: (e) => {
      if (e.type === "worker" || e.dag_id !== this.dagId) return false;
      const d = this.#data;
      if (e.type === "run") {
        if (this.runId && e.run_id !== this.runId) return false;
        if (!d?.run || d.run.run_id !== e.run_id) {
          void this.#task.run();
          return false;
        }
        d.run.state = e.state;
        if (DONE.has(e.state)) void this.#task.run();
        return true;
      }
      if (!d?.run || d.run.run_id !== e.run_id) return false;
      // A task event is a new state of one instance; refetch the counts, at most a few times a second.
      this.#refreshSoon();
      return false;
    },
    resync: () => void this.#task.run(),
  });

  #pending = false;
  #refreshSoon(): void {
    if (this.#pending) return;
    this.#pending = true;
    setTimeout(() => {
      this.#pending = false;
      void this.#task.run();
    }, 250);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#tick = setInterval(() => {
      if (this.#data?.run?.state === "running") this.requestUpdate();
    }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#tick);
  }

  override render() {
    void this.#live;
    return this.#task.render({
      initial: () => html`<span class="badge muted" part="badge">${this.dagId} …</span>`,
      pending: () => (this.#data ? this.#badge(this.#data) : html`<span class="badge muted" part="badge">${this.dagId} …</span>`),
      complete: (d) => (d ? this.#badge(d) : nothing),
      error: (e) => html`<span class="badge error" part="badge" role="alert">${this.dagId}: ${(e as Error).message}</span>`,
    });
  }

  #badge(d: RunStatus) {
    const run = d.run;
    const label = html`<span class="dag">${d.dag_id}</span>`;
    const link = run ? this.href({ view: "dag", dagId: d.dag_id, tab: "grid", runId: run.run_id }) : this.href({ view: "dag", dagId: d.dag_id });
    const name = link ? html`<a href=${link}>${label}</a>` : label;
    if (!run) return html`<span class="badge" part="badge">${name}<span class="muted">no runs yet</span></span>`;
    const done = Object.entries(d.counts).filter(([s]) => DONE.has(s)).reduce((a, [, n]) => a + n, 0);
    const pct = d.total ? Math.round((done / d.total) * 100) : 0;
    return html`<span class="badge" part="badge" role="status" aria-label="${d.dag_id}: run ${run.run_id} ${run.state}, ${done} of ${d.total} tasks done">
      ${name} ${statePill(run.state)}
      <span class="bar" part="progress" aria-hidden="true"><span style="width:${pct}%"></span></span>
      <span class="num">${done}/${d.total}</span>
      <span class="num" part="duration" title="duration">${formatDuration(secondsBetween(run.start_date, run.end_date))}</span>
    </span>`;
  }
}

define("updraft-run-status", UpdraftRunStatus);
