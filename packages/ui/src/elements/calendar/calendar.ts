// <updraft-calendar dag-id [year]>: a year of a DAG's runs, a day per cell (weeks as columns, as
// GitHub's and Airflow 3.1's calendars), each coloured by its runs' outcome with a glyph for
// failures and runs in progress, planned runs hatched; a legend, a year switcher, a tooltip with
// the day's counts, arrow-key navigation, and a click that opens the grid at the day's latest run.
import { html, svg, nothing } from "lit";
import { property, state } from "lit/decorators.js";
import { Task } from "@lit/task";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { LiveController } from "../../shared/live-controller.ts";
import { seg } from "../../shared/api-client.ts";
import { stateIcon, stateLabel } from "../../shared/states.ts";
import { define } from "../../shared/define.ts";
import { dayOutcome, moveFocus, OUTCOMES, yearLayout, type Outcome } from "./calendar-layout.ts";
import { calendarStyles } from "./calendar-styles.ts";

interface Day {
  date: string;
  counts: Record<string, number>;
  total: number;
  latest_run_id: string | null;
  planned: number;
}
interface CalendarData {
  dag_id: string;
  year: number;
  first_year: number | null;
  last_year: number | null;
  days: Day[];
}

const OUTCOME_LABEL: Record<Outcome, string> = {
  success: "All succeeded", failed: "Failed", mixed: "Some failed", running: "Running", queued: "Queued", planned: "Planned", none: "No runs",
};
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const GLYPH: Partial<Record<Outcome, string>> = { failed: "failed", mixed: "upstream_failed", running: "running", queued: "queued" };

