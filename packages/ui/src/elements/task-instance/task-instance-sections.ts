// The sections of <updraft-task-instance> as render functions: details (a definition list of the
// instance and of the task's definition), tries, templated fields, XCom entries, and the lists of
// mapped instances and submitted children. The element passes what they link to.
import { html, nothing, type TemplateResult } from "lit";
import { statePill, stateGlyph } from "../../shared/state-badge.ts";
import { stateLabel } from "../../shared/states.ts";
import { formatDateTime, formatDuration, secondsBetween } from "../../shared/format.ts";
import type { TaskInstanceDetail, TiRef, TiTry } from "./task-instance-types.ts";

/** What a section links to: another task instance, or a try's log. */
export interface SectionLinks {
  instance(ref: { task_id: string; map_index: number }, label: TemplateResult | string): TemplateResult;
  showTry(t: TiTry): void;
  chosenTry: number;
}

const dash = (v: unknown) => (v === null || v === undefined || v === "" ? "–" : String(v));
const secs = (s: number | null) => (s == null ? "–" : formatDuration(s));
const item = (term: string, value: unknown) => html`<div class="kv"><dt>${term}</dt><dd>${value ?? "–"}</dd></div>`;

/** The instance and the task's definition, as two definition lists. */
export function detailsSection(d: TaskInstanceDetail, links: SectionLinks): TemplateResult {
  const ti = d.instance;
  const t = d.task;
  return html`
    <section class="details" aria-label="Details">
      <h3>Task instance</h3>
      <dl>
        ${item("Task", d.task_id)}
        ${d.map_index >= 0 ? item("Map index", ti?.rendered_map_index ? `${d.map_index} (${ti.rendered_map_index})` : d.map_index) : nothing}
        ${item("Run", d.run_id)}
        ${item("Logical date", formatDateTime(d.run.logical_date))}
        ${item("State", statePill(ti?.state))}
        ${item("Try", ti ? `${ti.try_number} of ${ti.max_tries + 1}` : "–")}
        ${item("Operator", dash(ti?.operator ?? t?.kind))}
        ${item("Queued at", formatDateTime(ti?.queued_when))}
        ${item("Started", formatDateTime(ti?.start_date))}
        ${item("Ended", formatDateTime(ti?.end_date))}
        ${item("Duration", ti ? secs(ti.duration ?? secondsBetween(ti.start_date, ti.end_date)) : "–")}
        ${ti?.next_retry_at ? item("Next try at", formatDateTime(ti.next_retry_at)) : nothing}
        ${item("Queue", dash(ti?.queue))}
        ${item("Pool", ti ? `${ti.pool} (${ti.pool_slots} slot${ti.pool_slots === 1 ? "" : "s"})` : "–")}
        ${item("Priority weight", dash(ti?.priority_weight))}
        ${item("Hostname", dash(ti?.hostname))}
        ${item("Executor", dash(ti?.executor))}
        ${item("DAG version", dash(d.run.dag_version_id))}
        ${ti?.parent ? item("Started by", links.instance(ti.parent, `${ti.parent.task_id}${ti.parent.map_index >= 0 ? ` [${ti.parent.map_index}]` : ""} (ctx.submit)`)) : nothing}
        ${ti?.note ? item("Note", ti.note) : nothing}
      </dl>
      ${t ? html`
        <h3>Task definition</h3>
        <dl>
          ${item("Kind", t.kind + (t.submittable ? " (started with ctx.submit)" : ""))}
          ${item("Trigger rule", t.trigger_rule)}
          ${item("Retries", t.retries)}
          ${item("Retry delay", `${secs(t.retry_delay)}${t.retry_exponential_backoff ? ", exponential backoff" : ""}${t.max_retry_delay ? `, at most ${secs(t.max_retry_delay)}` : ""}`)}
          ${item("Execution timeout", t.execution_timeout ? secs(t.execution_timeout) : "none")}
          ${item("Depends on past", t.depends_on_past ? "yes" : "no")}
          ${item("Pool", `${t.pool} (${t.pool_slots})`)}
          ${item("Queue", t.queue)}
          ${item("Priority weight", t.priority_weight)}
          ${item("Mapped", t.is_mapped ? "yes (.expand)" : "no")}
          ${t.sensor ? item("Sensor", `${t.sensor.mode} mode, poke every ${secs(t.sensor.poke_interval)}, time-out ${secs(t.sensor.timeout)}${t.sensor.soft_fail ? ", soft fail" : ""}`) : nothing}
          ${item("Upstream", t.upstream.length ? t.upstream.map((u, i) => html`${i ? ", " : ""}${links.instance({ task_id: u, map_index: -1 }, u)}`) : "none")}
          ${item("Downstream", t.downstream.length ? t.downstream.map((u, i) => html`${i ? ", " : ""}${links.instance({ task_id: u, map_index: -1 }, u)}`) : "none")}
        </dl>
        ${t.doc ? html`<h3>Documentation</h3><pre class="doc">${t.doc}</pre>` : nothing}
      ` : html`<p class="muted">This task is not in the DAG version the run used.</p>`}
    </section>`;
}

