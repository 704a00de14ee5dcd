// Airflow's state colours (the defaults of the `--updraft-state-*` tokens) and a shape per state,
// so state never rests on colour alone.
import { svg, unsafeCSS, type CSSResult, type SVGTemplateResult } from "lit";

export const TASK_STATES = [
  "success", "failed", "running", "queued", "scheduled", "up_for_retry", "up_for_reschedule",
  "upstream_failed", "skipped", "removed", "deferred", "restarting", "none",
] as const;
export type UiState = (typeof TASK_STATES)[number];

/** Airflow 2's colours for each state; each is overridable as `--updraft-state-<state>`. */
export const STATE_COLOURS: Record<UiState, string> = {
  success: "#008000",
  failed: "#dc2626",
  running: "#00b7eb",
  queued: "#808080",
  scheduled: "#d2b48c",
  up_for_retry: "#f0c000",
  up_for_reschedule: "#40e0d0",
  upstream_failed: "#ffa500",
  skipped: "#ff69b4",
  removed: "#b0b0b0",
  deferred: "#9370db",
  restarting: "#ee82ee",
  none: "transparent",
};

/** A human label for a state. */
export function stateLabel(state: string | null | undefined): string {
  if (!state || state === "none") return "no status";
  return state.replaceAll("_", " ");
}

/** The CSS custom property that holds a state's colour. */
export function stateVar(state: string | null | undefined): string {
  const s = (state ?? "none") as UiState;
  return `var(--updraft-state-${s in STATE_COLOURS ? s : "none"})`;
}

/** `--updraft-state-<state>` for every state, so `stateVar` always resolves (a page may override each). */
export const stateTokens: CSSResult = unsafeCSS(
  `:host { ${TASK_STATES.map((s) => `--updraft-state-${s}: ${STATE_COLOURS[s]};`).join(" ")} }`,
);

/**
 * A small glyph per state (12×12), drawn in currentColor: a check for success, a cross for
 * failed, a play triangle for running, a clock for queued/scheduled, a circular arrow for retry…
 */
export function stateIcon(state: string | null | undefined): SVGTemplateResult {
  switch (state) {
    case "success":
      return svg`<path d="M2.5 6.5l2.3 2.3 4.7-5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>`;
    case "failed":
      return svg`<path d="M3 3l6 6M9 3l-6 6" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>`;
    case "upstream_failed":
      return svg`<path d="M6 2.5v4.5M6 9.2v.3" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>`;
    case "running":
      return svg`<path d="M4 2.8v6.4L9.2 6z" fill="currentColor"/>`;
    case "queued":
    case "scheduled":
      return svg`<circle cx="6" cy="6" r="3.8" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M6 4v2.2l1.4 1" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linecap="round"/>`;
    case "up_for_retry":
    case "restarting":
      return svg`<path d="M9 6a3 3 0 1 1-1-2.2M8.6 2.2v1.9H6.7" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round"/>`;
    case "up_for_reschedule":
    case "deferred":
      return svg`<path d="M3.5 3h5M3.5 9h5M4 3c0 2 4 2 4 3s-4 1-4 3M8 3c0 2-4 2-4 3" fill="none" stroke="currentColor" stroke-width="1.2" stroke-linecap="round"/>`;
    case "skipped":
      return svg`<path d="M2.8 3l3.2 3-3.2 3M6.2 3l3.2 3-3.2 3" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" stroke-linejoin="round"/>`;
    case "removed":
      return svg`<path d="M3 6h6" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>`;
    default:
      return svg`<circle cx="6" cy="6" r="3.5" fill="none" stroke="currentColor" stroke-width="1.2" stroke-dasharray="2 1.5"/>`;
  }
}

/** Text colour that reads on a state's fill. */
export function onStateColour(state: string | null | undefined): string {
  return state === "success" || state === "failed" || state === "deferred" ? "#fff" : "#111";
}
