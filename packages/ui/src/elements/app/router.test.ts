// The app's deep links: each path reads as the place it names, and each place writes back to the same path.
import { describe, expect, it } from "vitest";
import { parseLocation, routeHref, routeTitle, type AppRoute } from "./router.ts";

const RUN = "scheduled__2026-01-01T00:00:00+00:00";
const RUN_Q = encodeURIComponent(RUN);

/** [path with query, the place it shows]: each row also checks that the place writes back to the same path. */
const ROUND_TRIPS: [string, AppRoute][] = [
  ["/", { view: "home" }],
  ["/dags", { view: "dags" }],
  ["/dags/daily_sales", { view: "dag", dagId: "daily_sales" }],
  ["/dags/daily_sales/grid", { view: "dag", dagId: "daily_sales", tab: "grid" }],
  ["/dags/daily_sales/graph", { view: "dag", dagId: "daily_sales", tab: "graph" }],
  ["/dags/daily_sales/gantt?run_id=manual__1", { view: "dag", dagId: "daily_sales", tab: "gantt", runId: "manual__1" }],
  ["/dags/daily_sales/calendar", { view: "dag", dagId: "daily_sales", tab: "calendar" }],
  ["/dags/daily_sales/duration", { view: "dag", dagId: "daily_sales", tab: "duration" }],
  ["/dags/daily_sales/code", { view: "dag", dagId: "daily_sales", tab: "code" }],
  [`/dags/daily_sales/grid?run_id=${RUN_Q}`, { view: "dag", dagId: "daily_sales", tab: "grid", runId: RUN }],
  [`/dags/daily_sales/grid?run_id=${RUN_Q}&task_id=extract`, { view: "dag", dagId: "daily_sales", tab: "grid", runId: RUN, taskId: "extract" }],
  [`/dags/daily_sales/grid?run_id=${RUN_Q}&task_id=load.part&map_index=3`, { view: "dag", dagId: "daily_sales", tab: "grid", runId: RUN, taskId: "load.part", mapIndex: 3 }],
  ["/dags/daily_sales/grid?run_id=r&task_id=t&map_index=0", { view: "dag", dagId: "daily_sales", tab: "grid", runId: "r", taskId: "t", mapIndex: 0 }],
  ["/dags/a%2Fb%20c", { view: "dag", dagId: "a/b c" }],
  ["/workers", { view: "workers" }],
  ["/admin/variables", { view: "admin", page: "variables" }],
  ["/admin/connections", { view: "admin", page: "connections" }],
  ["/admin/pools", { view: "admin", page: "pools" }],
  ["/admin/import-errors", { view: "admin", page: "import-errors" }],
  ["/admin/event-log", { view: "admin", page: "event-log" }],
  ["/login", { view: "login" }],
  [`/login?next=${encodeURIComponent("/dags/daily_sales/graph?run_id=r")}`, { view: "login", next: "/dags/daily_sales/graph?run_id=r" }],
];

/** [path with query, the place it shows] for paths the app reads but writes otherwise. */
const READ_ONLY: [string, AppRoute][] = [
  ["", { view: "home" }],
  ["/dags/", { view: "dags" }],
  ["/dags/daily_sales/", { view: "dag", dagId: "daily_sales" }],
  ["/admin", { view: "admin", page: "variables" }],
  ["/admin/workers", { view: "workers" }],
  ["/dags/daily_sales/grid?task_id=extract&map_index=2", { view: "dag", dagId: "daily_sales", tab: "grid", taskId: "extract", mapIndex: 2 }],
  ["/dags/daily_sales/grid?map_index=2", { view: "dag", dagId: "daily_sales", tab: "grid" }],
  ["/dags/daily_sales/grid?run_id=r&task_id=t&map_index=-1", { view: "dag", dagId: "daily_sales", tab: "grid", runId: "r", taskId: "t" }],
  ["/dags/daily_sales/grid?run_id=r&task_id=t&map_index=x", { view: "dag", dagId: "daily_sales", tab: "grid", runId: "r", taskId: "t" }],
  // Airflow 3's deep links
  [`/dags/daily_sales/runs/${RUN_Q}`, { view: "dag", dagId: "daily_sales", runId: RUN }],
  [`/dags/daily_sales/runs/${RUN_Q}/tasks/extract`, { view: "dag", dagId: "daily_sales", runId: RUN, taskId: "extract" }],
  [`/dags/daily_sales/runs/${RUN_Q}/tasks/extract/mapped/4`, { view: "dag", dagId: "daily_sales", runId: RUN, taskId: "extract", mapIndex: 4 }],
  // only a path of this app is a place to return to after logging in
  ["/login?next=https%3A%2F%2Fevil.example%2F", { view: "login" }],
  ["/login?next=%2F%2Fevil.example%2F", { view: "login" }],
  ["/login?next=%2Flogin", { view: "login" }],
];

const NOT_FOUND = [
  "/nope",
  "/home",
  "/dags/daily_sales/grid/extra",
  "/dags/daily_sales/Not_A_Tab",
  "/dags/daily_sales/runs",
  "/dags/daily_sales/runs/r/x",
  "/dags/daily_sales/runs/r/tasks/t/mapped/x",
  "/dags/%E0%A4%A",
  "/dags//grid",
  "/workers/w1",
  "/admin/users",
  "/admin/pools/default",
  "/login/x",
];

describe("app routes", () => {
  it.each(ROUND_TRIPS)("reads %s and writes it back", (url, route) => {
    const [path, search = ""] = url.split("?") as [string, string?];
    expect(parseLocation(path, search ? `?${search}` : "")).toEqual(route);
    expect(routeHref(route)).toBe(url);
  });

  it.each(READ_ONLY)("reads %s", (url, route) => {
    const [path, search = ""] = url.split("?") as [string, string?];
    expect(parseLocation(path, search ? `?${search}` : "")).toEqual(route);
  });

  it.each(NOT_FOUND)("answers not-found for %s", (path) => {
    expect(parseLocation(path)).toEqual({ view: "not-found", path });
  });

  it("leaves a map index out of the URL when no task is chosen", () => {
    expect(routeHref({ view: "dag", dagId: "d", runId: "r", mapIndex: 2 })).toBe("/dags/d?run_id=r");
  });

  it("writes the old admin route for workers as /workers", () => {
    expect(routeHref({ view: "admin", page: "workers" })).toBe("/workers");
  });

  it("titles a task instance page by task, DAG and view", () => {
    expect(routeTitle({ view: "dag", dagId: "daily_sales", tab: "gantt", taskId: "load" })).toBe("load · daily_sales · Gantt · Updraft");
    expect(routeTitle({ view: "admin", page: "import-errors" })).toBe("Import errors · Updraft");
  });
});
