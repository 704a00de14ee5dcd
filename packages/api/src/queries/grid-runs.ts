// Runs as the UI's grid, graph and Gantt views list them.
import { z } from "@hono/zod-openapi";
import type { DagRun } from "@updraft/store";
import { iso } from "../pagination.ts";

export const GridRun = z.object({
  run_id: z.string(),
  state: z.string(),
  run_type: z.string(),
  logical_date: z.string().nullable(),
  queued_at: z.string().nullable(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  duration: z.number().nullable().openapi({ description: "Seconds from start to end; null until the run ends." }),
  note: z.string().nullable(),
  dag_version_id: z.number().int().nullable(),
}).openapi("UiGridRun");
export type GridRun = z.infer<typeof GridRun>;

export function gridRunJson(r: DagRun): GridRun {
  const duration = r.startDate && r.endDate ? Math.max(0, (r.endDate.getTime() - r.startDate.getTime()) / 1000) : null;
  return {
    run_id: r.runId, state: r.state, run_type: r.runType, logical_date: iso(r.logicalDate), queued_at: iso(r.queuedAt),
    start_date: iso(r.startDate), end_date: iso(r.endDate), duration, note: r.note, dag_version_id: r.dagVersionId,
  };
}
