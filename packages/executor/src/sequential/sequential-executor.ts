// The sequential executor: one try at a time, in the calling process and thread, for debugging
// (breakpoints work, stack traces are whole). Time-outs and cancels abort the try's signal; code
// that ignores it cannot be stopped in-process, so after the grace period the try is reported as
// timed out or cancelled and left to finish in the background while the next one starts. A try
// that awaits a child it submitted (ctx.submit) secedes: the next try starts meanwhile (its
// child, among others), and the parent carries on when the child has ended.
import { hostname } from "node:os";
import { runTask, type TaskAssignment, type TaskHost, type TaskOutcome } from "@updraft/worker";
import { EventHub, type Executor, type ExecutorEvent, type ExecutorStats } from "../executor.ts";
import { DuplicateTryError, ExecutorNotRunningError } from "../errors.ts";
import { cancelled, stopped, timedOut } from "../outcomes.ts";
import { secedingHost } from "../seceding-host.ts";

/** The signature of the worker runtime's `runTask`. */
export type RunTask = (assignment: TaskAssignment, host: TaskHost, signal: AbortSignal) => Promise<TaskOutcome>;

export interface SequentialExecutorOptions {
  host: TaskHost;
  /** How long a try may take to stop after its signal is aborted. Default 2s. */
  timeoutGraceMs?: number;
  /** What runs a try. Default: `runTask` from @updraft/worker. */
  run?: RunTask;
}

interface Current {
  assignment: TaskAssignment;
  controller: AbortController;
  /** Set when the try is being stopped: the outcome it ends with, whatever it returns. */
  ending: TaskOutcome | null;
  /** Resolves the race with the try once the grace period after an abort has passed. */
  giveUp: () => void;
  timers: NodeJS.Timeout[];
  /** Open ctx.submit calls: while > 0 the try waits on its children and another may run. */
  waits: number;
}

/**
 * Runs tries one after another in this thread.
 *
 * @example
 * const executor = new SequentialExecutor({ host });
 * await executor.start();
 * executor.onEvent((e) => console.log(e.type, e.key));
 * executor.submit(a1); executor.submit(a2); // a2 starts when a1 has finished
 * await executor.stop();
 */
export class SequentialExecutor implements Executor {
  readonly name = "sequential";
  readonly #host: TaskHost;
  readonly #graceMs: number;
  readonly #run: RunTask;
  readonly #events = new EventHub<ExecutorEvent>();
  readonly #queue: TaskAssignment[] = [];
  readonly #worker = `${hostname()}/main`;
  /** Tries started and not finished, by key: at most one of them not waiting on children. */
  readonly #running = new Map<string, Current>();
  readonly #done = new Set<Promise<void>>();
  #state: "not started" | "running" | "stopping" | "stopped" = "not started";

  constructor(options: SequentialExecutorOptions) {
    // The host tries see: `submit` secedes the try while its child runs.
    this.#host = secedingHost(options.host, (key) => {
      const current = this.#running.get(key);
      if (current) current.waits++;
      this.#next();
      return () => {
        if (current) current.waits--;
      };
    });
    this.#graceMs = options.timeoutGraceMs ?? 2_000;
    this.#run = options.run ?? runTask;
  }

  async start(): Promise<void> {
    if (this.#state === "not started") this.#state = "running";
  }

  submit(assignment: TaskAssignment): void {
    if (this.#state !== "running") throw new ExecutorNotRunningError(this.name, this.#state, assignment.key);
    if (this.#running.has(assignment.key) || this.#queue.some((a) => a.key === assignment.key)) {
      throw new DuplicateTryError(this.name, assignment.key);
    }
    this.#queue.push(assignment);
    this.#next();
  }

  cancel(key: string, reason: string): void {
    const at = this.#queue.findIndex((a) => a.key === key);
    if (at >= 0) {
      const [a] = this.#queue.splice(at, 1);
      this.#finish(a!, cancelled(a!, reason));
    } else {
      const current = this.#running.get(key);
      if (current) this.#abort(current, cancelled(current.assignment, reason), { name: "AbortError", message: reason });
    }
  }

  onEvent(listener: (event: ExecutorEvent) => void): () => void {
    return this.#events.on(listener);
  }

  /** Tries waiting on their children hold no slot: they add to the capacity of one. */
  stats(): ExecutorStats {
    const waiting = this.#waiting();
    return { running: this.#running.size - waiting, queued: this.#queue.length, capacity: 1 + waiting, threads: 1 };
  }

  async stop(opts: { graceful?: boolean } = {}): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopping";
    for (const a of this.#queue.splice(0)) this.#finish(a, stopped(a, this.name, false));
    if (!(opts.graceful ?? true)) {
      for (const current of this.#running.values()) {
        this.#abort(current, stopped(current.assignment, this.name, true), { name: "AbortError", message: "the executor stopped" });
      }
    }
    while (this.#done.size > 0) await Promise.all(this.#done);
    this.#state = "stopped";
  }

  #waiting(): number {
    let n = 0;
    for (const c of this.#running.values()) if (c.waits > 0) n++;
    return n;
  }

  gate(admit: () => boolean): void {
    this.#admit = admit;
  }
  #admit: () => boolean = () => true;

  /** Starts the next queued try when no running try holds the one slot. */
  #next(): void {
    if (this.#queue.length === 0 || this.#running.size > this.#waiting() || !this.#admit()) return;
    const done = this.#runOne(this.#queue.shift()!);
    this.#done.add(done);
    void done.finally(() => this.#done.delete(done));
  }

  async #runOne(a: TaskAssignment): Promise<void> {
    let giveUp!: () => void;
    const gaveUp = new Promise<null>((resolve) => (giveUp = () => resolve(null)));
    const current: Current = { assignment: a, controller: new AbortController(), ending: null, giveUp, timers: [], waits: 0 };
    this.#running.set(a.key, current);
    this.#events.emit({ type: "started", key: a.key, at: Date.now(), worker: this.#worker });
    const timeoutMs = a.executionTimeoutMs;
    if (timeoutMs !== null) {
      current.timers.push(setTimeout(() => {
        if (!current.ending) this.#abort(current, timedOut(a, timeoutMs), { name: "TimeoutError", message: `exceeded executionTimeout of ${timeoutMs}ms` });
      }, timeoutMs));
    }
    let outcome: TaskOutcome | null;
    try {
      outcome = await Promise.race([this.#run(a, this.#host, current.controller.signal), gaveUp]);
    } catch (err) {
      // runTask never throws; another `run` might.
      const e = err instanceof Error ? err : new Error(String(err));
      outcome = { status: "failed", retryable: true, error: { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) } };
    }
    for (const t of current.timers) clearTimeout(t);
    this.#running.delete(a.key);
    this.#finish(a, current.ending ?? outcome!);
    this.#next();
  }

  /** Aborts a running try; it ends with `outcome`, at the latest after the grace period. */
  #abort(current: Current, outcome: TaskOutcome, reason: { name: string; message: string }): void {
    if (current.ending) return;
    current.ending = outcome;
    const err = new Error(reason.message);
    err.name = reason.name;
    current.controller.abort(err);
    current.timers.push(setTimeout(current.giveUp, this.#graceMs));
  }

  #finish(a: TaskAssignment, outcome: TaskOutcome): void {
    this.#events.emit({ type: "finished", key: a.key, outcome, at: Date.now() });
  }
}
