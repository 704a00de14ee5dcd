// Syntax highlighting for <updraft-code>, loaded on first use as its own chunk: highlight.js's
// core with the TypeScript grammar only (DAG files are TypeScript), not its 190 languages.
import hljs from "highlight.js/lib/core";
import typescript from "highlight.js/lib/languages/typescript";

hljs.registerLanguage("typescript", typescript);

/**
 * The source as HTML with `hljs-*` classes (the text escaped by highlight.js).
 * @example highlightTypeScript("const a = 1;") // '<span class="hljs-keyword">const</span> a = …'
 */
export function highlightTypeScript(source: string): string {
  return hljs.highlight(source, { language: "typescript", ignoreIllegals: true }).value;
}
