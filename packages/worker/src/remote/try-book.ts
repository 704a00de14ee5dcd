// The books of a remote worker: every try it holds, from assignment to acknowledged result.
// No I/O: the session (remote-worker.ts) asks it what to start, what to give back, what to send.
//
//   assign ─▶ pending ──(a free slot)──▶ starting (bundle) ──▶ running ──▶ result ──(ack)──▶ gone
//                │ steal / drain: released                        │ dropped by the server: discarded
//
// A try is its key and the scheduler epoch it was dispatched under: an assignment of a key it
// holds under an earlier epoch replaces that one (the old scheduler's try is dropped).
import type { TaskAssignment, TaskOutcome } from "../protocol.ts";
import type { TryRef } from "./messages.ts";

export interface HeldResult {
  outcome: TaskOutcome;
  at: number;
  /** The epoch its assignment carried, echoed with the result. */
  epoch: number;
}

/** The epoch an assignment carries (0: from a scheduler that holds no lease). */
export const epochOf = (a: TaskAssignment): number => a.epoch ?? 0;

/** Where a try was when it was taken out of the books. */
export type Place = "pending" | "starting" | "running" | "result";

/**
 * @example
 * const book = new TryBook(4);
 * book.assign(a);
 * for (let next = book.next(); next; next = book.next()) start(next);
 */
export class TryBook {
  readonly capacity: number;
  /** Assigned, not started: the only ones `steal` may take back. Map order is arrival order. */
  readonly pending = new Map<string, TaskAssignment>();
  /** Taken from pending for a free slot; their bundle is being fetched. */
  readonly starting = new Map<string, TaskAssignment>();
  /** Handed to the runner, not finished. */
  readonly running = new Map<string, TaskAssignment>();
  /** Finished, result not yet acknowledged by the server. */
  readonly results = new Map<string, HeldResult>();
  /** Running tries the server dropped: their results are thrown away when they end. */
  readonly #discard = new Set<string>();
  /**
   * Assignments of a key whose earlier run the server dropped and that still runs (a scheduler
   * that restarted hands out the same try again): they wait here until that run ends.
   */
  readonly #deferred = new Map<string, TaskAssignment>();
  /** Submitted children each running try is waiting on. */
  readonly #seceded = new Map<string, number>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  has(key: string): boolean {
    return this.pending.has(key) || this.#deferred.has(key) || this.starting.has(key) || this.running.has(key) || this.results.has(key);
  }

  /**
   * The epoch of the live try held under `key` (assigned, running or with a result to deliver;
   * not one the server dropped), or undefined.
   */
  epochOf(key: string): number | undefined {
    const a = this.pending.get(key) ?? this.#deferred.get(key) ?? this.starting.get(key) ?? (this.#discard.has(key) ? undefined : this.running.get(key));
    return a ? epochOf(a) : this.results.get(key)?.epoch;
  }

  /** Takes an assignment; false when it holds that key already (an assign sent twice). */
  assign(a: TaskAssignment): boolean {
    if (this.#discard.has(a.key) && !this.#deferred.has(a.key)) {
      this.#deferred.set(a.key, a);
      return true;
    }
    if (this.has(a.key)) return false;
    this.pending.set(a.key, a);
    return true;
  }

  /** Slots in use: tries starting or running, except those waiting on children (Dask's secede). */
  active(): number {
    let waiting = 0;
    for (const [key, n] of this.#seceded) if (n > 0 && this.running.has(key)) waiting++;
    return this.starting.size + this.running.size - waiting;
  }

  /**
   * The next pending try when a slot is free, moved to `starting`. `limit` bounds the tries handed
   * to the runner, seceded ones included (the runner's own capacity: beyond it tries would queue
   * inside the runner, where `steal` cannot reach them).
   */
  next(limit = Infinity): TaskAssignment | undefined {
    if (this.active() >= this.capacity || this.starting.size + this.running.size >= limit) return undefined;
    const first = this.pending.values().next();
    if (first.done) return undefined;
    this.pending.delete(first.value.key);
    this.starting.set(first.value.key, first.value);
    return first.value;
  }

  /** Its bundle is ready: moves a try from starting to running; false if it left meanwhile. */
  run(key: string): boolean {
    const a = this.starting.get(key);
    if (!a) return false;
    this.starting.delete(key);
    this.running.set(key, a);
    return true;
  }

  /**
   * A try ended (or was settled before it ran: cancelled, its bundle missing); returns false when
   * its result is to be thrown away (dropped by the server, or not ours).
   */
  finish(key: string, outcome: TaskOutcome, at: number): boolean {
    const ours = this.running.get(key) ?? this.starting.get(key) ?? this.pending.get(key);
    this.running.delete(key);
    this.starting.delete(key);
    this.pending.delete(key);
    this.#seceded.delete(key);
    if (this.#discard.delete(key)) {
      // The dropped run is over: a new assignment of the same key may start now.
      const next = this.#deferred.get(key);
      if (next) {
        this.#deferred.delete(key);
        this.pending.set(key, next);
      }
      return false;
    }
    if (!ours) return false;
    this.results.set(key, { outcome, at, epoch: epochOf(ours) });
    return true;
  }

  ack(key: string): boolean {
    return this.results.delete(key);
  }

  secede(key: string, delta: 1 | -1): void {
    const n = (this.#seceded.get(key) ?? 0) + delta;
    if (n > 0) this.#seceded.set(key, n);
    else this.#seceded.delete(key);
  }

  /** Removes the given not-started tries; returns the keys it actually removed. */
  steal(keys: Iterable<string>): string[] {
    const taken: string[] = [];
    for (const key of keys) if (this.pending.delete(key) || this.#deferred.delete(key)) taken.push(key);
    return taken;
  }

  /** Removes every not-started try (drain). */
  releaseAll(): string[] {
    return this.steal([...this.pending.keys(), ...this.#deferred.keys()]);
  }

  /**
   * Takes a try out of the books wherever it is. A running one stays in `running` until the
   * runner reports it finished, but its result will be discarded.
   */
  drop(key: string): Place | null {
    if (this.pending.delete(key) || this.#deferred.delete(key)) return "pending";
    if (this.starting.delete(key)) return "starting";
    if (this.results.delete(key)) return "result";
    if (this.running.has(key)) {
      this.#discard.add(key);
      return "running";
    }
    return null;
  }

  /** Held and not dropped: log lines of other keys are not wanted. */
  live(key: string): boolean {
    return this.has(key) && !this.#discard.has(key);
  }

  /** Every try held, with its epoch: pending, starting, running or awaiting an ack (hello.running, heartbeats). */
  held(): TryRef[] {
    const ref = (a: TaskAssignment): TryRef => ({ key: a.key, epoch: epochOf(a) });
    const running = [...this.running.values()].filter((a) => !this.#discard.has(a.key));
    return [
      ...[...this.pending.values(), ...this.#deferred.values(), ...this.starting.values(), ...running].map(ref),
      ...[...this.results].map(([key, r]) => ({ key, epoch: r.epoch })),
    ];
  }

  /** Nothing held at all (a draining worker may exit). Dropped tries still running count. */
  empty(): boolean {
    return this.pending.size + this.#deferred.size + this.starting.size + this.running.size + this.results.size === 0;
  }
}
