// Children started with `ctx.submit` from inside a running try (Dask's `client.submit` from a
// task). A child is a task instance of the parent's run: task id = the definition's id, map index
// = the next free one for that id in the run, and (parent task, parent map index, call number)
// recorded with it. That triple names it across tries: a try of the parent that makes the same
// call again (a retry, a resent request, a restart) gets the same child back, finished or not;
// a child that ended failed runs again for a later try of its parent. The parent's await settles
// once the child's end is committed. A cleared child waits until its parent's next try asks for
// it again. A parent that ends while children are unfinished takes them with it: they are
// cancelled and marked `removed`. While a try waits on a child it secedes: its
// pool slot and its place under maxActiveTasks are free for others (the executor frees its thread
// slot on its side), so parents that fill every slot cannot starve their children.
import type { ErrorData, Json, SerializedDag, SerializedTask, TaskState } from "@updraft/sdk";
import type { SubmitRequest, SubmitResult } from "@updraft/worker";
import type { GroupCommitWriter } from "./group-commit.ts";
import type { InFlight } from "./dispatcher.ts";
import type { TaskLogWriter } from "./task-logs.ts";
import type { XcomCache } from "./task-host.ts";
import { clearXcomRows, historyRow, tiRow } from "./persist.ts";
import {
  childIdentity, instanceKey, isFinished, newTaskInstance, track, type RunModel, type TaskGroup, type TaskInstanceModel,
} from "./run-model.ts";

/** What the children need from the scheduler, which owns run state and transitions. */
export interface SubmitHooks {
  writer: GroupCommitWriter;
  xcoms: XcomCache;
  logs: TaskLogWriter;
  /** The try in flight under an executor key (a stale key finds nothing). */
  inFlight(key: string): InFlight | undefined;
  isActive(run: RunModel): boolean;
  makeReady(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void;
  setState(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, state: TaskState): void;
  /** Cancels the instance's try in flight, if any, and frees its slots. */
  stopTry(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, reason: string): void;
  /** The try waits on children: its pool slot and maxActiveTasks place are free meanwhile (Dask's secede). */
  secede(key: string): void;
  /** The try no longer waits on any child: it holds its slots again. */
  rejoin(key: string): void;
}

interface Waiter {
  parentKey: string;
  child: TaskInstanceModel;
  resolve: (result: SubmitResult) => void;
}

const FAILED_ENDS: ReadonlySet<TaskState> = new Set(["failed", "upstream_failed", "removed"]);

const specsByDag = new WeakMap<SerializedDag, Map<string, SerializedTask>>();

/** The definition `ctx.submit` may start under `taskId` in this DAG version, if any. */
export function submittableSpec(dag: SerializedDag, taskId: string): SerializedTask | undefined {
  let specs = specsByDag.get(dag);
  if (!specs) specsByDag.set(dag, (specs = new Map((dag.submittable ?? []).map((t) => [t.id, t]))));
  return specs.get(taskId);
}

/** The group holding a definition's children in a run, made with its first child. */
export function childGroup(run: RunModel, spec: SerializedTask): TaskGroup {
  let group = run.tasks.get(spec.id);
  if (!group) {
    group = { spec, tis: new Map(), counts: new Map(), mapSource: null, pending: 0, downstream: [], submitted: true };
    run.tasks.set(spec.id, group);
  }
  return group;
}

/** Files a child under the call that made it (while it is still that call's) and under its parent. */
export function indexChild(run: RunModel, ti: TaskInstanceModel): void {
  const c = ti.submit!;
  const index = (run.children ??= { byCall: new Map(), byParent: new Map() });
  if (c.seq !== null) index.byCall.set(childIdentity(c.parentTaskId, c.parentMapIndex, c.seq), ti);
  const parent = instanceKey(c.parentTaskId, c.parentMapIndex);
  let kids = index.byParent.get(parent);
  if (!kids) index.byParent.set(parent, (kids = new Set()));
  kids.add(ti);
}

const describe = (ti: TaskInstanceModel): string => `task "${ti.taskId}" [${ti.mapIndex}]`;
const refused = (message: string): SubmitResult => ({ ok: false, error: { name: "SubmitError", message } });

/**
 * The children of every active run, and the parents waiting on them.
 * @example
 * const children = new SubmittedChildren(hooks);
 * host.attachSubmitter((req) => children.submit(req));
 */
export class SubmittedChildren {
  private readonly hooks: SubmitHooks;
  private readonly waiters = new Map<TaskInstanceModel, Set<Waiter>>();
  private readonly waitersByTry = new Map<string, Set<Waiter>>();

