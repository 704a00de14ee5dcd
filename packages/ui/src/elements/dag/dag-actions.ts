// The changes `<updraft-dag>` makes, each behind a confirmation: pause or unpause the DAG, clear a
// run (all its task instances or only the failed ones, previewed with a dry run), mark a run
// success or failed, delete a run. The confirmation is a modal <dialog>: focus stays inside, Escape
// cancels.
import { html, nothing, type TemplateResult } from "lit";
import { ref } from "lit/directives/ref.js";
import { seg, type ApiClient } from "../../shared/api-client.ts";

/** A change waiting for the user's yes. */
export type DagAction =
  | { kind: "pause"; paused: boolean }
  | { kind: "clear"; runId: string; onlyFailed: boolean; preview: ClearPreview }
  | { kind: "mark"; runId: string; state: "success" | "failed" }
  | { kind: "delete"; runId: string };

/** The instances a clear would reset: null while the dry run runs, or an error. */
export type ClearPreview = { count: number; tasks: string[] } | { error: string } | null;

interface ClearedRef {
  task_id: string;
}

/** The task instances clearing this run would reset (a dry run). */
export async function previewClear(client: ApiClient, dagId: string, runId: string, onlyFailed: boolean): Promise<ClearPreview> {
  try {
    const r = await client.post<{ task_instances: ClearedRef[] }>(`/api/v1/dags/${seg(dagId)}/clearTaskInstances`, {
      dry_run: true, dag_run_id: runId, only_failed: onlyFailed,
    });
    // Airflow's references carry no map index: a mapped task's instances are counted under its id.
    const byTask = new Map<string, number>();
    for (const t of r.task_instances) byTask.set(t.task_id, (byTask.get(t.task_id) ?? 0) + 1);
    return { count: r.task_instances.length, tasks: [...byTask].map(([task, n]) => (n > 1 ? `${task} (${n} instances)` : task)) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Makes the change; answers what to tell the user. */
export async function perform(client: ApiClient, dagId: string, a: DagAction): Promise<string> {
  const base = `/api/v1/dags/${seg(dagId)}`;
  switch (a.kind) {
    case "pause":
      await client.patch(base, { is_paused: a.paused }, { update_mask: "is_paused" });
      return a.paused ? `${dagId} is paused.` : `${dagId} is active again.`;
    case "clear": {
      const r = await client.post<{ task_instances: ClearedRef[] }>(`${base}/clearTaskInstances`, { dry_run: false, dag_run_id: a.runId, only_failed: a.onlyFailed });
      const n = r.task_instances.length;
      return `Cleared ${n} task ${n === 1 ? "instance" : "instances"} of ${a.runId}.`;
    }
    case "mark":
      await client.patch(`${base}/dagRuns/${seg(a.runId)}`, { state: a.state });
      return `${a.runId} is marked ${a.state}.`;
    case "delete":
      await client.delete(`${base}/dagRuns/${seg(a.runId)}`);
      return `${a.runId} is deleted.`;
    default: {
      const never: never = a;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
}

export interface ConfirmHandlers {
  confirm(a: DagAction): void;
  cancel(): void;
  update(a: DagAction): void;
}

function body(a: DagAction, dagId: string, on: ConfirmHandlers): { title: string; text: TemplateResult; verb: string; danger: boolean; ready: boolean } {
  switch (a.kind) {
    case "pause":
      return a.paused
        ? { title: `Pause ${dagId}?`, verb: "Pause", danger: false, ready: true, text: html`<p>The scheduler creates no new runs of this DAG while it is paused, and the tasks of its runs wait. Runs already going finish the tasks they have started.</p>` }
        : { title: `Unpause ${dagId}?`, verb: "Unpause", danger: false, ready: true, text: html`<p>The scheduler creates its due runs again and its waiting tasks run.</p>` };
    case "clear": {
      const p = a.preview;
      const list = !p
        ? html`<p class="muted">Finding the task instances…</p>`
        : "error" in p
          ? html`<p class="error">${p.error}</p>`
          : p.count === 0
            ? html`<p class="muted">No task instance would be cleared${a.onlyFailed ? ": none of them failed" : ""}.</p>`
            : html`<p>${p.count} task ${p.count === 1 ? "instance runs" : "instances run"} again, each with a new try:</p>
              <ul>${p.tasks.slice(0, 50).map((t) => html`<li>${t}</li>`)}${p.tasks.length > 50 ? html`<li>… and ${p.tasks.length - 50} more tasks</li>` : nothing}</ul>`;
      return {
        title: "Clear this run?", verb: "Clear", danger: false, ready: !!p && "count" in p && p.count > 0,
        text: html`<label class="check"><input type="checkbox" .checked=${a.onlyFailed}
            @change=${(e: Event) => on.update({ ...a, onlyFailed: (e.target as HTMLInputElement).checked, preview: null })}> Only failed and upstream-failed tasks</label>
          ${list}`,
      };
    }
    case "mark":
      return {
        title: `Mark this run ${a.state}?`, verb: `Mark ${a.state}`, danger: a.state === "failed", ready: true,
        text: a.state === "success"
          ? html`<p>Its unfinished task instances are set to success and the run ends as success.</p>`
          : html`<p>Its unfinished task instances stop where they are and the run ends as failed.</p>`,
      };
    case "delete":
      return {
        title: "Delete this run?", verb: "Delete", danger: true, ready: true,
        text: html`<p>The run, its task instances, their tries and XComs are removed for good; a running run's tries are stopped first. Its logs stay on disk.</p>`,
      };
    default: {
      const never: never = a;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
}

/** The confirmation for `a`, opened as a modal as soon as it is in the page. */
export function confirmAction(a: DagAction, dagId: string, busy: boolean, on: ConfirmHandlers): TemplateResult {
  const b = body(a, dagId, on);
  return html`<dialog class="confirm" aria-labelledby="confirm-title" part="confirm"
      ${ref((el) => {
        const dialog = el as HTMLDialogElement | undefined;
        if (dialog && !dialog.open) requestAnimationFrame(() => dialog.isConnected && !dialog.open && dialog.showModal());
      })}
      @cancel=${(e: Event) => {
        e.preventDefault();
        on.cancel();
      }}>
    <h2 id="confirm-title">${b.title}</h2>
    <div class="content">
      ${a.kind === "pause" ? nothing : html`<p class="subject"><span class="muted">${dagId} ·</span> <code>${a.runId}</code></p>`}
      ${b.text}
    </div>
    <div class="buttons">
      <button @click=${() => on.cancel()}>Cancel</button>
      <button class=${b.danger ? "danger solid" : "primary"} ?disabled=${!b.ready || busy} @click=${() => on.confirm(a)}>${busy ? "Working…" : b.verb}</button>
    </div>
  </dialog>`;
}
