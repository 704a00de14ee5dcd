// The scheduler's in-memory picture of an active run: its task instances grouped by task, with
// per-task state counts so a trigger rule over 10,000 mapped upstream instances costs O(1).
import { FINISHED_TASK_STATES, type ErrorData, type Json, type RunState, type RunType, type SerializedDag, type SerializedTask, type TaskState } from "@updraft/sdk";
import type { UpstreamSummary } from "../timing/trigger-rules.ts";

export interface TaskInstanceModel {
  taskId: string;
  mapIndex: number;
  state: TaskState;
  tryNumber: number;
  maxTries: number;
  startDate: number | null;
  endDate: number | null;
  queuedAt: number | null;
  hostname: string | null;
  nextRetryAt: number | null;
  nextPokeAt: number | null;
  sensorStartedAt: number | null;
  /** The executor key of the try in flight (queued or running), else null. */
  key: string | null;
  /** Back from up_for_reschedule: the next poke continues the same try (Airflow counts no new try). */
  continuesTry: boolean;
  /** Set for a child started with `ctx.submit`. */
  submit: SubmitInfo | null;
}

/** What makes a task instance a submitted child: its parent, the call that made it, its arguments. */
export interface SubmitInfo {
  parentTaskId: string;
  parentMapIndex: number;
  /** The parent's call number; null once a later try of the parent asked for something else under it. */
  seq: number | null;
  args: Json[];
  /** `args` as stored (and as compared with a repeated call's). */
  argsJson: string;
  /** The highest try of the parent that asked for it (in memory only; 0 after a restart). */
  parentTry: number;
  /** The error of its last failed try, for the parent's rejection (in memory only). */
  error: ErrorData | null;
}

export interface TaskGroup {
  spec: SerializedTask;
  /** By map index; an unmapped task, or a mapped one not expanded yet, has only -1. */
  tis: Map<number, TaskInstanceModel>;
  counts: Map<TaskState, number>;
  /** For a mapped task once expanded: the list it maps over. */
  mapSource: Json[] | null;
  /**
   * For a mapped task once expanded: instances not created yet. They are made in map-index
   * order, a chunk at a time (mapping.ts), and count as unfinished instances of the task meanwhile.
   */
  pending: number;
  downstream: string[];
  /**
   * The children of one definition started with `ctx.submit`: no edges, one instance per call
   * (map index 0, 1, … in the order they were made). Not a leaf for the run's state: the parents decide.
   */
  submitted: boolean;
}

export interface DagVersionRef {
  versionId: number;
  serialized: SerializedDag;
  bundleHash: string;
  bundlePath: string;
}

export interface RunModel {
  id: number;
  dagId: string;
  runId: string;
  runType: RunType;
  state: RunState;
  logicalDate: number;
  dataIntervalStart: number;
  dataIntervalEnd: number;
  queuedAt: number;
  startDate: number | null;
  endDate: number | null;
  conf: Record<string, Json>;
  /** The DAG's params with the conf applied. */
  params: Record<string, Json>;
  version: DagVersionRef;
  tasks: Map<string, TaskGroup>;
  /** Task instances not in a finished state, including mapped instances not created yet. */
  unfinished: number;
  /** Submitted children by parent call and by parent; created with the run's first child. */
  children?: ChildIndex;
}

/** A run's submitted children, found by the call that made them and by their parent instance. */
export interface ChildIndex {
  /** By `childIdentity(parentTaskId, parentMapIndex, seq)`. */
  byCall: Map<string, TaskInstanceModel>;
  /** By `instanceKey(parentTaskId, parentMapIndex)`. */
  byParent: Map<string, Set<TaskInstanceModel>>;
}

export const instanceKey = (taskId: string, mapIndex: number): string => `${taskId}\u0000${mapIndex}`;
export const childIdentity = (parentTaskId: string, parentMapIndex: number, seq: number): string => `${parentTaskId}\u0000${parentMapIndex}\u0000${seq}`;

export const isFinished = (s: TaskState): boolean => FINISHED_TASK_STATES.has(s);

export function newTaskInstance(spec: SerializedTask, mapIndex: number): TaskInstanceModel {
  return {
    taskId: spec.id, mapIndex, state: "none", tryNumber: 0, maxTries: spec.retries,
    startDate: null, endDate: null, queuedAt: null, hostname: null, nextRetryAt: null, nextPokeAt: null, sensorStartedAt: null, key: null,
    continuesTry: false, submit: null,
  };
}

export function buildTaskGroups(dag: SerializedDag): Map<string, TaskGroup> {
  const groups = new Map<string, TaskGroup>();
  for (const spec of dag.tasks) groups.set(spec.id, { spec, tis: new Map(), counts: new Map(), mapSource: null, pending: 0, downstream: [], submitted: false });
  for (const spec of dag.tasks) for (const up of spec.upstream) groups.get(up)!.downstream.push(spec.id);
  return groups;
}

/** Adds a task instance to its group's counts (and the run's unfinished count). */
export function track(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void {
  group.tis.set(ti.mapIndex, ti);
  group.counts.set(ti.state, (group.counts.get(ti.state) ?? 0) + 1);
  if (!isFinished(ti.state)) run.unfinished++;
}

export function untrack(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void {
  group.tis.delete(ti.mapIndex);
  group.counts.set(ti.state, (group.counts.get(ti.state) ?? 0) - 1);
  if (!isFinished(ti.state)) run.unfinished--;
}

/** Moves a task instance to a new state, keeping the counts right. */
export function moveState(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, next: TaskState): void {
  const prev = ti.state;
  if (prev === next) return;
  group.counts.set(prev, (group.counts.get(prev) ?? 0) - 1);
  group.counts.set(next, (group.counts.get(next) ?? 0) + 1);
  if (!isFinished(prev) && isFinished(next)) run.unfinished--;
  if (isFinished(prev) && !isFinished(next)) run.unfinished++;
  ti.state = next;
}

const count = (g: TaskGroup, s: TaskState) => g.counts.get(s) ?? 0;

/** What the trigger rule of `task` sees: every instance of every direct upstream task. */
export function upstreamSummary(run: RunModel, task: SerializedTask): UpstreamSummary {
  const s: UpstreamSummary = { total: 0, success: 0, skipped: 0, failed: 0, upstreamFailed: 0, removed: 0, done: 0 };
  for (const id of task.upstream) {
    const g = run.tasks.get(id)!;
    s.total += g.tis.size + g.pending;
    s.success += count(g, "success");
    s.skipped += count(g, "skipped");
    s.failed += count(g, "failed");
    s.upstreamFailed += count(g, "upstream_failed");
    s.removed += count(g, "removed");
  }
  s.done = s.success + s.skipped + s.failed + s.upstreamFailed + s.removed;
  return s;
}

/**
 * The state a finished run ends in: success when every leaf is success or skipped, failed when
 * any leaf failed or is upstream_failed. Null while any task instance (submitted children
 * included) is unfinished. Children are not leaves: a parent that caught its child's failure
 * decides for it.
 */
export function finalRunState(run: RunModel): RunState | null {
  if (run.unfinished > 0) return null;
  for (const g of run.tasks.values()) {
    if (g.downstream.length > 0 || g.submitted) continue;
    if (count(g, "failed") + count(g, "upstream_failed") > 0) return "failed";
  }
  return "success";
}

export const tiKey = (run: Pick<RunModel, "dagId" | "runId">, taskId: string, mapIndex: number, tryNumber: number): string =>
  `${run.dagId}/${run.runId}/${taskId}/${mapIndex}/${tryNumber}`;
