// @updraft/ui at `/ui/updraft.js`: the one script tag a page needs. It defines each Updraft
// element when its tag first appears in the page (at load, or added later), by importing that
// element's own module from beside it (`/ui/elements/<name>.js`), so a page pays only for the
// elements it uses: a portal corner with `<updraft-run-status>` loads that badge, not the grid.
// Elements that render other elements inside their shadow roots load those themselves.
export type { UpdraftElement } from "./shared/updraft-element.ts";
export type { LiveEvent } from "./shared/event-stream.ts";

/** Every element with a module of its own: `updraft-<name>` is defined by `elements/<name>.js`. */
export const ELEMENT_NAMES = [
  "app", "calendar", "code", "connections", "dag", "dags", "event-log", "gantt", "graph", "grid", "home",
  "import-errors", "pools", "run-status", "task-duration", "task-instance", "trigger-dialog", "variables", "workers",
] as const;
export type ElementName = (typeof ELEMENT_NAMES)[number];

const known = new Set<string>(ELEMENT_NAMES);
const loading = new Map<string, Promise<CustomElementConstructor>>();

/**
 * Each element's statically imported chunks (paths beside this file), written in by the build
 * (scripts/assets.ts replaces the marker), so they download with the element's module instead of
 * after it. Unbuilt, the marker is not JSON and nothing is preloaded.
 */
const PRELOADS: Record<string, string[] | undefined> = (() => {
  const manifest = "updraft:preloads";
  return manifest.startsWith("{") ? (JSON.parse(manifest) as Record<string, string[]>) : {};
})();

/**
 * Loads and defines `updraft-<name>`; resolves once it is defined. Pages rarely need it (tags are
 * found on their own); it helps a page that creates an element and wants to wait for it.
 * @example await loadElement("grid"); document.body.append(document.createElement("updraft-grid"));
 */
export function loadElement(name: ElementName): Promise<CustomElementConstructor> {
  let done = loading.get(name);
  if (!done) {
    const tag = `updraft-${name}`;
    const here = (path: string) => new URL(`./${path}`, import.meta.url).href;
    const url = here(`elements/${name}.js`);
    done = customElements.get(tag)
      ? customElements.whenDefined(tag)
      : Promise.all([url, ...(PRELOADS[name] ?? []).map(here)].map((u) => import(/* a runtime URL, not bundled */ u)))
        .then(() => customElements.whenDefined(tag));
    done.catch((err: unknown) => {
      loading.delete(name); // a later appearance of the tag tries again
      console.error(`updraft: could not load <${tag}> from ${url}:`, err);
    });
    loading.set(name, done);
  }
  return done;
}

/** Loads every undefined Updraft element under root (itself included). */
function discover(root: Element): void {
  const found = root.matches(":not(:defined)") ? [root] : [];
  for (const el of [...found, ...root.querySelectorAll(":not(:defined)")]) {
    const name = el.localName.startsWith("updraft-") ? el.localName.slice("updraft-".length) : "";
    if (known.has(name)) void loadElement(name as ElementName).catch(() => undefined);
  }
}

if (typeof document !== "undefined") {
  discover(document.documentElement);
  new MutationObserver((records) => {
    for (const r of records) for (const node of r.addedNodes) if (node instanceof Element) discover(node);
  }).observe(document.documentElement, { childList: true, subtree: true });
}
