// highlight.js ships no types for its language modules' subpaths; each is a LanguageFn.
declare module "highlight.js/lib/languages/typescript" {
  import type { LanguageFn } from "highlight.js";
  const language: LanguageFn;
  export default language;
}
