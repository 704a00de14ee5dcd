// Runtime mapping: when a mapped task may run, its one placeholder instance becomes one instance
// per element of the list it maps over; an empty list skips it, a source never pushed makes it
// upstream_failed (Airflow's rule; a pushed non-list already failed the upstream, outcomes.ts),
// and a non-list literal or an oversized source fails it with a message naming the task and the
// source. Instances are made a
// chunk at a time, in map-index order, as those made before get to run: a map over 100,000
// elements never builds nor writes all its instances at once, and holds at most about a chunk of
// them waiting to run. The rest count as unfinished meanwhile, so nothing downstream starts
// early. After a restart, the instances not made yet are made then.
import { DerivedArgError, describeArgSpec, type Json, type SerializedTask } from "@updraft/sdk";
import type { OutcomeContext } from "./outcome-context.ts";
import { deleteTiRow, historyRow, tiRow } from "./persist.ts";
import { newTaskInstance, track, untrack, type RunModel, type TaskGroup, type TaskInstanceModel } from "./run-model.ts";

/** Like Airflow's max_map_length: a mapped task that would create more instances fails. */
export const MAX_MAP_LENGTH = Number(process.env.UPDRAFT_MAX_MAP_LENGTH ?? 100_000);

/** Instances of a mapped task made (and written) per turn. */
export const MAP_CHUNK = 2_000;

export interface MappingContext extends OutcomeContext {
  resolveArg(run: RunModel, arg: SerializedTask["args"][number]): Json | undefined;
  makeReady(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void;
  /** Runs a callback from outside the scheduler's own call stack, stopping the scheduler if it throws. */
  guard(fn: () => void): void;
  /** The run is held by a scheduler that has not stopped. */
  live(run: RunModel): boolean;
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
  let source: Json | undefined;
  try {
    source = c.resolveArg(run, spec.source);
  } catch (err) {
    if (!(err instanceof DerivedArgError)) throw err;
    failMapping(c, run, group, placeholder, `task "${group.spec.id}" maps over ${describeArgSpec(spec.source)}: ${err.message}`);
    return;
  }
  if (source === undefined) {
    c.finishWithout(run, group, placeholder, "upstream_failed");
    return;
  }
  if (!Array.isArray(source)) {
    failMapping(c, run, group, placeholder, `task "${group.spec.id}" maps over ${describeArgSpec(spec.source)}, which is ${source === undefined ? "missing" : `not a list (got ${typeof source})`}`);
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
  group.pending = source.length;
  run.unfinished += source.length;
  materializeMapped(c, run, group);
}

/** Expanded tasks with a chunk written and not committed yet, and the list they map over. */
const chunkInFlight = new WeakMap<TaskGroup, Json[]>();

/**
 * Makes the next chunk of an expanded task's instances, ready to run, when fewer than a chunk of
 * them wait to run. The next chunk may follow once this one is committed, on a later turn; it is
 * looked for again as instances of the task are handed to the executor. Nothing happens once the
 * scheduler stops or the run ends, nor for a list the task no longer maps over (a clear
 * unexpanded it).
 */
export function materializeMapped(c: MappingContext, run: RunModel, group: TaskGroup): void {
  const source = group.mapSource;
  if (!source || group.pending <= 0 || chunkInFlight.get(group) === source || !c.live(run)) return;
  if ((group.counts.get("scheduled") ?? 0) >= MAP_CHUNK) return;
  const from = source.length - group.pending;
  const to = Math.min(source.length, from + MAP_CHUNK);
  for (let i = from; i < to; i++) {
    const ti = newTaskInstance(group.spec, i);
    group.pending--;
    run.unfinished--;
    track(run, group, ti);
    c.makeReady(run, group, ti);
  }
  if (group.pending === 0) return;
  chunkInFlight.set(group, source);
  c.writer.afterCommit(() => setImmediate(() => {
    if (chunkInFlight.get(group) === source) chunkInFlight.delete(group);
    if (group.mapSource === source) c.guard(() => materializeMapped(c, run, group));
  }));
}

/** A mapped task goes back to one unexpanded placeholder, to be expanded again (its upstream was cleared). */
export function unexpandMapped(c: OutcomeContext, run: RunModel, group: TaskGroup): void {
  run.unfinished -= group.pending;
  group.pending = 0;
  for (const ti of [...group.tis.values()]) {
    untrack(run, group, ti);
    c.writer.write(deleteTiRow(run, group.spec.id, ti.mapIndex));
  }
  group.mapSource = null;
  const placeholder = newTaskInstance(group.spec, -1);
  track(run, group, placeholder);
  c.writer.write(tiRow(run, group, placeholder, null));
}
