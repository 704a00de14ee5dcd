// The app's URLs: a place in the app (a `Route`) to a path with its query and back. Pure, so the
// table of deep links is tested without a browser; `<updraft-app>` drives the History API with it.
import type { Route } from "../../shared/context.ts";

/** The admin pages under `/admin/<page>`. */
export const ADMIN_PAGES = ["variables", "connections", "pools", "import-errors", "event-log"] as const;
export type AdminPage = (typeof ADMIN_PAGES)[number];

/** Every place the app shows: the elements' routes, the login form and a page that does not exist. */
export type AppRoute = Route | { view: "login"; next?: string } | { view: "not-found"; path: string };

/** A DAG's view in `/dags/<dag_id>/<tab>`: any lower-case name (the DAG element knows its tabs and defaults to the grid). */
const TAB_SEGMENT = /^[a-z][a-z0-9-]*$/;

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Only a path of this app is a place to go back to after logging in (never another origin). */
function safeNext(next: string | null): string | undefined {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/login")) return undefined;
  return next;
}

function mapIndexOf(raw: string | null | undefined): number | undefined {
  if (raw == null || !/^-?\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 0 ? n : undefined;
}

/** A DAG route with only the fields that are set (so routes compare equal however they were made). */
function dagRoute(dagId: string, tab: string | undefined, runId: string | null | undefined, taskId: string | null | undefined, mapIndex: number | undefined): Route {
  const r: Route = { view: "dag", dagId };
  if (tab) r.tab = tab;
  if (runId) r.runId = runId;
  if (taskId) r.taskId = taskId;
  if (taskId && mapIndex !== undefined) r.mapIndex = mapIndex;
  return r;
}

/**
 * The place a URL shows. Besides the app's own links it reads Airflow 3's deep links
 * (`/dags/<id>/runs/<run_id>/tasks/<task_id>[/mapped/<n>]`), so a bookmark carried over still works.
 * @example parseLocation("/dags/daily_sales/graph", "?run_id=manual__1") // { view: "dag", dagId: "daily_sales", tab: "graph", runId: "manual__1" }
 */
export function parseLocation(pathname: string, search = ""): AppRoute {
  const query = new URLSearchParams(search);
  const trimmed = pathname.replace(/\/+$/, "") || "/";
  const raw = trimmed.split("/").slice(1);
  const parts = raw.map(decode);
  const notFound: AppRoute = { view: "not-found", path: pathname };
  if (parts.some((p) => p === null || p === "")) return trimmed === "/" ? { view: "home" } : notFound;
  const seg = parts as string[];
  const [head, ...rest] = seg;
  switch (head) {
    case undefined:
      return { view: "home" };
    case "dags": {
      if (rest.length === 0) return { view: "dags" };
      const [dagId, tabOrRuns, ...more] = rest as [string, string | undefined, ...string[]];
      const runId = query.get("run_id");
      const taskId = query.get("task_id");
      const mapIndex = mapIndexOf(query.get("map_index"));
      if (tabOrRuns === undefined) return dagRoute(dagId, undefined, runId, taskId, mapIndex);
      if (tabOrRuns === "runs") {
        // Airflow 3: /dags/<id>/runs/<run>[/tasks/<task>[/mapped/<n>]]
        const [run, tasks, task, mapped, index, ...extra] = more;
        if (!run || extra.length > 0) return notFound;
        if (tasks === undefined) return dagRoute(dagId, undefined, run, undefined, undefined);
        if (tasks !== "tasks" || !task) return notFound;
        if (mapped === undefined) return dagRoute(dagId, undefined, run, task, undefined);
        if (mapped !== "mapped" || mapIndexOf(index) === undefined) return notFound;
        return dagRoute(dagId, undefined, run, task, mapIndexOf(index));
      }
      if (more.length > 0 || !TAB_SEGMENT.test(tabOrRuns)) return notFound;
      return dagRoute(dagId, tabOrRuns, runId, taskId, mapIndex);
    }
    case "workers":
      return rest.length === 0 ? { view: "workers" } : notFound;
    case "admin": {
      if (rest.length === 0) return { view: "admin", page: "variables" };
      const [page, ...more] = rest;
      if (more.length > 0) return notFound;
      if (page === "workers") return { view: "workers" };
      return (ADMIN_PAGES as readonly string[]).includes(page!) ? { view: "admin", page: page as AdminPage } : notFound;
    }
    case "login": {
      if (rest.length > 0) return notFound;
      const next = safeNext(query.get("next"));
      return next ? { view: "login", next } : { view: "login" };
    }
    default:
      return notFound;
  }
}

const enc = encodeURIComponent;

/**
 * The URL (path and query) of a place in the app.
 * @example routeHref({ view: "dag", dagId: "daily_sales", tab: "grid", runId: "scheduled__2026-01-01T00:00:00+00:00" })
 * // "/dags/daily_sales/grid?run_id=scheduled__2026-01-01T00%3A00%3A00%2B00%3A00"
 */
export function routeHref(route: AppRoute): string {
  switch (route.view) {
    case "home":
      return "/";
    case "dags":
      return "/dags";
    case "workers":
      return "/workers";
    case "dag": {
      const query = new URLSearchParams();
      if (route.runId) query.set("run_id", route.runId);
      if (route.taskId) query.set("task_id", route.taskId);
      if (route.taskId && route.mapIndex !== undefined && route.mapIndex >= 0) query.set("map_index", String(route.mapIndex));
      const qs = query.toString();
      return `/dags/${enc(route.dagId)}${route.tab ? `/${enc(route.tab)}` : ""}${qs ? `?${qs}` : ""}`;
    }
    case "admin":
      return route.page === "workers" ? "/workers" : `/admin/${route.page}`;
    case "login":
      return route.next ? `/login?${new URLSearchParams({ next: route.next }).toString()}` : "/login";
    case "not-found":
      return route.path;
    default: {
      const never: never = route;
      throw new Error(`routeHref: unknown view ${JSON.stringify(never)}`);
    }
  }
}

/** Whether two places are the same page (a click on a link to the current page pushes no entry). */
export function sameRoute(a: AppRoute, b: AppRoute): boolean {
  return routeHref(a) === routeHref(b);
}

/** A title for the browser tab: the most specific thing shown first. */
export function routeTitle(route: AppRoute): string {
  const suffix = "Updraft";
  switch (route.view) {
    case "home":
      return `Home · ${suffix}`;
    case "dags":
      return `DAGs · ${suffix}`;
    case "workers":
      return `Workers · ${suffix}`;
    case "dag": {
      const what = route.taskId ? `${route.taskId} · ` : "";
      const tab = route.tab ? ` · ${route.tab[0]!.toUpperCase()}${route.tab.slice(1)}` : "";
      return `${what}${route.dagId}${tab} · ${suffix}`;
    }
    case "admin":
      return `${route.page === "workers" ? "Workers" : ADMIN_LABELS[route.page]} · ${suffix}`;
    case "login":
      return `Sign in · ${suffix}`;
    case "not-found":
      return `Not found · ${suffix}`;
    default: {
      const never: never = route;
      throw new Error(`routeTitle: unknown view ${JSON.stringify(never)}`);
    }
  }
}

/** The admin pages' names as the menu shows them. */
export const ADMIN_LABELS: Record<AdminPage, string> = {
  variables: "Variables",
  connections: "Connections",
  pools: "Pools",
  "import-errors": "Import errors",
  "event-log": "Event log",
};
