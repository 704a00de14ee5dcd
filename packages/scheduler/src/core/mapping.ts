// Runtime mapping: when a mapped task may run, its one placeholder instance becomes one instance
// per element of the list it maps over; an empty list skips it, and a missing, non-list or
// oversized source fails it with a message naming the task and the source.
import type { Json, SerializedTask } from "@updraft/sdk";
import type { OutcomeContext } from "./outcomes.ts";
import { deleteTiRow, historyRow } from "./persist.ts";
import { newTaskInstance, track, untrack, type RunModel, type TaskGroup, type TaskInstanceModel } from "./run-model.ts";

/** Like Airflow's max_map_length: a mapped task that would create more instances fails. */
export const MAX_MAP_LENGTH = Number(process.env.UPDRAFT_MAX_MAP_LENGTH ?? 100_000);

export interface MappingContext extends OutcomeContext {
  resolveArg(run: RunModel, arg: SerializedTask["args"][number]): Json | undefined;
  makeReady(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void;
}

function describeArg(arg: SerializedTask["args"][number]): string {
  return arg.kind === "literal" ? "a literal value" : `the XCom "${arg.key}" of task "${arg.taskId}"`;
}

function failMapping(c: MappingContext, run: RunModel, group: TaskGroup, placeholder: TaskInstanceModel, message: string): void {
  placeholder.endDate = Date.now();
  c.setState(run, group, placeholder, "failed");
  c.writer.write(historyRow(run, group, placeholder, { name: "MappingError", message }));
  c.afterFinish(run, group);
}

/** Creates one instance per element of the mapped argument; an empty list skips the task. */
export function expandMapped(c: MappingContext, run: RunModel, group: TaskGroup, placeholder: TaskInstanceModel): void {
  const spec = group.spec.expand!;
  const source = c.resolveArg(run, spec.source);
  if (!Array.isArray(source)) {
    failMapping(c, run, group, placeholder, `task "${group.spec.id}" maps over ${describeArg(spec.source)}, which is ${source === undefined ? "missing" : `not a list (got ${typeof source})`}`);
    return;
  }
  if (source.length === 0) {
    c.finishWithout(run, group, placeholder, "skipped");
    return;
  }
  if (source.length > MAX_MAP_LENGTH) {
    failMapping(c, run, group, placeholder, `task "${group.spec.id}" would map over ${source.length} elements; at most ${MAX_MAP_LENGTH} are allowed (UPDRAFT_MAX_MAP_LENGTH)`);
    return;
  }
  untrack(run, group, placeholder);
  c.writer.write(deleteTiRow(run, group.spec.id, -1));
  group.mapSource = source;
  for (let i = 0; i < source.length; i++) {
    const ti = newTaskInstance(group.spec, i);
    track(run, group, ti);
    c.makeReady(run, group, ti);
  }
}
