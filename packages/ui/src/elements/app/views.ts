// The app's views, each loaded when it is first shown: the page at `/` loads the app alone
// (`/ui/elements/app.js`) and then only the module of the view it opens, so the dashboard's
// first render does not wait for every element. Inside `/ui/updraft.js` these modules are
// already there and the imports resolve at once.
import type { AppRoute } from "./router.ts";

const LOADERS: Record<string, () => Promise<unknown>> = {
  "updraft-home": () => import("../home/home.ts"),
  "updraft-dags": () => import("../dags/dags.ts"),
  "updraft-dag": () => import("../dag/dag.ts"),
  "updraft-workers": () => import("../workers/workers.ts"),
  "updraft-variables": () => import("../variables/variables.ts"),
  "updraft-connections": () => import("../connections/connections.ts"),
  "updraft-pools": () => import("../pools/pools.ts"),
  "updraft-import-errors": () => import("../import-errors/import-errors.ts"),
  "updraft-event-log": () => import("../event-log/event-log.ts"),
};

/** The element that shows a place, or null for the app's own pages (login, not found). */
export function viewTag(route: AppRoute): string | null {
  switch (route.view) {
    case "home":
      return "updraft-home";
    case "dags":
      return "updraft-dags";
    case "dag":
      return "updraft-dag";
    case "workers":
      return "updraft-workers";
    case "admin":
      return route.page === "workers" ? "updraft-workers" : `updraft-${route.page}`;
    case "login":
    case "not-found":
      return null;
    default: {
      const never: never = route;
      throw new Error(`viewTag: unknown view ${JSON.stringify(never)}`);
    }
  }
}

const loading = new Map<string, Promise<void>>();

/**
 * Loads the module that defines a view's element (once); resolves when it is defined. A failed
 * load (a deploy replaced the chunks) may be tried again.
 * @example await loadView("updraft-dags")
 */
export function loadView(tag: string): Promise<void> {
  if (customElements.get(tag)) return Promise.resolve();
  let p = loading.get(tag);
  if (!p) {
    const load = LOADERS[tag];
    if (!load) return Promise.reject(new Error(`no view module for <${tag}>`));
    p = load().then(() => undefined);
    p.catch(() => loading.delete(tag));
    loading.set(tag, p);
  }
  return p;
}
