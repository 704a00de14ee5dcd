// What the helpers that settle a try's outcome (outcomes.ts, skip-decisions.ts, mapping.ts) are
// given by the scheduler: its writer, timers, logs and XCom cache, and the transitions they call.
import type { TaskState } from "@updraft/sdk";
import type { GroupCommitWriter } from "./group-commit.ts";
import type { TimerQueue } from "./timer-queue.ts";
import type { TaskLogWriter } from "./task-logs.ts";
import type { XcomCache } from "./task-host.ts";
import type { RunModel, TaskGroup, TaskInstanceModel } from "./run-model.ts";

/** What outcome handling needs from the scheduler. */
export interface OutcomeContext {
  writer: GroupCommitWriter;
  timers: TimerQueue;
  logs: TaskLogWriter;
  xcoms: XcomCache;
  setState(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, state: TaskState, at?: number): void;
  /** Ends an instance that never ran and lets its downstream react. */
  finishWithout(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, state: "skipped" | "upstream_failed" | "removed"): void;
  afterFinish(run: RunModel, group: TaskGroup): void;
  /** Arms the wake-up of a retry or a reschedule. */
  wakeAt(at: number, run: RunModel, group: TaskGroup, ti: TaskInstanceModel, from: TaskState): void;
}
