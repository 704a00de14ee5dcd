// Updraft's compact read endpoints for the UI, under /api/updraft/ui/…: one request per view where
// Airflow's API would need many (Airflow 3 has its own grid endpoints for the same reason).
// Each is described in /openapi.json and filtered by the credentials' DAG restriction.
import type { ApiApp, ApiDeps } from "../../types.ts";
import { requireScope } from "../../auth.ts";
import { registerMe } from "./me.ts";
import { registerHome } from "./home.ts";
import { registerDagList } from "./dag-list.ts";
import { registerDagDetails } from "./dag-details.ts";
import { registerGrid } from "./grid.ts";
import { registerGraph } from "./graph.ts";
import { registerGantt } from "./gantt.ts";
import { registerRunStatus } from "./run-status.ts";
import { registerTaskViews } from "./task-views.ts";
import { registerUiWorkers } from "./workers.ts";

export function registerUiRoutes(app: ApiApp, deps: ApiDeps): void {
  app.use("/api/updraft/ui/*", requireScope("read"));
  registerMe(app);
  registerHome(app, deps);
  registerDagList(app, deps);
  registerDagDetails(app, deps);
  registerRunStatus(app, deps);
  registerTaskViews(app, deps);
  registerGrid(app, deps);
  registerGraph(app, deps);
  registerGantt(app, deps);
  registerUiWorkers(app, deps);
}
