// <updraft-task-instance dag-id run-id task-id [map-index]>: one task instance, as Airflow 3's task
// instance page: a header (state, try n of m, duration, actions) over tabs for the log of a chosen
// try (tailed live while it runs), details, tries, rendered templates and XCom. A mapped task asked
// without a map index lists its instances. Live: a `task` event for the instance refetches it and
// reads the log at once.
import { html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { property, state } from "lit/decorators.js";
import { Task } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { LiveController } from "../../shared/live-controller.ts";
import { seg } from "../../shared/api-client.ts";
import { statePill } from "../../shared/state-badge.ts";
import { stateBadgeStyles } from "../../shared/state-badge-styles.ts";
import { formatDuration, secondsBetween } from "../../shared/format.ts";
import { whoAmI, type Me } from "../../shared/principal.ts";
import { define } from "../../shared/define.ts";
import { ACTIVE_STATES, type TaskInstanceDetail, type TiTry } from "./task-instance-types.ts";
import { detailsSection, instanceList, templatesSection, triesSection, xcomSection, type SectionLinks } from "./task-instance-sections.ts";
import { taskInstanceStyles } from "./task-instance-styles.ts";
import { confirmDialog, type PendingAction } from "./confirm-dialog.ts";
import type { UpdraftLogView } from "./log-view.ts";

const TABS = [
  { id: "log", label: "Log" },
  { id: "details", label: "Details" },
  { id: "tries", label: "Tries" },
  { id: "templates", label: "Rendered templates" },
  { id: "xcom", label: "XCom" },
] as const;
type TabId = (typeof TABS)[number]["id"];

/**
 * `<updraft-task-instance dag-id="flaky_api" run-id="manual__…" task-id="call_api"></updraft-task-instance>`
 * Attributes: `dag-id`, `run-id`, `task-id`, `map-index` (-1 for an unmapped task), `tab`
 * (`log` `details` `tries` `templates` `xcom`).
 * Parts: `header`, `title`, `actions`, `tabs`, `tab`, `panel`, and the log's `toolbar`, `lines`,
 * `line` through `<updraft-log-view>`'s own parts.
 * Events: `updraft-navigate` (detail: a Route) when another instance is opened.
 */
export class UpdraftTaskInstance extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, stateBadgeStyles, taskInstanceStyles];

  @property({ attribute: "dag-id" }) dagId = "";
  @property({ attribute: "run-id" }) runId = "";
  @property({ attribute: "task-id" }) taskId = "";
  @property({ attribute: "map-index", type: Number }) mapIndex = -1;
  @property({ reflect: true }) tab: TabId = "log";

  /** The try whose log is shown; 0 follows the newest try. */
  @state() private chosenTry = 0;
  @state() private pending: PendingAction | null = null;
  @state() private actionError = "";

  #data: TaskInstanceDetail | null = null;
  #tick: ReturnType<typeof setInterval> | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #logLoaded: Promise<unknown> | null = null;

  readonly #task = new Task(this, {
    task: async ([dagId, runId, taskId, mapIndex], { signal }) => {
      if (!dagId || !runId || !taskId) return null;
      const path = `/api/updraft/ui/dags/${seg(dagId)}/runs/${seg(runId)}/tasks/${seg(taskId)}/instance`;
      const d = await this.client.get<TaskInstanceDetail>(path, { map_index: mapIndex === -1 ? undefined : mapIndex }, signal);
      this.#data = d;
      return d;
    },
    args: () => [this.dagId, this.runId, this.taskId, this.mapIndex, this.apiBase, this.token] as const,
  });

  // Who the caller is decides which actions show; asked again if the credentials change.
  readonly #me = new Task(this, {
    task: async () => whoAmI(this.client).catch((): Me | null => null),
    args: () => [this.apiBase, this.token] as const,
  });

  readonly #live = new LiveController(this, {
    apply: (e) => {
      if (e.type === "worker" || e.dag_id !== this.dagId || e.run_id !== this.runId) return false;
      if (e.type === "task") {
        if (e.task_id !== this.taskId || (this.mapIndex !== -1 && e.map_index !== this.mapIndex)) return false;
        this.#refreshSoon();
        this.#logView()?.poke();
      }
      return false;
    },
    resync: () => void this.#task.run(),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.#tick = setInterval(() => {
      if (this.#data?.instance?.state === "running") this.requestUpdate();
    }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#tick);
    clearTimeout(this.#refreshTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("dagId") || changed.has("runId") || changed.has("taskId") || changed.has("mapIndex")) {
      this.chosenTry = 0;
      this.actionError = "";
    }
  }

  #refreshSoon(): void {
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => void this.#task.run(), 250);
  }

  #logView(): UpdraftLogView | null {
    return this.renderRoot.querySelector("updraft-log-view");
  }

  #select(tab: TabId): void {
    this.tab = tab;
    void this.updateComplete.then(() => (this.renderRoot.querySelector(`[role=tab][aria-selected=true]`) as HTMLElement | null)?.focus());
  }

  #onTabKey(e: KeyboardEvent): void {
    const i = TABS.findIndex((t) => t.id === this.tab);
    const next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : e.key === "Home" ? 0 : e.key === "End" ? TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    this.#select(TABS[(next + TABS.length) % TABS.length]!.id);
  }

  /** Opens another task instance of this run: through the app when there is one, else in place. */
  #open(ref: { task_id: string; map_index: number }): void {
    const route = { view: "dag" as const, dagId: this.dagId, tab: "grid", runId: this.runId, taskId: ref.task_id, mapIndex: ref.map_index };
    this.navigate(route);
    if (!this.href(route)) {
      this.taskId = ref.task_id;
      this.mapIndex = ref.map_index;
    }
  }

  #links(d: TaskInstanceDetail): SectionLinks {
    return {
      chosenTry: this.#shownTry(d)?.try_number ?? 0,
      showTry: (t: TiTry) => {
        this.chosenTry = t.try_number;
        this.tab = "log";
      },
      instance: (ref, label): TemplateResult => {
        const h = this.href({ view: "dag", dagId: this.dagId, tab: "grid", runId: this.runId, taskId: ref.task_id, mapIndex: ref.map_index });
        const go = (e: Event) => {
          e.preventDefault();
          this.#open(ref);
        };
        return h ? html`<a class="ref" href=${h} @click=${go}>${label}</a>` : html`<button class="link ref" @click=${go}>${label}</button>`;
      },
    };
  }

  #shownTry(d: TaskInstanceDetail): TiTry | undefined {
    return d.tries.find((t) => t.try_number === this.chosenTry) ?? d.tries.at(-1);
  }

  async #run(action: PendingAction): Promise<void> {
    this.pending = null;
    this.actionError = "";
    const d = this.#data;
    if (!d) return;
    const base = `/api/v1/dags/${seg(this.dagId)}`;
    try {
      if (action.kind === "clear") {
        await this.client.post(`${base}/clearTaskInstances`, {
          dry_run: false, task_ids: [this.taskId], dag_run_id: this.runId, only_failed: false, include_downstream: action.downstream,
        });
        this.chosenTry = 0;
      } else {
        const path = `${base}/dagRuns/${seg(this.runId)}/taskInstances/${seg(this.taskId)}${this.mapIndex >= 0 ? `/${this.mapIndex}` : ""}`;
        await this.client.patch(path, { dry_run: false, new_state: action.kind === "success" ? "success" : "failed" });
      }
    } catch (err) {
      this.actionError = (err as Error).message;
    }
    void this.#task.run();
  }

  override render() {
    void this.#live;
    return this.#task.render({
      initial: () => html`<p class="muted">Loading…</p>`,
      pending: () => (this.#data ? this.#view(this.#data) : html`<p class="muted">Loading ${this.taskId}…</p>`),
      complete: (d) => (d ? this.#view(d) : html`<p class="muted">Choose a task instance.</p>`),
      error: (e) => html`<p class="error" role="alert">${this.taskId}: ${(e as Error).message}</p>`,
    });
  }

  #view(d: TaskInstanceDetail) {
    const ti = d.instance;
    const links = this.#links(d);
    if (!ti) {
      return html`${this.#header(d)}
        ${d.mapped ? instanceList("Mapped task instances", d.mapped.instances, links, d.mapped.counts, d.mapped.total) : html`<p class="muted">No instance.</p>`}`;
    }
    return html`
      ${this.#header(d)}
      ${this.actionError ? html`<p class="error" role="alert">${this.actionError}</p>` : nothing}
      <div class="tabs" role="tablist" part="tabs" aria-label="Task instance views" @keydown=${this.#onTabKey}>
        ${TABS.map((t) => html`<button role="tab" part="tab" id="tab-${t.id}" aria-controls="panel" aria-selected=${this.tab === t.id ? "true" : "false"}
          tabindex=${this.tab === t.id ? 0 : -1} @click=${() => this.#select(t.id)}>${t.label}${this.#badge(d, t.id)}</button>`)}
      </div>
      <div class="panel" id="panel" role="tabpanel" part="panel" aria-labelledby="tab-${this.tab}">
        ${this.#panel(d, links)}
      </div>
      ${this.pending ? confirmDialog(this.pending, d, {
        confirm: (a) => void this.#run(a), cancel: () => (this.pending = null), update: (a) => (this.pending = a),
      }) : nothing}
    `;
  }

  #badge(d: TaskInstanceDetail, tab: TabId) {
    const n = tab === "tries" ? d.tries.length : tab === "xcom" ? d.xcom.length : tab === "templates" ? d.templates.length : 0;
    return n ? html`<span class="tab-count">${n}</span>` : nothing;
  }

  #header(d: TaskInstanceDetail) {
    const ti = d.instance;
    const canEdit = this.#me.value?.can.edit === true;
    const duration = ti ? ti.duration ?? (ti.start_date ? secondsBetween(ti.start_date, ti.end_date) : null) : null;
    return html`<header part="header">
      <div class="title" part="title">
        <h2>${d.task_id}${d.map_index >= 0 ? html` <span class="map">[${d.map_index}]${ti?.rendered_map_index ? ` ${ti.rendered_map_index}` : ""}</span>` : nothing}</h2>
        ${ti ? statePill(ti.state) : nothing}
        ${ti && ti.try_number > 0 ? html`<span class="meta">Try ${ti.try_number} of ${ti.max_tries + 1}</span>` : nothing}
        ${duration != null ? html`<span class="meta" title="Duration">${formatDuration(duration)}</span>` : nothing}
        ${d.task ? html`<span class="meta kind">${d.task.kind}</span>` : nothing}
      </div>
      ${canEdit && ti ? html`<div class="actions" part="actions">
        <button @click=${() => (this.pending = { kind: "clear", downstream: true })}>Clear</button>
        <button @click=${() => (this.pending = { kind: "success" })} ?disabled=${ti.state === "success"}>Mark success</button>
        <button class="danger" @click=${() => (this.pending = { kind: "failed" })} ?disabled=${ti.state === "failed"}>Mark failed</button>
      </div>` : nothing}
    </header>`;
  }

  #panel(d: TaskInstanceDetail, links: SectionLinks) {
    switch (this.tab) {
      case "log":
        return this.#log(d);
      case "details":
        return html`${detailsSection(d, links)}${d.children.length ? instanceList("Started with ctx.submit", d.children, links) : nothing}`;
      case "tries":
        return triesSection(d, links);
      case "templates":
        return templatesSection(d);
      case "xcom":
        return xcomSection(d);
      default: {
        const never: never = this.tab;
        return never;
      }
    }
  }

  #log(d: TaskInstanceDetail) {
    this.#logLoaded ??= import("./log-view.ts");
    const shown = this.#shownTry(d);
    if (!shown) return html`<p class="muted">This task instance has not run yet; its log appears here when its first try starts.</p>`;
    const live = shown.current && ACTIVE_STATES.has(d.instance?.state ?? "");
    return html`
      ${d.tries.length > 1 ? html`<div class="try-picker" role="group" aria-label="Try">
        ${d.tries.map((t) => html`<button aria-pressed=${t.try_number === shown.try_number ? "true" : "false"} @click=${() => (this.chosenTry = t.try_number)}
          title="Try ${t.try_number}: ${t.state ?? "no status"}">${statePill(t.state)} Try ${t.try_number}</button>`)}
      </div>` : nothing}
      ${shown.error ? html`<p class="try-error" role="note"><strong>${shown.error.name}:</strong> ${shown.error.message}</p>` : nothing}
      <updraft-log-view .apiBase=${this.apiBase} .token=${this.token} .theme=${this.theme}
        dag-id=${this.dagId} run-id=${this.runId} task-id=${this.taskId} map-index=${this.mapIndex}
        try-number=${shown.try_number} ?live=${live}></updraft-log-view>`;
  }
}

define("updraft-task-instance", UpdraftTaskInstance);
