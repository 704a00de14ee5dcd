// The confirmation <updraft-task-instance> asks before it changes anything: clear the instance
// (with or without its downstream tasks) or mark it success or failed. A modal <dialog>, so focus
// stays inside it and Escape cancels.
import { html, nothing, type TemplateResult } from "lit";
import { ref } from "lit/directives/ref.js";
import type { TaskInstanceDetail } from "./task-instance-types.ts";

/** An action waiting for the user's confirmation. */
export type PendingAction = { kind: "clear"; downstream: boolean } | { kind: "success" } | { kind: "failed" };

export interface ConfirmHandlers {
  confirm(a: PendingAction): void;
  cancel(): void;
  update(a: PendingAction): void;
}

/** The dialog for `a`, opened as a modal as soon as it is in the page. */
export function confirmDialog(a: PendingAction, d: TaskInstanceDetail, on: ConfirmHandlers): TemplateResult {
  const name = `${d.task_id}${d.map_index >= 0 ? ` [${d.map_index}]` : ""}`;
  const title = a.kind === "clear" ? `Clear ${name}?` : `Mark ${name} as ${a.kind}?`;
  const downstream = d.task?.downstream ?? [];
  return html`<dialog class="confirm" aria-labelledby="confirm-title"
      ${ref((el) => {
        const dialog = el as HTMLDialogElement | undefined;
        // The ref sees the dialog before it is in the document: open it once it is.
        if (dialog && !dialog.open) requestAnimationFrame(() => dialog.isConnected && !dialog.open && dialog.showModal());
      })}
      @cancel=${(e: Event) => {
        e.preventDefault();
        on.cancel();
      }}>
    <h3 id="confirm-title">${title}</h3>
    ${a.kind === "clear" ? html`
      <p>The instance${d.mapped ? "s of every map index" : ""} of run <code>${d.run_id}</code> will run again, with a new try.</p>
      ${downstream.length ? html`<label class="check"><input type="checkbox" .checked=${a.downstream}
        @change=${(e: Event) => on.update({ kind: "clear", downstream: (e.target as HTMLInputElement).checked })} />
        Also clear the downstream tasks (${downstream.join(", ")} and theirs)</label>` : nothing}
    ` : html`<p>The instance's state becomes <strong>${a.kind}</strong>${a.kind === "success" ? "; downstream tasks may then run" : "; downstream tasks become upstream_failed"}.</p>`}
    <div class="dialog-actions">
      <button @click=${() => on.cancel()}>Cancel</button>
      <button class=${a.kind === "failed" ? "danger" : "primary"} @click=${() => on.confirm(a)} autofocus>${a.kind === "clear" ? "Clear" : `Mark ${a.kind}`}</button>
    </div>
  </dialog>`;
}
