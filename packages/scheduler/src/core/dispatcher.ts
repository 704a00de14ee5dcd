// Hands ready task instances to the executor: ready queues per pool, DAG and task queue, highest
// priority first across them; pool slots, maxActiveTasks and the executor's capacity (per task
// queue when the executor routes by queue, so that a queue without workers does not starve the
// others); the tries in flight; and each try's assignment. A try is submitted only once its
// `queued` row is committed.
import { randomBytes } from "node:crypto";
import type { Json, SerializedTask } from "@updraft/sdk";
import type { TaskAssignment } from "@updraft/worker";
import type { Executor, ExecutorStats } from "@updraft/executor";
import type { GroupCommitWriter } from "./group-commit.ts";
import type { TaskLogWriter } from "./task-logs.ts";
import { taskLogPath } from "./task-logs.ts";
import type { XcomCache } from "./task-host.ts";
import { ReadyQueue, readyBefore, type ReadyItem } from "./ready-queue.ts";
import { tiKey, type RunModel, type TaskGroup, type TaskInstanceModel } from "./run-model.ts";
import { resolveArgValue } from "./arg-values.ts";

export interface InFlight {
  run: RunModel;
  group: TaskGroup;
  ti: TaskInstanceModel;
}

interface ReadyEntry extends ReadyItem, InFlight {}

/** What the dispatcher asks of the scheduler, which owns run state and transitions. */
export interface DispatchHooks {
  isActive(run: RunModel): boolean;
  isPaused(dagId: string): boolean;
  /** Write and announce the instance's new state. */
  setQueued(f: InFlight): void;
  /** The instance can never get a slot: its pool does not exist, or is smaller than it needs. */
  poolMissing(f: InFlight, reason: string): void;
  /** The scheduler stopped between queueing the try and handing it over. */
  notHandedOver(f: InFlight): void;
  stopped(): boolean;
  /**
   * The epoch of the scheduler lease the tries are dispatched under (0 or absent: no lease, as
   * `dags test`). Each assignment carries it, so that a remote result can be told from one of an
   * earlier scheduler with the same try key.
   */
  epoch?(): number;
}

export interface DispatcherOptions {
  executor: Executor;
  writer: GroupCommitWriter;
  logs: TaskLogWriter;
  xcoms: XcomCache;
  home: string;
  /**
   * Tries handed out beyond the executor's capacity, so its threads never wait for the scheduler:
   * in all, capacity + max(prefetch, capacity); per task queue when the executor reports queues.
   */
  prefetch: number;
  hooks: DispatchHooks;
}

export class Dispatcher {
  private readonly opts: DispatcherOptions;
  /** Ready instances by pool and DAG, so a full pool or a DAG at maxActiveTasks blocks only its own queue. */
  private readonly ready = new Map<string, ReadyQueue<ReadyEntry>>();
  private readySeq = 0;
  private readonly inflight = new Map<string, InFlight>();
  private readonly activeTasksByDag = new Map<string, number>();
  /** Tries in flight that wait on children they submitted (ctx.submit): their slots are free meanwhile. */
  private readonly seceded = new Set<string>();
  private readonly pools = new Map<string, { slots: number; occupied: number }>();
  /** Tries queued per task queue whose hand-over (after their commit) has not happened yet. */
  private readonly notHandedOver = new Map<string, number>();
  /**
   * What makes each dispatch's key its own: the lease epoch (or, without a lease, a random tag of
   * this dispatcher) and a count of dispatches. A try number handed out again (a sensor's next
   * poke, a reset queued try) or by a restarted scheduler never gets a key that was used before.
   */
  private readonly instanceTag = randomBytes(4).toString("hex");
  private dispatches = 0;

  constructor(opts: DispatcherOptions) {
    this.opts = opts;
  }

  /** Ready instances waiting for a slot, and tries handed out. */
  depth(): { ready: number; inFlight: number } {
    let ready = 0;
    for (const q of this.ready.values()) ready += q.size;
    return { ready, inFlight: this.inflight.size };
  }

  /** Pool sizes as stored; occupancy is this scheduler's own count. */
  setPools(pools: Array<{ pool: string; slots: number }>): void {
    for (const p of pools) {
      const existing = this.pools.get(p.pool);
      if (existing) existing.slots = p.slots;
      else this.pools.set(p.pool, { slots: p.slots, occupied: 0 });
    }
  }