  constructor(hooks: SubmitHooks) {
    this.hooks = hooks;
  }

  /** A running try's `ctx.submit`: finds or starts the child, and resolves when it has ended. */
  submit(req: SubmitRequest): Promise<SubmitResult> {
    const f = this.hooks.inFlight(req.key);
    if (!f || !this.hooks.isActive(f.run)) {
      return Promise.resolve(refused(`ctx.submit #${req.seq} of task "${req.taskId}": try ${req.key} is not running in this scheduler (it has ended or was cancelled)`));
    }
    const { run, ti: parent } = f;
    const spec = submittableSpec(run.version.serialized, req.taskId);
    if (!spec) {
      const where = `dag "${run.dagId}": task "${parent.taskId}": ctx.submit of task "${req.taskId}"`;
      return Promise.resolve(refused(run.tasks.get(req.taskId)?.submitted === false
        ? `${where}: "${req.taskId}" is a task of the DAG (called in its body); submit a definition that the body does not call`
        : `${where}: dag "${run.dagId}" has no such definition; declare it in the DAG file, before dag() or inside its body`));
    }
    const child = this.childFor(run, parent, spec, req);
    this.hooks.logs.append(req.key, [{ at: Date.now(), level: "info", message: `ctx.submit #${req.seq}: ${describe(child)} is ${child.state}` }]);
    if (isFinished(child.state)) {
      const result = this.resultOf(run, child);
      return new Promise((resolve) => this.hooks.writer.afterCommit(() => resolve(result)));
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { parentKey: req.key, child, resolve };
      this.add(this.waiters, child, waiter);
      if (this.add(this.waitersByTry, req.key, waiter)) this.hooks.secede(req.key);
    });
  }

  /**
   * Called on every state change: a child that ended settles its parents' waits (once committed);
   * a parent that ended removes its unfinished children.
   */
  stateChanged(run: RunModel, ti: TaskInstanceModel, state: TaskState): void {
    if (!isFinished(state)) return;
    if (ti.submit) this.settle(run, ti);
    const kids = run.children?.byParent.get(instanceKey(ti.taskId, ti.mapIndex));
    if (!kids) return;
    for (const child of kids) {
      if (!isFinished(child.state)) this.remove(run, child, `its parent ${describe(ti)} ended ${state}`);
    }
  }

  /** A try ended (whatever became of it): nobody listens to its waits any more (its slots are released with it). */
  tryEnded(key: string): void {
    const mine = this.waitersByTry.get(key);
    if (!mine) return;
    this.waitersByTry.delete(key);
    for (const w of mine) {
      const others = this.waiters.get(w.child);
      others?.delete(w);
      if (others?.size === 0) this.waiters.delete(w.child);
      w.resolve(refused(`try ${key} ended before its child ${describe(w.child)} did`));
    }
  }

  /**
   * The scheduler stops: parents waiting on children cannot finish once nothing is dispatched, so
   * their tries are cancelled and left running in the store. The next start retries them as
   * interrupted (no try charged), and their resubmits find the children again.
   */
  interruptWaiting(): void {
    for (const key of [...this.waitersByTry.keys()]) {
      const f = this.hooks.inFlight(key);
      if (f) this.hooks.stopTry(f.run, f.group, f.ti, "the scheduler is stopping; the try runs again at the next start");
    }
  }

  /**
   * Children set back to `none` (a clear) wait to be asked for again by their parent's next try,
   * so that none runs ahead of its parent; a child whose parent waits on it now, or has ended (and
   * so will ask for nothing), runs again at once.
   */
  evaluate(run: RunModel, group: TaskGroup): void {
    for (const ti of group.tis.values()) {
      if (ti.state !== "none") continue;
      const c = ti.submit!;
      const parent = run.tasks.get(c.parentTaskId)?.tis.get(c.parentMapIndex);
      if (parent && !isFinished(parent.state) && !this.waiters.has(ti)) continue;
      this.hooks.makeReady(run, group, ti);
    }
  }

