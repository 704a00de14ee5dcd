// What the remote worker runs its tries in. The worker package cannot depend on @updraft/executor
// (the executor depends on the worker runtime), so it names the few members it uses here, and
// `ThreadsExecutor` satisfies them structurally; `updraft worker` composes the two.
import type { TaskAssignment, TaskOutcome } from "../protocol.ts";

/** What a runner reports about the tries it was handed (the executors' `ExecutorEvent`). */
export type RunnerEvent =
  | { type: "started"; key: string; at: number; worker: string }
  | { type: "finished"; key: string; outcome: TaskOutcome; at: number };

/** A snapshot of a runner's load (the executors' `ExecutorStats`). */
export interface RunnerStats {
  running: number;
  queued: number;
  capacity: number;
  threads: number;
}

/**
 * Runs tries and reports "started" then exactly one "finished" per submitted key; honours each
 * assignment's `executionTimeoutMs`.
 *
 * @example
 * const worker = new RemoteWorker({ ..., runner: (host) => new ThreadsExecutor({ host }) });
 */
export interface TaskRunner {
  start(): Promise<void>;
  submit(assignment: TaskAssignment): void;
  /** Aborts a queued or running try; it still reports "finished" (failed). */
  cancel(key: string, reason: string): void;
  onEvent(listener: (event: RunnerEvent) => void): () => void;
  stats(): RunnerStats;
  /** graceful: wait for running tries; otherwise abort them. */
  stop(opts?: { graceful?: boolean }): Promise<void>;
}