/** Every try: a table whose rows choose the try whose log is shown. */
export function triesSection(d: TaskInstanceDetail, links: SectionLinks): TemplateResult {
  if (!d.tries.length) return html`<p class="muted">This task instance has not run yet.</p>`;
  return html`
    <table class="table tries" aria-label="Tries">
      <thead><tr><th scope="col">Try</th><th scope="col">State</th><th scope="col">Started</th><th scope="col">Ended</th><th scope="col">Duration</th><th scope="col">Host</th><th scope="col">Error</th><th scope="col"><span class="visually-hidden">Log</span></th></tr></thead>
      <tbody>
        ${[...d.tries].reverse().map((t) => html`
          <tr aria-selected=${t.try_number === links.chosenTry ? "true" : "false"} @click=${() => links.showTry(t)}>
            <td class="num">${t.try_number}${t.current ? html` <span class="muted">(current)</span>` : nothing}</td>
            <td>${statePill(t.state)}</td>
            <td class="num">${formatDateTime(t.start_date)}</td>
            <td class="num">${formatDateTime(t.end_date)}</td>
            <td class="num">${secs(t.duration ?? (t.start_date ? secondsBetween(t.start_date, t.end_date) : null))}</td>
            <td>${dash(t.hostname)}</td>
            <td class="err">${t.error ? html`<span title=${t.error.message}>${t.error.name}: ${t.error.message}</span>` : nothing}</td>
            <td><button class="link" @click=${(e: Event) => {
              e.stopPropagation();
              links.showTry(t);
            }}>Log</button></td>
          </tr>`)}
      </tbody>
    </table>`;
}

/** The templated fields: the template and what it rendered to, or honestly when that is not known. */
export function templatesSection(d: TaskInstanceDetail): TemplateResult {
  if (!d.templates.length) {
    return html`<p class="muted">${d.task?.kind === "shell" ? "This shell task has no templated fields." : "Only shell tasks have templated fields (command, env); this task's arguments are its code's."}</p>`;
  }
  return html`<div class="templates">${d.templates.map((t) => html`
    <section class="template" aria-label=${t.field}>
      <h3><code>${t.field}</code></h3>
      <div class="tpl-grid">
        <div><div class="label muted">Template</div><pre class="code">${t.template}</pre></div>
        <div><div class="label muted">Rendered${t.rendered_from === "log" ? " (from the try's log)" : ""}</div>
          ${t.rendered != null ? html`<pre class="code">${t.rendered}</pre>` : html`<pre class="code pending muted">${t.note ?? "rendered at run time"}</pre>`}
          ${t.rendered != null && t.note ? html`<div class="muted small">${t.note}</div>` : nothing}
        </div>
      </div>
    </section>`)}</div>`;
}

function pretty(preview: string, truncated: boolean): string {
  if (truncated) return preview;
  try {
    return JSON.stringify(JSON.parse(preview), null, 2);
  } catch {
    return preview;
  }
}

/** XCom entries, pretty-printed JSON, folded when long. */
export function xcomSection(d: TaskInstanceDetail): TemplateResult {
  if (!d.xcom.length) return html`<p class="muted">This task instance pushed no XCom.</p>`;
  return html`<div class="xcoms">${d.xcom.map((x) => {
    const text = pretty(x.preview, x.truncated);
    const lines = text.split("\n").length;
    const long = lines > 12 || text.length > 600;
    const body = html`<pre class="code">${text}${x.truncated ? "…" : ""}</pre>${x.truncated ? html`<div class="muted small">Showing the first ${x.preview.length.toLocaleString()} of ${x.size.toLocaleString()} characters.</div>` : nothing}`;
    return html`<section class="xcom" aria-label="XCom ${x.key}">
      <div class="xcom-head"><code class="key">${x.key}</code><span class="muted small">${x.size.toLocaleString()} chars · ${formatDateTime(x.timestamp)}</span></div>
      ${long ? html`<details><summary>${lines} lines — show</summary>${body}</details>` : body}
    </section>`;
  })}</div>`;
}

/** A table of instances (mapped siblings or submitted children) linking to each. */
export function instanceList(title: string, refs: TiRef[], links: SectionLinks, counts?: Record<string, number>, total?: number): TemplateResult {
  const mapped = refs.some((r) => r.map_index >= 0);
  return html`<section class="instances" aria-label=${title}>
    <h3>${title}${total != null ? html` <span class="muted">(${total})</span>` : nothing}</h3>
    ${counts ? html`<p class="counts">${Object.entries(counts).map(([s, n]) => html`<span class="count-chip">${stateGlyph(s)} ${n} ${stateLabel(s)}</span>`)}</p>` : nothing}
    <table class="table refs" aria-label=${title}>
      <thead><tr><th scope="col">${mapped ? "Map index" : "Task"}</th>${mapped ? html`<th scope="col">Name</th>` : nothing}<th scope="col">State</th></tr></thead>
      <tbody>${refs.map((r) => html`<tr>
        <td class="num">${links.instance(r, mapped ? `[${r.map_index}]` : r.task_id)}</td>
        ${mapped ? html`<td>${r.rendered_map_index ?? html`<span class="muted">–</span>`}</td>` : nothing}
        <td>${statePill(r.state)}</td>
      </tr>`)}</tbody>
    </table>
    ${total != null && total > refs.length ? html`<p class="muted small">The first ${refs.length} of ${total}.</p>` : nothing}
  </section>`;
}
