// Group commit: state changes are queued and written in one transaction per batch, in order.
// Work that must follow a change (handing a task to an executor) is queued behind it with
// `afterCommit`, so nothing is acted on before it is durable, and a burst of changes costs one
// transaction instead of one each. With a fence (the scheduler's lease, scheduler-job.ts), every
// transaction starts with a statement that aborts it unless the lease is still this scheduler's.
import type { InStatement } from "@libsql/client";
import type { Store } from "@updraft/store";
import { compileOps, type RowOp } from "./persist.ts";

export interface GroupCommitStats {
  /** Transactions committed. */
  batches: number;
  /** Row operations written (before coalescing). */
  operations: number;
  /** SQL statements executed. */
  statements: number;
  /** Seconds spent committing, in total and for the last transaction. */
  commitSeconds: number;
  lastCommitSeconds: number;
}

export class GroupCommitWriter {
  private readonly store: Store;
  private readonly maxBatch: number;
  private readonly onError: (err: unknown) => void;
  private readonly fence: (() => { statement: InStatement; renewed: () => void } | null) | undefined;
  private readonly onCommit: ((seconds: number, operations: number) => void) | undefined;
  private pending: RowOp[] = [];
  private callbacks: Array<() => void> = [];
  private running = false;
  private idleWaiters: Array<() => void> = [];
  /** Set by a failed commit: memory and database may now disagree, so nothing more is written. */
  private broken: unknown = null;
  readonly stats: GroupCommitStats = { batches: 0, operations: 0, statements: 0, commitSeconds: 0, lastCommitSeconds: 0 };

  constructor(store: Store, opts: {
    maxBatch?: number;
    onError: (err: unknown) => void;
    /** The statement each transaction starts with, refusing it unless the lease is current (null: none yet). */
    fence?: () => { statement: InStatement; renewed: () => void } | null;
    /** Told of every committed transaction: its duration in seconds and its row operations. */
    onCommit?: (seconds: number, operations: number) => void;
  }) {
    this.store = store;
    this.maxBatch = opts.maxBatch ?? 20_000;
    this.onError = opts.onError;
    this.fence = opts.fence;
    this.onCommit = opts.onCommit;
  }

  /** Writes nothing more and runs no callback: what is pending is dropped (the lease was lost). */
  abandon(reason: unknown): void {
    this.broken ??= reason;
    this.pending = [];
    this.callbacks = [];
    if (!this.running) for (const w of this.idleWaiters.splice(0)) w();
  }

  write(...ops: RowOp[]): void {
    if (this.broken) return;
    for (const op of ops) this.pending.push(op);
    this.kick();
  }

  /** Runs `fn` once everything written so far is committed. */
  afterCommit(fn: () => void): void {
    if (this.broken) return;
    this.callbacks.push(fn);
    this.kick();
  }

  /** Resolves when everything written so far is committed. */
  flushed(): Promise<void> {
    return new Promise((resolve) => this.afterCommit(resolve));
  }

  /** Resolves when nothing is pending or being written. */
  idle(): Promise<void> {
    if (!this.running && this.pending.length === 0 && this.callbacks.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    // Let the rest of this turn of the event loop add to the batch.
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0 || this.callbacks.length > 0) {
        const n = Math.min(this.pending.length, this.maxBatch);
        const batch = this.pending.splice(0, n);
        // Callbacks queued while these statements were pending may run after this batch only if
        // nothing else is still pending; otherwise they wait for the next batch.
        const cbs = this.pending.length === 0 ? this.callbacks.splice(0) : [];
        if (batch.length > 0) {
          const statements = compileOps(batch);
          const started = performance.now();
          const fence = this.fence?.();
          await this.store.batch(fence ? [fence.statement, ...statements] : statements);
          fence?.renewed();
          if (this.broken) break; // abandoned while this batch was in flight: act on nothing
          const took = (performance.now() - started) / 1000;
          this.stats.commitSeconds += took;
          this.stats.lastCommitSeconds = took;
          this.stats.batches++;
          this.stats.operations += batch.length;
          this.stats.statements += statements.length;
          this.onCommit?.(took, batch.length);
        }
        for (const cb of cbs) {
          if (this.broken) break;
          cb();
        }
      }
    } catch (err) {
      // Later changes were decided on top of the lost ones: drop them, act on none, and stop.
      this.broken ??= err;
      this.pending = [];
      this.callbacks = [];
      this.onError(err);
    } finally {
      this.running = false;
      if (this.pending.length > 0 || this.callbacks.length > 0) this.kick();
      else for (const w of this.idleWaiters.splice(0)) w();
    }
  }
}