  enqueue(run: RunModel, group: TaskGroup, ti: TaskInstanceModel): void {
    const k = `${group.spec.pool}\u0000${run.dagId}\u0000${group.spec.queue}`;
    let queue = this.ready.get(k);
    if (!queue) this.ready.set(k, (queue = new ReadyQueue<ReadyEntry>()));
    // A submitted child has its parent's priority weight.
    const priority = ti.submit ? (run.tasks.get(ti.submit.parentTaskId)?.spec.priorityWeight ?? group.spec.priorityWeight) : group.spec.priorityWeight;
    queue.push({ run, group, ti, child: ti.submit !== null, priority, logicalDate: run.logicalDate, seq: this.readySeq++ });
  }

  /** The try in flight under an executor key (a stale key finds nothing). */
  inFlight(key: string): InFlight | undefined {
    const f = this.inflight.get(key);
    return f && f.ti.key === key ? f : undefined;
  }

  /** Frees the slots of the instance's try in flight, if any. */
  release({ run, group, ti }: InFlight): void {
    if (!ti.key || !this.inflight.delete(ti.key)) return;
    if (this.seceded.delete(ti.key)) return; // its slots were freed when it seceded
    this.activeTasksByDag.set(run.dagId, (this.activeTasksByDag.get(run.dagId) ?? 1) - 1);
    const pool = this.pools.get(group.spec.pool);
    if (pool) pool.occupied -= group.spec.poolSlots;
  }

  /**
   * Dask's secede, for the scheduler's limits: the try `key` waits on children it submitted, so
   * its pool slots and its place under maxActiveTasks are free until it `rejoin`s (else parents
   * holding every slot would wait forever on children that cannot start).
   */
  secede(key: string): void {
    const f = this.inflight.get(key);
    if (!f || this.seceded.has(key)) return;
    this.release(f);
    this.inflight.set(key, f);
    this.seceded.add(key);
  }

  /** The try `key` stopped waiting: it takes its slots back, over the limits if need be. */
  rejoin(key: string): void {
    const f = this.inflight.get(key);
    if (!f || !this.seceded.delete(key)) return;
    this.activeTasksByDag.set(f.run.dagId, (this.activeTasksByDag.get(f.run.dagId) ?? 0) + 1);
    const pool = this.pools.get(f.group.spec.pool);
    if (pool) pool.occupied += f.group.spec.poolSlots;
  }

  /**
   * Hands ready instances to the executor, highest priority first across the queues whose pool
   * has a free slot, whose DAG is below maxActiveTasks and not paused, and, when the executor
   * reports task queues, whose task queue has room there.
   */
  dispatch(): void {
    if (this.opts.hooks.stopped()) return;
    const stats = this.opts.executor.stats();
    const queueRoom = stats.queues ? this.queueRoom(stats.queues) : null;
    const limit = stats.capacity + Math.max(this.opts.prefetch, stats.capacity);
    while (queueRoom || this.inflight.size < limit) {
      let best: ReadyQueue<ReadyEntry> | null = null;
      let bestItem: ReadyEntry | null = null;
      for (const [k, queue] of this.ready) {
        const head = this.liveHead(queue);
        if (!head) {
          this.ready.delete(k);
          continue;
        }
        if (queueRoom && !queueRoom.has(head.group.spec.queue)) continue;
        if (this.hasRoom(head) && (!bestItem || readyBefore(head, bestItem))) {
          best = queue;
          bestItem = head;
        }
      }
      if (!best || !bestItem) return;
      best.pop();
      const pool = this.pools.get(bestItem.group.spec.pool);
      if (!pool) this.opts.hooks.poolMissing(bestItem, `uses pool "${bestItem.group.spec.pool}", which does not exist`);
      else if (pool.slots >= 0 && bestItem.group.spec.poolSlots > pool.slots) {
        this.opts.hooks.poolMissing(bestItem, `needs ${bestItem.group.spec.poolSlots} slots of pool "${bestItem.group.spec.pool}", which has ${pool.slots}`);
      } else {
        queueRoom?.take(bestItem.group.spec.queue);
        this.queueTry(bestItem);
      }
    }
  }

  /**
   * Room per task queue in this pass: what the members serving it run at once, plus as many
   * again (or the prefetch), less the executor's tries of that queue and those not handed over.
   */
  private queueRoom(queues: NonNullable<ExecutorStats["queues"]>): { has(queue: string): boolean; take(queue: string): void } {
    const room = new Map<string, number>();
    const left = (queue: string): number => {
      let n = room.get(queue);
      if (n === undefined) {
        const q = queues[queue];
        const capacity = q?.capacity ?? 0;
        n = capacity + Math.max(this.opts.prefetch, capacity) - (q?.inFlight ?? 0) - (this.notHandedOver.get(queue) ?? 0);
        room.set(queue, n);
      }
      return n;
    };
    return { has: (queue) => left(queue) > 0, take: (queue) => void room.set(queue, left(queue) - 1) };
  }

