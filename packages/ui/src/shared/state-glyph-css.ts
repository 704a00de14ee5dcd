// The state glyphs of states.ts as CSS masks, for views that draw thousands of state marks (the
// grid's cells): a plain element with `class="sg" data-state="…"` shows the glyph in its
// `background-color`, with no SVG element per mark.
import { unsafeCSS, type CSSResult } from "lit";
import { onStateColour, stateIcon, TASK_STATES } from "./states.ts";

/** The glyph of a state as a standalone SVG document (a data: URL), drawn in `colour` (black for a mask). */
export function stateGlyphUrl(state: string, colour = "#000"): string {
  // The icons are static templates: their markup is the template's strings.
  const markup = stateIcon(state).strings.join("").replaceAll("currentColor", colour);
  const doc = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 12 12">${markup}</svg>`;
  return `url("data:image/svg+xml,${encodeURIComponent(doc)}")`;
}

/** A grey that reads on light and dark backgrounds, for the glyph of `none` (no fill). */
const NONE_GLYPH = "#8b94a3";

/**
 * One rule per state: `<selector>[data-state="<state>"]<pseudo> { <body> }`, where in the body
 * `$url` is the state's glyph (black, for a mask), `$img` the glyph drawn in the colour that reads
 * on the state's fill (an image: far cheaper to paint by the thousand than a mask), `$fill` the
 * fill and `$on` that colour.
 * @example stateRules(".cell", "", "background: $fill $img center / 10px no-repeat;")
 */
export function stateRules(selector: string, pseudo: string, body: string): CSSResult {
  return unsafeCSS(TASK_STATES.map((s) => {
    const on = s === "none" ? NONE_GLYPH : onStateColour(s);
    const rule = body.replaceAll("$url", stateGlyphUrl(s)).replaceAll("$img", stateGlyphUrl(s, on)).replaceAll("$fill", `var(--updraft-state-${s})`).replaceAll("$on", on);
    return `${selector}[data-state="${s}"]${pseudo} { ${rule} }`;
  }).join("\n"));
}

/**
 * `.sg[data-state=…]`: the glyph of the state as a mask, drawn in the colour that reads on the
 * state's fill (`--sg-colour` overrides it). Size it with width and height.
 */
export const stateGlyphStyles: CSSResult = unsafeCSS(`
  .sg { display: inline-block; background-color: var(--sg-colour, currentColor); mask-repeat: no-repeat; mask-position: center; mask-size: contain;
        -webkit-mask-repeat: no-repeat; -webkit-mask-position: center; -webkit-mask-size: contain; }
  ${TASK_STATES.map((s) => `.sg[data-state="${s}"] { mask-image: ${stateGlyphUrl(s)}; -webkit-mask-image: ${stateGlyphUrl(s)}; --sg-on: ${onStateColour(s)}; }`).join("\n  ")}
`);
