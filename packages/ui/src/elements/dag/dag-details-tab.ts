// The Details tab of `<updraft-dag>`: the DAG's settings, schedule, version and params, as
// Airflow's DAG details page lists them.
import { html, nothing, type TemplateResult } from "lit";
import type { DagDetails } from "../../shared/dag-types.ts";
import { formatDateTime, formatDuration } from "../../shared/format.ts";
import { describeSchedule } from "../../shared/schedule-text.ts";

const row = (label: string, value: unknown): TemplateResult => html`<dt>${label}</dt><dd>${value ?? html`<span class="muted">–</span>`}</dd>`;
const date = (iso: string | null) => (iso ? `${formatDateTime(iso)} UTC` : null);

function paramValue(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? "null";
}

/** The tab's content. */
export function detailsTab(d: DagDetails): TemplateResult {
  return html`<div class="details-grid">
    <section class="card" aria-labelledby="dt-dag">
      <h2 id="dt-dag">DAG</h2>
      <dl>
        ${row("DAG id", html`<span class="mono">${d.dag_id}</span>`)}
        ${row("Description", d.description)}
        ${row("Tags", d.tags.length ? d.tags.join(", ") : null)}
        ${row("File", html`<span class="mono">${d.fileloc}</span>`)}
        ${row("Last parsed", date(d.last_parsed_time))}
        ${row("Version", d.version ? html`#${d.version.id} <span class="muted mono">${d.version.version_hash.slice(0, 12)}</span>, ${date(d.version.created_at)}` : null)}
        ${row("Tasks", String(d.task_count))}
        ${row("Import errors", d.has_import_errors ? "The file failed to load at its last parse" : "None")}
      </dl>
    </section>
    <section class="card" aria-labelledby="dt-schedule">
      <h2 id="dt-schedule">Schedule</h2>
      <dl>
        ${row("Schedule", html`${describeSchedule(d.schedule_interval)} <span class="muted mono">${d.schedule_interval ?? "None"}</span>`)}
        ${row("Time zone", d.timezone)}
        ${row("Start date", date(d.start_date))}
        ${row("End date", date(d.end_date))}
        ${row("Catchup", d.catchup ? "Yes" : "No")}
        ${row("Next run", d.next_dagrun ? html`${date(d.next_dagrun)} <span class="muted">(runs after ${date(d.next_dagrun_create_after)})</span>` : null)}
        ${row("Paused", d.is_paused ? "Yes" : "No")}
      </dl>
    </section>
    <section class="card" aria-labelledby="dt-limits">
      <h2 id="dt-limits">Limits</h2>
      <dl>
        ${row("Max active runs", String(d.max_active_runs))}
        ${row("Max active tasks", String(d.max_active_tasks))}
        ${row("Run timeout", d.dagrun_timeout != null ? formatDuration(d.dagrun_timeout) : "None")}
        ${row("Active runs now", String(d.active_runs))}
      </dl>
    </section>
    <section class="card" aria-labelledby="dt-params" style="grid-column: 1 / -1">
      <h2 id="dt-params">Params</h2>
      ${d.params.length === 0 ? html`<p class="muted" style="padding: 10px 14px; margin: 0">This DAG declares no params.</p>` : html`
        <table class="params-table">
          <thead><tr><th scope="col">Name</th><th scope="col">Default</th><th scope="col">Type</th><th scope="col">Description</th></tr></thead>
          <tbody>${d.params.map((p) => html`<tr>
            <td class="mono">${p.name}${p.title ? html` <span class="muted">(${p.title})</span>` : nothing}</td>
            <td class="mono">${paramValue(p.default)}</td>
            <td>${[p.schema.type].flat().filter(Boolean).join(" | ") || (p.schema.enum ? "enum" : html`<span class="muted">any</span>`)}${p.schema.enum ? html` <span class="muted">one of ${p.schema.enum.map((e) => JSON.stringify(e)).join(", ")}</span>` : nothing}</td>
            <td>${p.description ?? html`<span class="muted">–</span>`}</td>
          </tr>`)}</tbody>
        </table>`}
    </section>
  </div>`;
}
