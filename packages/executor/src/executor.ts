// The one interface every executor implements (threads, remote, sequential), and the small event
// hub they share. The scheduler codes against this file only.
import type { TaskAssignment, TaskOutcome } from "@updraft/worker";

/** What an executor reports about the tries it was handed. */
export type ExecutorEvent =
  /** The try began running; `worker` names the thread or worker, used as the try's hostname. */
  | { type: "started"; key: string; at: number; worker: string }
  /** The try ended, one way or another; reported exactly once per submitted key. */
  | { type: "finished"; key: string; outcome: TaskOutcome; at: number };

/** A snapshot of an executor's load. */
export interface ExecutorStats {
  /** Tries running now. */
  running: number;
  /** Tries accepted but not yet running. */
  queued: number;
  /**
   * How many tries it can run at once at its largest size, plus the tries waiting on children
   * they submitted: those hold no slot (Dask's secede), so the scheduler may hand out more.
   */
  capacity: number;
  /** Threads (or connected workers) alive now, including ones still starting. */
  threads: number;
  /**
   * Per task queue, for executors that route by `queue` (remote): what the members serving it
   * can run at once, and the tries of that queue it holds that take up room (pending or placed,
   * not counting tries awaiting their submitted children). Absent: every try runs anywhere, and
   * only the totals above count. A queue nobody serves is absent, or has capacity 0.
   */
  queues?: Record<string, { capacity: number; inFlight: number }>;
}

/**
 * Runs task tries somewhere — threads of this process, remote workers, or inline — and reports
 * their progress as events.
 *
 * @example
 * const executor: Executor = new ThreadsExecutor({ host });
 * await executor.start();
 * executor.onEvent((e) => { if (e.type === "finished") console.log(e.key, e.outcome.status); });
 * executor.submit(assignment);
 * await executor.stop({ graceful: true });
 */
export interface Executor {
  readonly name: string;
  start(): Promise<void>;
  /** Hands one try to the executor; it reports "started" then exactly one "finished" for that key. */
  submit(assignment: TaskAssignment): void;
  /** Cancel a queued or running try (abort its signal; terminate if it ignores it); reports finished/failed. */
  cancel(key: string, reason: string): void;
  onEvent(listener: (event: ExecutorEvent) => void): () => void;
  stats(): ExecutorStats;
  /** graceful: wait for running tries; otherwise abort them. */
  stop(opts?: { graceful?: boolean }): Promise<void>;
  /**
   * Starts no try (hands none to a thread or a worker, from its queue or a steal) while `admit()`
   * answers false. The scheduler's lease check: a scheduler woken from a freeze, whose lease may
   * have gone to another, starts nothing it was handed before the freeze. `until` is the time
   * (performance.timeOrigin + performance.now(), in ms) after which not even a try already in a
   * thread may start: threads check it themselves, since they wake from a freeze with the rest.
   * `epoch` is the epoch of the lease the scheduler holds and trusts now (0: it holds none, as
   * `dags test`; null: none it may act on, lost or not yet claimed): an executor that takes
   * results from elsewhere (remote workers) refuses those of tries dispatched under another.
   */
  gate?(admit: () => boolean, until?: () => number, epoch?: () => number | null): void;
}

/**
 * A set of event listeners. A listener that throws does not disturb the executor or the other
 * listeners: its error is rethrown on a later tick, where it surfaces as an uncaught exception.
 *
 * @example
 * const hub = new EventHub<ExecutorEvent>();
 * const off = hub.on((e) => console.log(e.type));
 * hub.emit({ type: "started", key: "k", at: Date.now(), worker: "thread-1" });
 * off();
 */
export class EventHub<E> {
  readonly #listeners = new Set<(event: E) => void>();

  on(listener: (event: E) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  emit(event: E): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
