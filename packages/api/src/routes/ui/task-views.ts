// The UI endpoints of the task-instance panel and the DAG's code, calendar and duration views.
import type { ApiApp, ApiDeps } from "../../types.ts";
import { registerCalendar } from "./calendar.ts";
import { registerDagVersions } from "./dag-versions.ts";
import { registerTaskDurations } from "./task-durations.ts";
import { registerTaskInstanceDetail } from "./task-instance-detail.ts";

/** Registers /instance, /versions, /versions/{id}/source, /calendar and /task-durations. */
export function registerTaskViews(app: ApiApp, deps: ApiDeps): void {
  registerTaskInstanceDetail(app, deps);
  registerDagVersions(app, deps);
  registerCalendar(app, deps);
  registerTaskDurations(app, deps);
}