function describe(date: string, day: Day | undefined): string {
  const when = new Date(`${date}T00:00:00Z`).toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  if (!day || (day.total === 0 && day.planned === 0)) return `${when}: no runs`;
  const parts = Object.entries(day.counts).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${n} ${stateLabel(s)}`);
  if (day.planned) parts.push(`${day.planned} planned`);
  return `${when}: ${parts.join(", ")}`;
}

/**
 * `<updraft-calendar dag-id="daily_sales" year="2026"></updraft-calendar>`
 * Attributes: `dag-id`, `year` (default: this year).
 * Parts: `toolbar`, `calendar`, `day`, `legend`, `tooltip`.
 * Events: `updraft-navigate` (the grid at the day's latest run) when a day with runs is chosen.
 */
export class UpdraftCalendar extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, calendarStyles];

  @property({ attribute: "dag-id" }) dagId = "";
  @property({ type: Number }) year = new Date().getUTCFullYear();

  @state() private focusIndex = -1;
  @state() private hover = -1;

  #refresh: ReturnType<typeof setTimeout> | undefined;

  readonly #task = new Task(this, {
    task: async ([dagId, year], { signal }) => {
      if (!dagId) return null;
      return this.client.get<CalendarData>(`/api/updraft/ui/dags/${seg(dagId)}/calendar`, { year }, signal);
    },
    args: () => [this.dagId, this.year, this.apiBase, this.token] as const,
  });

  readonly #live = new LiveController(this, {
    apply: (e) => {
      if (e.type !== "run" || e.dag_id !== this.dagId) return false;
      clearTimeout(this.#refresh);
      this.#refresh = setTimeout(() => void this.#task.run(), 1000);
      return false;
    },
    resync: () => void this.#task.run(),
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#refresh);
  }

  #setYear(y: number): void {
    this.year = y;
    this.focusIndex = -1;
    this.hover = -1;
  }

  #open(day: Day | undefined): void {
    if (!day?.latest_run_id) return;
    this.navigate({ view: "dag", dagId: this.dagId, tab: "grid", runId: day.latest_run_id });
  }

  override render() {
    void this.#live;
    return this.#task.render({
      initial: () => html`<p class="muted">Loading…</p>`,
      pending: () => (this.#task.value ? this.#view(this.#task.value) : html`<p class="muted">Loading the calendar of ${this.dagId}…</p>`),
      complete: (d) => (d ? this.#view(d) : html`<p class="muted">Choose a DAG.</p>`),
      error: (e) => html`<p class="error" role="alert">${this.dagId}: ${(e as Error).message}</p>`,
    });
  }

  #view(d: CalendarData) {
    const { cells, weeks, months } = yearLayout(d.year);
    const byDate = new Map(d.days.map((x) => [x.date, x]));
    const today = new Date().toISOString().slice(0, 10);
    const focus = this.focusIndex >= 0 ? this.focusIndex : Math.max(0, cells.findIndex((c) => c.date === today));
    const totals: Record<string, number> = {};
    for (const day of d.days) for (const [s, n] of Object.entries(day.counts)) totals[s] = (totals[s] ?? 0) + n;
    const runs = Object.values(totals).reduce((a, b) => a + b, 0);
    const thisYear = new Date().getUTCFullYear();
    const minYear = Math.min(d.first_year ?? thisYear, thisYear);
    const maxYear = Math.max(d.last_year ?? thisYear, thisYear);
    const tip = this.hover >= 0 ? cells[this.hover] : undefined;
    return html`
      <div class="toolbar" part="toolbar">
        <div class="years" role="group" aria-label="Year">
          <button aria-label="Previous year" ?disabled=${d.year <= minYear} @click=${() => this.#setYear(d.year - 1)}>‹</button>
          <strong class="year" aria-live="polite">${d.year}</strong>
          <button aria-label="Next year" ?disabled=${d.year >= maxYear + 1} @click=${() => this.#setYear(d.year + 1)}>›</button>
        </div>
        <span class="summary muted">${runs.toLocaleString()} run${runs === 1 ? "" : "s"} in ${d.year}${Object.entries(totals).sort((a, b) => b[1] - a[1]).map(([s, n]) => html` · ${n.toLocaleString()} ${stateLabel(s)}`)}</span>
      </div>
      <div class="scroll">
        <div class="cal" part="calendar" style="--weeks:${weeks}" role="grid" aria-label="Runs of ${d.dag_id} per day in ${d.year}"
          @keydown=${(e: KeyboardEvent) => this.#onKey(e, cells.length, cells.map((c) => byDate.get(c.date)), focus)}
          @mouseleave=${() => (this.hover = -1)}>
          <div class="months" aria-hidden="true">${months.map((m) => html`<span style="grid-column:${m.week + 2}">${m.label}</span>`)}</div>
          ${WEEKDAYS.map((w, row) => html`<div class="row" role="row">
            <span class="wd" aria-hidden="true" style="grid-row:${row + 2}">${row % 2 ? w : ""}</span>
            ${cells.map((c, i) => (c.weekday !== row ? nothing : this.#cell(c.date, i, byDate.get(c.date), c.week, row, i === focus)))}
          </div>`)}
          ${tip ? html`<div class="tooltip" part="tooltip" role="presentation" ?data-below=${tip.weekday < 3}
            data-align=${tip.week < 8 ? "start" : tip.week > weeks - 9 ? "end" : "center"}
            style="--col:${tip.week};--row:${tip.weekday}">${describe(tip.date, byDate.get(tip.date))}</div>` : nothing}
        </div>
      </div>
      <ul class="legend" part="legend" aria-label="Legend">
        ${OUTCOMES.map((o) => html`<li><span class="cell" data-outcome=${o} aria-hidden="true">${this.#glyph(o)}</span>${OUTCOME_LABEL[o]}</li>`)}
      </ul>
    `;
  }

  #glyph(o: Outcome) {
    const s = GLYPH[o];
    return s ? html`<svg viewBox="0 0 12 12" aria-hidden="true">${svg`${stateIcon(s)}`}</svg>` : nothing;
  }

  #cell(date: string, i: number, day: Day | undefined, week: number, row: number, focused: boolean) {
    const outcome = dayOutcome(day?.counts ?? {}, day?.planned ?? 0);
    const label = describe(date, day);
    return html`<div class="cell" part="day" role="gridcell" data-outcome=${outcome} data-i=${i} ?data-today=${date === new Date().toISOString().slice(0, 10)}
      style="grid-column:${week + 2};grid-row:${row + 2}" tabindex=${focused ? 0 : -1} aria-label=${label}
      aria-selected=${focused ? "true" : "false"}
      @mouseenter=${() => (this.hover = i)} @focus=${() => {
        this.focusIndex = i;
        this.hover = i;
      }} @blur=${() => (this.hover = -1)}
      @click=${() => this.#open(day)}>${this.#glyph(outcome)}</div>`;
  }

  #onKey(e: KeyboardEvent, days: number, data: Array<Day | undefined>, focus: number): void {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      this.#open(data[focus]);
      return;
    }
    const next = moveFocus(focus, e.key, days);
    if (next === null) return;
    e.preventDefault();
    this.focusIndex = next;
    void this.updateComplete.then(() => (this.renderRoot.querySelector(`[data-i="${next}"]`) as HTMLElement | null)?.focus());
  }
}

define("updraft-calendar", UpdraftCalendar);
