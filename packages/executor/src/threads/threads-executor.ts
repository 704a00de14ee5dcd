// The threads executor: runs tries in worker threads of this process, through the adaptive
// ThreadPool, each thread running `runTask` (thread-main.ts). Time-outs abort the try's signal
// and terminate its thread if it does not stop; threads that crash are replaced. Each try goes
// with the file of its log (TaskHost.logFile), which its thread appends to itself.
import { availableParallelism, hostname } from "node:os";
import { taskOutcomeSchema, type TaskAssignment, type TaskHost, type TaskOutcome } from "@updraft/worker";
import { EventHub, type Executor, type ExecutorEvent, type ExecutorStats } from "../executor.ts";
import { DuplicateTryError, ExecutorNotRunningError, JobCancelledError } from "../errors.ts";
import { fromPoolError, stopped } from "../outcomes.ts";
import { secedingHost } from "../seceding-host.ts";

import { ThreadPool } from "./thread-pool.ts";
import type { ThreadTry } from "./thread-host.ts";

/** The outcome as the thread sent it, checked on receipt; a malformed one fails the try. */
function checkOutcome(a: TaskAssignment, outcome: unknown): TaskOutcome {
  const checked = taskOutcomeSchema.safeParse(outcome);
  if (checked.success) return checked.data;
  return { status: "failed", retryable: false, error: { name: "ProtocolError", message: `task "${a.dagId}.${a.taskId}": the thread sent a malformed outcome: ${checked.error.message}` } };
}

export interface ThreadsExecutorOptions {
  /** What running tries may ask of the scheduler: XComs, variables, connections, logs. */
  host: TaskHost;
  /** Default 1. */
  minThreads?: number;
  /** Default max(2, cores × 2). */
  maxThreads?: number;
  /** A thread idle this long retires, down to minThreads. Default 10s. */
  idleTimeoutMs?: number;
  /** How long a try may take to stop after its signal is aborted before its thread is terminated. Default 2s. */
  timeoutGraceMs?: number;
  /** Recycle a thread whose heap passes this after a try. Default: never. */
  memoryLimitMb?: number;
  /** Recycle a thread after this many tries. Default: never. */
  maxJobsPerThread?: number;
  /** Tries one thread runs at once. Default 1. */
  concurrencyPerThread?: number;
  /** The thread entry module, served `ThreadTry` jobs. Default: thread-main.ts (runTask from @updraft/worker). */
  entry?: URL;
}

const State = { idle: "not started", running: "running", stopping: "stopping", stopped: "stopped" } as const;
type State = (typeof State)[keyof typeof State];

/**
 * Runs tries in a pool of worker threads that grows with the queue and shrinks when idle.
 *
 * @example
 * const executor = new ThreadsExecutor({ host, maxThreads: 4 });
 * executor.onEvent((e) => console.log(e));
 * await executor.start();
 * executor.submit(assignment); // "started" with worker "myhost/thread-1", then "finished"
 * await executor.stop({ graceful: true });
 */
export class ThreadsExecutor implements Executor {
  readonly name = "threads";
  readonly #pool: ThreadPool<ThreadTry, TaskOutcome>;
  readonly #logFile: (key: string) => string | null;
  readonly #events = new EventHub<ExecutorEvent>();
  /** Tries accepted and not finished; a key in `#cancelled` was cancelled by the scheduler. */
  readonly #tries = new Map<string, TaskAssignment>();
  readonly #cancelled = new Set<string>();
  readonly #hostname = hostname();
  #state: State = State.idle;

