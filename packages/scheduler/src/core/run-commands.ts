// Changes people make to runs (the API's PATCH dagRun state, clear, clearTaskInstances,
// updateTaskInstancesState). A run the scheduler holds is changed in its memory, through the
// same transitions as everything else; a run that has ended is changed in the store and handed
// back to a scheduler as a queued run, which a scheduler in any process adopts on its next sweep.
import { and, eq } from "drizzle-orm";
import type { RunState, TaskState } from "@updraft/sdk";
import { dagRun, dagVersion, taskInstance, xcom, type Store } from "@updraft/store";
import { SchedulerRequestError } from "../errors.ts";
import { isFinished, type RunModel, type TaskGroup, type TaskInstanceModel } from "./run-model.ts";

/** Which task instances a command applies to. */
export type TaskSelector = (ti: { taskId: string; mapIndex: number; state: TaskState }) => boolean;

export interface AffectedTask {
  taskId: string;
  mapIndex: number;
  state: TaskState;
}

/** What the commands need from the scheduler that holds active runs. */
export interface RunCommandHooks {
  activeRun(dagId: string, runId: string): RunModel | undefined;
  /** Stops the try in flight, if any (cancels it in the executor and frees its slot). */
  stopTry(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, reason: string): void;
  setState(run: RunModel, group: TaskGroup, ti: TaskInstanceModel, state: TaskState): void;
  clearXcoms(run: RunModel, ti: TaskInstanceModel): void;
  /** The instance of an expanded mapped task is ready again at once. */
  reschedule(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void;
  /** The mapped task goes back to one unexpanded placeholder, to be expanded again. */
  unexpand(run: RunModel, group: TaskGroup): void;
  reevaluate(run: RunModel): void;
  endRun(run: RunModel, state: RunState): void;
  /** A run was requeued in the store: adopt it now rather than at the next sweep. */
  requeued(): void;
  /** Drops an active run from memory (its tries already stopped), without ending it. */
  forget(run: RunModel): Promise<void>;
  /** A run that had ended was marked in the store (no scheduler holds it): tells the live views. */
  markedInStore?(dagId: string, runId: string, state: RunState): void;
}

const collect = (run: RunModel, select: TaskSelector): Array<[TaskGroup, TaskInstanceModel]> => {
  const out: Array<[TaskGroup, TaskInstanceModel]> = [];
  for (const group of run.tasks.values()) for (const ti of group.tis.values()) if (select(ti)) out.push([group, ti]);
  return out;
};

export class RunCommands {
  private readonly store: Store;
  private readonly hooks: RunCommandHooks;

  constructor(store: Store, hooks: RunCommandHooks) {
    this.store = store;
    this.hooks = hooks;
  }

