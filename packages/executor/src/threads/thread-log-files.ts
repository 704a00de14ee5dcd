// The log files of the tries a worker thread runs, written by the thread itself. Sending every
// batch to the scheduler's main thread (as a comlink call) has no backpressure: a task printing in
// a tight loop queues batches on the main thread's port faster than it writes them, and the
// scheduler's memory and event loop pay. Appended here with synchronous writes, a flood of lines
// is slowed by the disk, in the thread that makes it, and never reaches the main thread.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { formatLogLine, type LogLine } from "@updraft/worker";

interface TryLog {
  path: string;
  /** Opened on the first batch, so a try that never logs opens nothing. */
  fd: number | null;
  /** The file could not be written: later batches of the try are dropped. */
  broken: boolean;
}

/**
 * Appends the log lines of this thread's tries to their files, which the scheduler registered
 * (TaskHost.logFile) and the threads executor handed over with each try.
 *
 * `write` answers false for a try it holds no file for: the caller sends those lines to the host.
 * A file that cannot be written costs the try its remaining lines; the failing batch itself is
 * given back (false) so the host reports the file, once, as it does for its own writes.
 *
 * @example
 * files.expect(key, "/home/u/.updraft/logs/dag_id=d/run_id=r/task_id=t/attempt=1.log");
 * files.write(key, lines); // true: on disk when it returns
 * files.close(key);        // before the try's outcome is returned
 */
export class ThreadLogFiles {
  readonly #tries = new Map<string, TryLog>();

  /** The try `key` logs to `path` (null: it has no file here, its lines go to the host). */
  expect(key: string, path: string | null): void {
    if (path) this.#tries.set(key, { path, fd: null, broken: false });
  }

  /** Appends `lines` to the try's file; false if this thread holds no file for `key`. */
  write(key: string, lines: LogLine[]): boolean {
    const log = this.#tries.get(key);
    if (!log) return false;
    if (log.broken || lines.length === 0) return true;
    try {
      if (log.fd === null) {
        mkdirSync(dirname(log.path), { recursive: true });
        log.fd = openSync(log.path, "a");
      }
      const bytes = Buffer.from(lines.map(formatLogLine).join(""));
      let written = 0;
      while (written < bytes.length) written += writeSync(log.fd, bytes, written);
      return true;
    } catch {
      log.broken = true;
      this.#closeFd(log);
      return false;
    }
  }

  /** The try has ended: close its file. Later lines of the try go to the host (which drops them). */
  close(key: string): void {
    const log = this.#tries.get(key);
    if (!log) return;
    this.#tries.delete(key);
    this.#closeFd(log);
  }

  /** How many tries have a file open in this thread (for tests). */
  get openFiles(): number {
    let n = 0;
    for (const log of this.#tries.values()) if (log.fd !== null) n++;
    return n;
  }

  #closeFd(log: TryLog): void {
    if (log.fd === null) return;
    try {
      closeSync(log.fd);
    } catch {
      // already closed: nothing left to flush
    }
    log.fd = null;
  }
}
