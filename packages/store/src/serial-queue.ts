// Runs async jobs one after another. The store uses it to keep write transactions of one process
// from overlapping: libSQL's local driver is synchronous, so a second writer waiting on SQLite's
// lock would block the event loop, and with it the first writer that holds the lock.
import { AsyncLocalStorage } from "node:async_hooks";

/** Jobs run in the order they were queued; a failed job does not stop the ones after it. */
export interface SerialQueue {
  /** Queues `job` and resolves with its result. Calling `run` from inside a job throws. */
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Resolves once every job queued so far has settled. */
  idle(): Promise<void>;
}

/**
 * Creates an empty queue.
 * @example
 * const q = createSerialQueue("writes");
 * await Promise.all([q.run(a), q.run(b)]); // b starts after a settles
 */
export function createSerialQueue(name: string): SerialQueue {
  let tail: Promise<void> = Promise.resolve();
  const inside = new AsyncLocalStorage<true>();
  return {
    run<T>(job: () => Promise<T>): Promise<T> {
      if (inside.getStore()) {
        // Waiting here would wait for ourselves forever; fail loudly instead.
        return Promise.reject(new Error(`${name}: nested call from inside a running job would deadlock; use the job's transaction`));
      }
      const result = tail.then(() => inside.run(true, job));
      tail = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },
    idle(): Promise<void> {
      return tail;
    },
  };
}