  /** Marks a run success (every task success) or failed (running tasks failed, the rest skipped), as Airflow. */
  async setRunState(dagId: string, runId: string, state: "success" | "failed"): Promise<void> {
    const run = this.hooks.activeRun(dagId, runId);
    if (run) {
      for (const [group, ti] of collect(run, (t) => !isFinished(t.state))) {
        const wasRunning = ti.state === "running" || ti.state === "queued";
        this.hooks.stopTry(run, group, ti, `run marked ${state}`);
        ti.endDate = Date.now();
        this.hooks.setState(run, group, ti, state === "success" ? "success" : wasRunning ? "failed" : "skipped");
      }
      this.hooks.endRun(run, state);
      return;
    }
    const row = await this.loadRun(dagId, runId);
    await this.store.write(async (tx) => {
      if (state === "success") {
        await tx.update(taskInstance).set({ state: "success", endDate: new Date() })
          .where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId)));
      }
      await tx.update(dagRun).set({ state, endDate: new Date() }).where(eq(dagRun.id, row.id));
    });
    this.hooks.markedInStore?.(dagId, runId, state);
  }

  /**
   * Deletes a run and everything of it (task instances, tries, XComs), as Airflow's DELETE
   * dagRun. An active run's tries are stopped first.
   */
  async deleteRun(dagId: string, runId: string): Promise<void> {
    const run = this.hooks.activeRun(dagId, runId);
    if (run) {
      for (const [group, ti] of collect(run, (t) => !isFinished(t.state))) this.hooks.stopTry(run, group, ti, "run deleted");
      await this.hooks.forget(run);
    }
    const [row] = await this.store.db.select({ id: dagRun.id, state: dagRun.state }).from(dagRun).where(and(eq(dagRun.dagId, dagId), eq(dagRun.runId, runId)));
    if (!row) throw new SchedulerRequestError(`dag "${dagId}" has no run "${runId}"`);
    if (!run && (row.state === "queued" || row.state === "running")) {
      throw new SchedulerRequestError(`run "${runId}" of dag "${dagId}" is ${row.state} in a scheduler of another process; delete it through that process's API`);
    }
    await this.store.write((tx) => tx.delete(dagRun).where(eq(dagRun.id, row.id)));
  }

  /**
   * Clears the selected task instances so they run again (Airflow's clear): a try in flight is
   * stopped, XComs are dropped, and the retry budget starts afresh. A run that had ended runs again.
   */
  async clear(dagId: string, runId: string, select: TaskSelector, dryRun: boolean): Promise<AffectedTask[]> {
    const run = this.hooks.activeRun(dagId, runId);
    if (!run) return this.clearStored(dagId, runId, select, dryRun);
    const chosen = collect(run, select);
    const affected = chosen.map(([, ti]) => ({ taskId: ti.taskId, mapIndex: ti.mapIndex, state: ti.state }));
    if (dryRun) return affected;
    const clearedTasks = new Set(chosen.map(([, ti]) => ti.taskId));
    const unexpand = new Set<TaskGroup>();
    for (const [group, ti] of chosen) {
      this.hooks.stopTry(run, group, ti, "cleared");
      this.hooks.clearXcoms(run, ti);
      // A mapped task whose upstream is cleared too maps again over the new result.
      if (ti.mapIndex >= 0 && group.spec.upstream.some((u) => clearedTasks.has(u))) {
        unexpand.add(group);
        continue;
      }
      ti.maxTries = ti.tryNumber + group.spec.retries;
      Object.assign(ti, { startDate: null, endDate: null, nextRetryAt: null, nextPokeAt: null, sensorStartedAt: null, continuesTry: false });
      // A submitted child waits, in `none`, until its parent's next try asks for it again.
      if (ti.mapIndex >= 0 && !ti.submit) this.hooks.reschedule(run, group, ti);
      else this.hooks.setState(run, group, ti, "none");
    }
    for (const group of unexpand) this.hooks.unexpand(run, group);
    this.hooks.reevaluate(run);
    return affected;
  }

  /** Sets the selected task instances' state (Airflow's updateTaskInstancesState). */
  async setTaskState(dagId: string, runId: string, select: TaskSelector, state: "success" | "failed" | "skipped", dryRun: boolean): Promise<AffectedTask[]> {
    const run = this.hooks.activeRun(dagId, runId);
    if (run) {
      const chosen = collect(run, select);
      if (!dryRun) {
        for (const [group, ti] of chosen) {
          this.hooks.stopTry(run, group, ti, `marked ${state}`);
          ti.endDate = Date.now();
          this.hooks.setState(run, group, ti, state);
        }
        this.hooks.reevaluate(run);
      }
      return chosen.map(([, ti]) => ({ taskId: ti.taskId, mapIndex: ti.mapIndex, state: ti.state }));
    }
    const row = await this.loadRun(dagId, runId);
    const tis = await this.storedTis(dagId, runId);
    const chosen = tis.filter(select);
    if (!dryRun && chosen.length) {
      await this.store.write(async (tx) => {
        for (const t of chosen) {
          await tx.update(taskInstance).set({ state, endDate: new Date() })
            .where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId), eq(taskInstance.taskId, t.taskId), eq(taskInstance.mapIndex, t.mapIndex)));
        }
        // The run's outcome may change: a scheduler re-evaluates it.
        await tx.update(dagRun).set({ state: "queued", endDate: null }).where(eq(dagRun.id, row.id));
      });
      this.hooks.requeued();
    }
    return chosen;
  }

  /** A run no scheduler of this process holds; refused if one of another process does. */
  private async loadRun(dagId: string, runId: string) {
    const [row] = await this.store.db.select().from(dagRun).where(and(eq(dagRun.dagId, dagId), eq(dagRun.runId, runId)));
    if (!row) throw new SchedulerRequestError(`dag "${dagId}" has no run "${runId}"`);
    if (row.state === "queued" || row.state === "running") {
      throw new SchedulerRequestError(`run "${runId}" of dag "${dagId}" is ${row.state} in a scheduler of another process; change it through that process's API`);
    }
    return row;
  }

  private async storedTis(dagId: string, runId: string): Promise<AffectedTask[]> {
    const rows = await this.store.db.select({ taskId: taskInstance.taskId, mapIndex: taskInstance.mapIndex, state: taskInstance.state })
      .from(taskInstance).where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId)));
    return rows.map((r) => ({ taskId: r.taskId, mapIndex: r.mapIndex, state: (r.state ?? "none") as TaskState }));
  }

  /** Clearing a run no scheduler holds: rewrite its rows and queue it again. */
  private async clearStored(dagId: string, runId: string, select: TaskSelector, dryRun: boolean): Promise<AffectedTask[]> {
    const row = await this.loadRun(dagId, runId);
    const chosen = (await this.storedTis(dagId, runId)).filter(select);
    if (dryRun || chosen.length === 0) return chosen;
    const [version] = row.dagVersionId == null ? [] : await this.store.db.select({ s: dagVersion.serialized }).from(dagVersion).where(eq(dagVersion.id, row.dagVersionId));
    // Submitted children keep the retries of their definition (the DAG's `submittable` list).
    const retries = new Map([...(version?.s.tasks ?? []), ...(version?.s.submittable ?? [])].map((t) => [t.id, t.retries]));
    const mappedTasks = new Set((version?.s.tasks ?? []).filter((t) => t.expand).map((t) => t.id));
    const clearedTasks = new Set(chosen.map((t) => t.taskId));
    const upstreamCleared = (taskId: string) => (version?.s.tasks.find((t) => t.id === taskId)?.upstream ?? []).some((u) => clearedTasks.has(u));
    await this.store.write(async (tx) => {
      for (const t of chosen) {
        const where = and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId), eq(taskInstance.taskId, t.taskId), eq(taskInstance.mapIndex, t.mapIndex));
        await tx.delete(xcom).where(and(eq(xcom.dagId, dagId), eq(xcom.runId, runId), eq(xcom.taskId, t.taskId), eq(xcom.mapIndex, t.mapIndex)));
        if (mappedTasks.has(t.taskId) && t.mapIndex >= 0 && upstreamCleared(t.taskId)) continue; // re-expanded below
        const [cur] = await tx.select({ tryNumber: taskInstance.tryNumber }).from(taskInstance).where(where);
        await tx.update(taskInstance).set({
          // An instance of an expanded mapped task is ready at once; others wait for their trigger
          // rule, and submitted children for their parent's next try to ask for them.
          state: mappedTasks.has(t.taskId) && t.mapIndex >= 0 ? "scheduled" : null,
          maxTries: (cur?.tryNumber ?? 0) + (retries.get(t.taskId) ?? 0),
          startDate: null, endDate: null, nextRetryAt: null, nextPokeAt: null, sensorStartedAt: null,
        }).where(where);
      }
      for (const taskId of new Set(chosen.filter((t) => mappedTasks.has(t.taskId) && t.mapIndex >= 0 && upstreamCleared(t.taskId)).map((t) => t.taskId))) {
        await tx.delete(taskInstance).where(and(eq(taskInstance.dagId, dagId), eq(taskInstance.runId, runId), eq(taskInstance.taskId, taskId)));
        // The run's loader recreates the unexpanded placeholder of a task without instances.
      }
      await tx.update(dagRun).set({ state: "queued", startDate: null, endDate: null }).where(eq(dagRun.id, row.id));
    });
    this.hooks.requeued();
    return chosen;
  }
}


const unavailable = (): never => {
  throw new SchedulerRequestError("no scheduler in this process holds the run");
};

/** For a process without a scheduler (`updraft api`): only runs that have ended can change. */
export const storeOnlyHooks: RunCommandHooks = {
  activeRun: () => undefined,
  stopTry: unavailable, setState: unavailable, clearXcoms: unavailable, reschedule: unavailable, unexpand: unavailable,
  reevaluate: unavailable, endRun: unavailable,
  requeued: () => undefined,
  forget: async () => undefined,
};
