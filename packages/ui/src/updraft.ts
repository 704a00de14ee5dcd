// @updraft/ui: every Updraft element in one module (`/ui/updraft.js`). Importing it defines them
// all; `/ui/elements/<name>.js` defines one. Heavy parts (graph layout, highlighting, charts) are
// loaded by the elements that need them, when they first render.
export { UpdraftElement } from "./shared/updraft-element.ts";
export { ApiClient, ApiProblem, clientFor } from "./shared/api-client.ts";
export { EventStream, streamFor, type LiveEvent } from "./shared/event-stream.ts";
export { UpdraftRunStatus } from "./elements/run-status/run-status.ts";
export { UpdraftTaskInstance } from "./elements/task-instance/task-instance.ts";
export { UpdraftCode } from "./elements/code/code.ts";
export { UpdraftCalendar } from "./elements/calendar/calendar.ts";
export { UpdraftGrid } from "./elements/grid/grid.ts";
export { UpdraftTaskDuration } from "./elements/task-duration/task-duration.ts";
export { UpdraftApp } from "./elements/app/app.ts";
export { UpdraftGraph } from "./elements/graph/graph.ts";
export { UpdraftGantt } from "./elements/gantt/gantt.ts";
export { UpdraftWorkers } from "./elements/workers/workers.ts";
export { UpdraftHome } from "./elements/home/home.ts";
export { UpdraftDags } from "./elements/dags/dags.ts";
export { UpdraftDag } from "./elements/dag/dag.ts";
export { UpdraftVariables } from "./elements/variables/variables.ts";
export { UpdraftConnections } from "./elements/connections/connections.ts";
export { UpdraftPools } from "./elements/pools/pools.ts";
export { UpdraftImportErrors } from "./elements/import-errors/import-errors.ts";
export { UpdraftEventLog } from "./elements/event-log/event-log.ts";
