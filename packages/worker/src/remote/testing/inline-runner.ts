// A TaskRunner for the worker package's own tests: runs each try in this process by calling the
// real runtime (`runTask`) directly, with a time-out and cancel through the try's AbortSignal.
// (The real one, ThreadsExecutor, lives in @updraft/executor, which depends on this package.)
import { runTask } from "../../run-task.ts";
import type { TaskAssignment, TaskHost, TaskOutcome } from "../../protocol.ts";
import type { RunnerEvent, RunnerStats, TaskRunner } from "../runner.ts";

export class InlineRunner implements TaskRunner {
  readonly #host: TaskHost;
  readonly #listeners = new Set<(e: RunnerEvent) => void>();
  readonly #running = new Map<string, { controller: AbortController; done: Promise<void>; cancelled: string | null }>();
  readonly capacity: number;
  /** Keys in the order they were submitted: what a test asserts on. */
  readonly submitted: string[] = [];

  constructor(host: TaskHost, capacity = 64) {
    this.#host = host;
    this.capacity = capacity;
  }

  async start(): Promise<void> {}

  submit(a: TaskAssignment): void {
    if (this.#running.has(a.key)) throw new Error(`try ${a.key} is running already`);
    this.submitted.push(a.key);
    const controller = new AbortController();
    const timer = a.executionTimeoutMs === null ? null : setTimeout(() => controller.abort(new Error(`timed out after ${a.executionTimeoutMs}ms`)), a.executionTimeoutMs);
    const entry = { controller, done: Promise.resolve(), cancelled: null as string | null };
    this.#running.set(a.key, entry);
    this.#emit({ type: "started", key: a.key, at: Date.now(), worker: "inline" });
    entry.done = runTask(a, this.#host, controller.signal).then((outcome) => {
      if (timer) clearTimeout(timer);
      this.#running.delete(a.key);
      const final: TaskOutcome = entry.cancelled === null ? outcome : { status: "failed", retryable: false, error: { name: "TaskCancelledError", message: `cancelled: ${entry.cancelled}` } };
      this.#emit({ type: "finished", key: a.key, outcome: final, at: Date.now() });
    });
  }

  cancel(key: string, reason: string): void {
    const entry = this.#running.get(key);
    if (!entry) return;
    entry.cancelled = reason;
    entry.controller.abort(new Error(reason));
  }

  onEvent(listener: (e: RunnerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stats(): RunnerStats {
    return { running: this.#running.size, queued: 0, capacity: this.capacity, threads: 1 };
  }

  async stop(opts: { graceful?: boolean } = {}): Promise<void> {
    if (!(opts.graceful ?? true)) for (const e of this.#running.values()) e.controller.abort(new Error("runner stopped"));
    await Promise.all([...this.#running.values()].map((e) => e.done));
  }

  #emit(e: RunnerEvent): void {
    for (const l of this.#listeners) l(e);
  }
}
