// A run past its dagrunTimeout, as Airflow's scheduler handles it: the run fails and its
// unfinished task instances, running ones included, are skipped. A try in flight is stopped and
// recorded as ended by the time-out.
import type { ErrorData, TaskState } from "@updraft/sdk";
import type { GroupCommitWriter } from "./group-commit.ts";
import { historyRow } from "./persist.ts";
import { isFinished, type RunModel, type TaskGroup, type TaskInstanceModel } from "./run-model.ts";

export interface RunTimeoutHooks {
  writer: GroupCommitWriter;
  stopTry(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, reason: string): void;
  setState(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, state: TaskState): void;
  endRun(run: RunModel, state: "failed"): void;
}

/** Fails a running run whose dagrunTimeout passed and skips what it had not finished. */
export function timeOutRun(h: RunTimeoutHooks, run: RunModel): void {
  const now = Date.now();
  const error: ErrorData = { name: "DagRunTimeoutError", message: `run exceeded dagrunTimeout of ${run.version.serialized.dagrunTimeoutMs}ms` };
  for (const group of run.tasks.values()) {
    for (const ti of group.tis.values()) {
      if (isFinished(ti.state)) continue;
      const inFlight = ti.key !== null;
      h.stopTry(run, group, ti, error.message);
      ti.endDate = now;
      h.setState(run, group, ti, "skipped");
      if (inFlight) h.writer.write(historyRow(run, group, ti, error));
    }
  }
  h.endRun(run, "failed");
}