  /** The queue's first entry still waiting to run, dropping entries that went stale. */
  private liveHead(queue: ReadyQueue<ReadyEntry>): ReadyEntry | undefined {
    for (;;) {
      const head = queue.peek();
      if (!head) return undefined;
      if (head.ti.state === "scheduled" && this.opts.hooks.isActive(head.run)) return head;
      queue.pop();
    }
  }

  private hasRoom({ run, group, ti }: ReadyEntry): boolean {
    // A paused DAG starts no new work, but the children of a try that is running are part of it.
    if (this.opts.hooks.isPaused(run.dagId) && ti.submit === null) return false;
    if ((this.activeTasksByDag.get(run.dagId) ?? 0) >= run.version.serialized.maxActiveTasks) return false;
    const pool = this.pools.get(group.spec.pool);
    if (!pool || (pool.slots >= 0 && group.spec.poolSlots > pool.slots)) return true; // failed with a clear error
    return pool.slots < 0 || pool.occupied + group.spec.poolSlots <= pool.slots;
  }

  private queueTry(f: InFlight): void {
    const { run, group, ti } = f;
    if (!ti.continuesTry || ti.tryNumber === 0) ti.tryNumber += 1;
    ti.continuesTry = false;
    ti.queuedAt = Date.now();
    ti.startDate = null;
    ti.endDate = null;
    ti.hostname = null;
    const epoch = this.opts.hooks.epoch?.() ?? 0;
    const key = `${tiKey(run, ti.taskId, ti.mapIndex, ti.tryNumber)}#${epoch > 0 ? `e${epoch}` : this.instanceTag}.${++this.dispatches}`;
    ti.key = key;
    this.inflight.set(key, f);
    this.activeTasksByDag.set(run.dagId, (this.activeTasksByDag.get(run.dagId) ?? 0) + 1);
    this.pools.get(group.spec.pool)!.occupied += group.spec.poolSlots;
    this.opts.logs.register(key, taskLogPath(this.opts.home, { dagId: run.dagId, runId: run.runId, taskId: ti.taskId, mapIndex: ti.mapIndex, tryNumber: ti.tryNumber }));
    this.opts.hooks.setQueued(f);
    const assignment = this.assignment(f, key);
    const queue = group.spec.queue;
    this.notHandedOver.set(queue, (this.notHandedOver.get(queue) ?? 0) + 1);
    this.opts.writer.afterCommit(() => {
      this.notHandedOver.set(queue, (this.notHandedOver.get(queue) ?? 1) - 1);
      if (ti.key !== key) return;
      if (this.opts.hooks.stopped()) {
        this.release(f);
        ti.key = null;
        this.opts.hooks.notHandedOver(f);
        return;
      }
      this.opts.executor.submit(assignment);
    });
  }

  private assignment({ run, group, ti }: InFlight, key: string): TaskAssignment {
    const spec = group.spec;
    // A child started with ctx.submit takes the arguments of its call.
    const args = ti.submit ? [...ti.submit.args] : (spec.args.map((a) => this.resolveArg(run, a) ?? null) as Json[]);
    if (spec.expand && ti.mapIndex >= 0) args[spec.expand.argIndex] = group.mapSource![ti.mapIndex]!;
    return {
      v: 1, key, epoch: this.opts.hooks.epoch?.() ?? 0, dagId: run.dagId, runId: run.runId, taskId: ti.taskId, mapIndex: ti.mapIndex, tryNumber: ti.tryNumber,
      bundle: { hash: run.version.bundleHash, path: run.version.bundlePath },
      args,
      logicalDate: new Date(run.logicalDate).toISOString(),
      dataIntervalStart: new Date(run.dataIntervalStart).toISOString(),
      dataIntervalEnd: new Date(run.dataIntervalEnd).toISOString(),
      params: run.params, conf: run.conf, runType: run.runType, queue: spec.queue,
      executionTimeoutMs: spec.executionTimeoutMs,
      sensorStartedAt: ti.sensorStartedAt,
    };
  }

  /** A task argument's value in the run (arg-values.ts). */
  resolveArg(run: RunModel, arg: SerializedTask["args"][number]): Json | undefined {
    return resolveArgValue(run, this.opts.xcoms, arg);
  }
}
