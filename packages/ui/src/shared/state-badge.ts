// A state as a pill: the state's colour, its glyph and its name, so it never rests on colour alone.
import { html, svg, type TemplateResult } from "lit";
import { onStateColour, stateIcon, stateLabel, stateVar } from "./states.ts";

/** A 12×12 glyph of the state, in the state's colour (for use inside text). */
export function stateGlyph(state: string | null | undefined): TemplateResult {
  return html`<svg class="glyph" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" style="color:${stateVar(state)}">${stateIcon(state)}</svg>`;
}

/** A filled pill with the glyph and the name of the state. */
export function statePill(state: string | null | undefined): TemplateResult {
  return html`<span class="pill" part="state" data-state=${state ?? "none"}
    style="background:${stateVar(state)};color:${onStateColour(state)}"
    ><svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true">${stateIcon(state)}</svg>${stateLabel(state)}</span>`;
}

export const pillStyles = svg``;
