// A run in progress follows its DAG's latest version, as Airflow's scheduler does for DAGs from a
// DAG folder (DagRun.verify_integrity): when the DAG changes, each active run takes the new
// version. Instances of tasks no longer in the DAG become `removed`; a task that comes back has
// its removed instance restored; new tasks get an instance; an expanded task mapped over a
// literal list follows the list's new length (instances past its end become `removed`, new ones
// are added); and a mapped task already expanded over a mapped upstream that lost instances
// drops the instances beyond the upstream's successes, by Airflow's trigger rule for them.
// Removed instances keep no XComs, so what maps over their task sees only the live ones.
import type { SerializedTask, TaskState } from "@updraft/sdk";
import { evaluateTriggerRule } from "../timing/trigger-rules.ts";
import type { GroupCommitWriter } from "./group-commit.ts";
import type { XcomCache } from "./task-host.ts";
import { clearXcomRows, tiRow } from "./persist.ts";
import { isFinished, newTaskInstance, track, upstreamSummary, type DagVersionRef, type RunModel, type TaskGroup, type TaskInstanceModel } from "./run-model.ts";

export interface IntegrityContext {
  writer: GroupCommitWriter;
  xcoms: XcomCache;
  setState(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, state: TaskState): void;
  /** Cancels the instance's try in flight, if any. */
  stopTry(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, reason: string): void;
  makeReady(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void;
  /** Creates the next instances of an expanded mapped task (mapping.ts). */
  materialize(run: RunModel, group: TaskGroup): void;
}

/** Marks an instance removed: its try (if any) stopped, its XComs dropped. */
function remove(c: IntegrityContext, run: RunModel, group: TaskGroup, ti: TaskInstanceModel, reason: string): void {
  if (ti.state === "removed") return;
  c.stopTry(run, group, ti, reason);
  if (!isFinished(ti.state)) ti.endDate = Date.now();
  c.writer.write(clearXcomRows(run, ti.taskId, ti.mapIndex));
  c.xcoms.clear(run.dagId, run.runId, ti.taskId, ti.mapIndex);
  c.setState(run, group, ti, "removed");
}

const isExpanded = (group: TaskGroup): boolean => group.mapSource !== null || [...group.tis.keys()].some((i) => i >= 0);

/**
 * The next map index an expanded task would create: instances are made in order (mapping.ts) and
 * removed ones are kept, so it is one past the highest made so far.
 */
function nextIndex(group: TaskGroup): number {
  let next = 0;
  for (const i of group.tis.keys()) next = Math.max(next, i + 1);
  return next;
}

/** An expanded task mapped over a literal list takes the list's new length. */
function resizeLiteral(c: IntegrityContext, run: RunModel, group: TaskGroup): void {
  const source = group.spec.expand?.source;
  if (source?.kind !== "literal" || !Array.isArray(source.value) || !isExpanded(group)) return;
  const list = source.value;
  const next = nextIndex(group);
  for (const ti of [...group.tis.values()]) {
    if (ti.mapIndex >= list.length) remove(c, run, group, ti, `map index ${ti.mapIndex} is past the end of task "${group.spec.id}"'s list`);
    else if (ti.mapIndex >= 0 && ti.state === "removed") {
      ti.maxTries = ti.tryNumber + group.spec.retries; // restored: it runs again
      c.makeReady(run, group, ti);
    }
  }
  const pending = Math.max(0, list.length - next);
  run.unfinished += pending - group.pending;
  group.pending = pending;
  group.mapSource = list;
  if (pending > 0) c.materialize(run, group);
}

/**
 * Instances of a task expanded over a mapped upstream that lost instances: those whose trigger
 * rule now says "removed" (index not below the upstream's successes) are removed, and instances
 * not created yet past that point never will be.
 */
function shrinkMappedDownstream(c: IntegrityContext, run: RunModel, upstream: TaskGroup): void {
  for (const id of upstream.downstream) {
    const group = run.tasks.get(id)!;
    const source = group.spec.expand?.source;
    if (source?.kind !== "xcom" || source.taskId !== upstream.spec.id || !isExpanded(group)) continue;
    const summary = upstreamSummary(run, group.spec);
    for (const ti of [...group.tis.values()]) {
      if (ti.state !== "none" && ti.state !== "scheduled" && ti.state !== "up_for_retry") continue;
      if (evaluateTriggerRule(group.spec.triggerRule, summary, ti.mapIndex) === "removed") {
        remove(c, run, group, ti, `task "${upstream.spec.id}" upstream of it lost instances`);
      }
    }
    if (group.pending > 0 && evaluateTriggerRule(group.spec.triggerRule, summary, nextIndex(group)) === "removed") {
      run.unfinished -= group.pending;
      group.pending = 0;
    }
  }
}

function newGroup(run: RunModel, spec: SerializedTask): TaskGroup {
  const group: TaskGroup = { spec, tis: new Map(), counts: new Map(), mapSource: null, pending: 0, downstream: [], submitted: false };
  run.tasks.set(spec.id, group);
  return group;
}

/**
 * Moves an active run to `version` (a no-op when it has it already). The caller evaluates the
 * run's tasks afterwards.
 */
export function adoptVersion(c: IntegrityContext, run: RunModel, version: DagVersionRef): void {
  if (run.version.versionId === version.versionId) return;
  const next = new Map(version.serialized.tasks.map((t) => [t.id, t]));
  const removedBefore = new Map([...run.tasks.values()].map((g) => [g, g.counts.get("removed") ?? 0]));

  for (const group of run.tasks.values()) {
    if (group.submitted || next.has(group.spec.id)) continue;
    for (const ti of [...group.tis.values()]) remove(c, run, group, ti, `task "${group.spec.id}" is no longer in dag "${run.dagId}"`);
    run.unfinished -= group.pending;
    group.pending = 0;
    group.mapSource = null;
  }

  for (const spec of version.serialized.tasks) {
    const existing = run.tasks.get(spec.id);
    if (!existing || existing.submitted) {
      const group = newGroup(run, spec);
      const ti = newTaskInstance(spec, -1);
      track(run, group, ti);
      c.writer.write(tiRow(run, group, ti, null));
      continue;
    }
    existing.spec = spec;
    const placeholder = existing.tis.get(-1);
    if (placeholder?.state === "removed") c.setState(run, existing, placeholder, "none"); // the task is back
    resizeLiteral(c, run, existing);
  }

  for (const group of run.tasks.values()) if (!group.submitted) group.downstream = [];
  for (const spec of version.serialized.tasks) for (const up of spec.upstream) run.tasks.get(up)!.downstream.push(spec.id);

  run.version = version;
  run.params = { ...version.serialized.params, ...run.conf };
  c.writer.write({ kind: "sql", statement: { sql: "UPDATE dag_run SET dag_version_id = ?, updated_at = ? WHERE id = ?", args: [version.versionId, Date.now(), run.id] } });

  for (const group of run.tasks.values()) {
    if ((group.counts.get("removed") ?? 0) > (removedBefore.get(group) ?? 0)) shrinkMappedDownstream(c, run, group);
  }
}