  /** The child this call names: the one an earlier try made with the same call, or a new one. */
  private childFor(run: RunModel, parent: TaskInstanceModel, spec: SerializedTask, req: SubmitRequest): TaskInstanceModel {
    const identity = childIdentity(parent.taskId, parent.mapIndex, req.seq);
    const argsJson = JSON.stringify(req.args);
    const earlier = run.children?.byCall.get(identity);
    if (earlier && earlier.taskId === spec.id && earlier.submit!.argsJson === argsJson) {
      const c = earlier.submit!;
      if (FAILED_ENDS.has(earlier.state) && c.parentTry < parent.tryNumber) this.rerun(run, earlier);
      // A cleared child waited for this call.
      else if (earlier.state === "none") this.hooks.makeReady(run, run.tasks.get(earlier.taskId)!, earlier);
      c.parentTry = Math.max(c.parentTry, parent.tryNumber);
      return earlier;
    }
    if (earlier) this.release(run, earlier, identity);
    const group = childGroup(run, spec);
    let mapIndex = group.tis.size;
    while (group.tis.has(mapIndex)) mapIndex++;
    const ti = newTaskInstance(spec, mapIndex);
    ti.submit = {
      parentTaskId: parent.taskId, parentMapIndex: parent.mapIndex, seq: req.seq, args: req.args, argsJson,
      parentTry: parent.tryNumber, error: null,
    };
    track(run, group, ti);
    indexChild(run, ti);
    this.hooks.makeReady(run, group, ti);
    return ti;
  }

  /** The parent now makes another call under this number than an earlier try did: the old child is no longer that call's. */
  private release(run: RunModel, child: TaskInstanceModel, identity: string): void {
    run.children!.byCall.delete(identity);
    child.submit!.seq = null;
    const group = run.tasks.get(child.taskId)!;
    this.hooks.writer.write(tiRow(run, group, child, null));
    if (!isFinished(child.state)) this.remove(run, child, "a later try of its parent made another call in its place");
  }

  /** Runs a child that ended failed again, for a later try of its parent (Airflow's clear). */
  private rerun(run: RunModel, ti: TaskInstanceModel): void {
    const group = run.tasks.get(ti.taskId)!;
    this.hooks.writer.write(clearXcomRows(run, ti.taskId, ti.mapIndex));
    this.hooks.xcoms.clear(run.dagId, run.runId, ti.taskId, ti.mapIndex);
    ti.maxTries = ti.tryNumber + group.spec.retries;
    Object.assign(ti, { startDate: null, endDate: null, nextRetryAt: null, nextPokeAt: null, sensorStartedAt: null, continuesTry: false });
    ti.submit!.error = null;
    this.hooks.makeReady(run, group, ti);
  }

  private remove(run: RunModel, ti: TaskInstanceModel, why: string): void {
    const group = run.tasks.get(ti.taskId)!;
    const cut = ti.state === "queued" || ti.state === "running";
    this.hooks.stopTry(run, group, ti, why);
    ti.endDate = Date.now();
    const error: ErrorData = { name: "TaskRemoved", message: `${describe(ti)} was removed: ${why}` };
    ti.submit!.error = error;
    this.hooks.setState(run, group, ti, "removed");
    if (cut && ti.tryNumber > 0) this.hooks.writer.write(historyRow(run, group, ti, error));
  }

  private settle(run: RunModel, child: TaskInstanceModel): void {
    const waiting = this.waiters.get(child);
    if (!waiting) return;
    this.waiters.delete(child);
    const result = this.resultOf(run, child);
    for (const w of waiting) {
      const mine = this.waitersByTry.get(w.parentKey);
      if (!mine?.delete(w) || mine.size > 0) continue;
      this.waitersByTry.delete(w.parentKey);
      this.hooks.rejoin(w.parentKey);
    }
    this.hooks.writer.afterCommit(() => {
      for (const w of waiting) w.resolve(result);
    });
  }

  private resultOf(run: RunModel, child: TaskInstanceModel): SubmitResult {
    switch (child.state) {
      case "success": {
        const value: Json | undefined = this.hooks.xcoms.getOne(run.dagId, run.runId, child.taskId, child.mapIndex, "return_value");
        return { ok: true, ...(value === undefined ? {} : { value }) };
      }
      case "skipped":
        return { ok: true, skipped: true };
      default: {
        const c = child.submit!;
        const parent = c.parentMapIndex >= 0 ? `${c.parentTaskId}[${c.parentMapIndex}]` : c.parentTaskId;
        const why = c.error ? `: ${c.error.name}: ${c.error.message}` : "";
        return { ok: false, error: { name: "ChildTaskFailed", message: `${describe(child)}, submitted by "${parent}", ended ${child.state}${why}` } };
      }
    }
  }

  /** Adds a waiter under `key`; true if it is the first there. */
  private add<K>(map: Map<K, Set<Waiter>>, key: K, waiter: Waiter): boolean {
    let set = map.get(key);
    const first = !set;
    if (!set) map.set(key, (set = new Set()));
    set.add(waiter);
    return first;
  }
}