  constructor(options: ThreadsExecutorOptions) {
    const host = options.host;
    this.#logFile = host.logFile ? (key) => host.logFile!(key) : () => null;
    this.#pool = new ThreadPool<ThreadTry, TaskOutcome>({
      // thread-main.ts when running from the sources, thread-main.js once built (dist/).
      entry: options.entry ?? new URL(import.meta.url.endsWith(".ts") ? "./thread-main.ts" : "./thread-main.js", import.meta.url),
      // The host the threads reach: the scheduler's, with `submit` wrapped in the pool's secede
      // and rejoin, so the parent's job frees its slot before the child is even created (the
      // thread side secedes on its own, see thread-host.ts).
      host: secedingHost(options.host, (key) => {
        this.#pool.secede(key);
        return () => this.#pool.rejoin(key);
      }),
      minThreads: options.minThreads ?? 1,
      maxThreads: options.maxThreads ?? Math.max(2, availableParallelism() * 2),
      graceMs: options.timeoutGraceMs ?? 2_000,
      concurrencyPerThread: options.concurrencyPerThread ?? 1,
      ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      ...(options.memoryLimitMb !== undefined ? { memoryLimitMb: options.memoryLimitMb } : {}),
      ...(options.maxJobsPerThread !== undefined ? { maxJobsPerThread: options.maxJobsPerThread } : {}),
    });
  }

  async start(): Promise<void> {
    if (this.#state !== State.idle) return;
    this.#state = State.running;
    try {
      await this.#pool.start();
    } catch (err) {
      this.#state = State.stopped; // the pool closed itself: its entry does not load
      throw err;
    }
  }

  submit(assignment: TaskAssignment): void {
    const { key } = assignment;
    if (this.#state !== State.running) throw new ExecutorNotRunningError(this.name, this.#state, key);
    if (this.#tries.has(key)) throw new DuplicateTryError(this.name, key);
    this.#tries.set(key, assignment);
    // Asked here, on the main thread, where the answer is a lookup: a thread in a tight print loop
    // could not receive an answer to a question it asked itself until the loop ended.
    this.#pool
      .run({ assignment, logFile: this.#logFile(key) }, {
        key,
        timeoutMs: assignment.executionTimeoutMs,
        onStart: ({ thread, at }) => this.#events.emit({ type: "started", key, at, worker: `${this.#hostname}/${thread}` }),
      })
      .then(
        (outcome) => this.#finish(key, checkOutcome(assignment, outcome)),
        (err: unknown) => this.#finish(key, this.#failure(assignment, err)),
      );
  }

  cancel(key: string, reason: string): void {
    if (!this.#tries.has(key)) return;
    this.#cancelled.add(key);
    this.#pool.cancel(key, reason);
  }

  gate(admit: () => boolean, until?: () => number): void {
    this.#pool.gate(admit, until);
  }

  onEvent(listener: (event: ExecutorEvent) => void): () => void {
    return this.#events.on(listener);
  }

  /**
   * Tries waiting on children they submitted hold no slot, so they add to the capacity: the
   * scheduler hands out that many more tries, and the children of a full pool of parents run.
   */
  stats(): ExecutorStats {
    const s = this.#pool.stats();
    return { running: s.running, queued: s.queued, capacity: s.capacity + s.seceded, threads: s.threads };
  }

  /** The pool's own view: thread names, states, jobs run, heap — for health pages and tests. */
  threads(): ReturnType<ThreadPool<ThreadTry, TaskOutcome>["threads"]> {
    return this.#pool.threads();
  }

  async stop(opts: { graceful?: boolean } = {}): Promise<void> {
    if (this.#state === State.stopped) return;
    this.#state = State.stopping;
    await this.#pool.close({ graceful: opts.graceful ?? true });
    this.#state = State.stopped;
  }

  #failure(a: TaskAssignment, err: unknown): TaskOutcome {
    // A try aborted by stop() rather than by the scheduler's cancel did nothing wrong: retryable.
    if (err instanceof JobCancelledError && !this.#cancelled.has(a.key)) return stopped(a, this.name, err.started);
    return fromPoolError(a, err);
  }

  #finish(key: string, outcome: TaskOutcome): void {
    this.#tries.delete(key);
    this.#cancelled.delete(key);
    this.#events.emit({ type: "finished", key, outcome, at: Date.now() });
  }
}
