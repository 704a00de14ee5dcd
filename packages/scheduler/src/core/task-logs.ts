// Task logs on disk, one file per try in Airflow's layout:
// <home>/logs/dag_id=D/run_id=R/task_id=T[/map_index=M]/attempt=N.log
// Lines are written synchronously as they arrive: they reach the scheduler before the try's
// outcome does, so a try's log is complete on disk before its end is committed, and a client that
// sees the state change (a CI job fetching the failed task's log) reads every line. A write is one
// syscall on a file kept open while the try logs; lines come batched from the runtime.
// Tries run by the threads executor are the exception: their thread appends to the file itself
// (`pathOf`, executor/src/threads/thread-log-files.ts), under the same rule — the thread closes
// the file before it returns the outcome — so a flood of lines never reaches the main thread.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createHash } from "node:crypto";
import { formatLogLine, type LogLine } from "@updraft/worker";

export { formatLogLine };

/** A try silent this long has its file closed until its next line. */
export const IDLE_CLOSE_MS = 2_000;

/** Where the log of one try is written, in Airflow's layout under `<home>/logs`. */
export function taskLogPath(home: string, t: { dagId: string; runId: string; taskId: string; mapIndex: number; tryNumber: number }): string {
  // Path components stay under file systems' 255-byte limit: a long id keeps its start and a hash.
  const safe = (s: string) => {
    const clean = s.replace(/[/\\]/g, "_");
    return clean.length <= 200 ? clean : `${clean.slice(0, 180)}~${createHash("sha256").update(clean).digest("hex").slice(0, 16)}`;
  };
  return join(
    resolve(home), "logs", `dag_id=${safe(t.dagId)}`, `run_id=${safe(t.runId)}`, `task_id=${safe(t.taskId)}`,
    ...(t.mapIndex >= 0 ? [`map_index=${t.mapIndex}`] : []), `attempt=${t.tryNumber}.log`,
  );
}


interface OpenLog {
  fd: number;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Appends log lines to each try's file, opening it on the first line and closing it when the
 * try ends or falls idle. A file that cannot be written is reported once and skipped.
 * @example logs.register(key, taskLogPath(home, ti)); logs.append(key, lines); logs.release(key);
 */
export class TaskLogWriter {
  private readonly paths = new Map<string, string>();
  private readonly open = new Map<string, OpenLog>();
  private readonly warned = new Set<string>();

  /** Says where the log of the try `key` goes; called when the try is handed to an executor. */
  register(key: string, path: string): void {
    this.paths.set(key, path);
  }

  /** The file registered for try `key`, while it runs; null once released or if never registered. */
  pathOf(key: string): string | null {
    return this.paths.get(key) ?? null;
  }

  append(key: string, lines: LogLine[]): void {
    const path = this.paths.get(key);
    if (!path || lines.length === 0) return;
    let log = this.open.get(key);
    try {
      if (!log) {
        mkdirSync(dirname(path), { recursive: true });
        log = { fd: openSync(path, "a"), timer: setTimeout(() => this.close(key), IDLE_CLOSE_MS) };
        this.open.set(key, log);
      } else {
        log.timer.refresh();
      }
      log.timer.unref();
      writeSync(log.fd, lines.map(formatLogLine).join(""));
    } catch (err) {
      // A log that cannot be written must not take the scheduler down: say so once, drop it.
      this.lost(path, err);
      this.close(key);
      this.paths.delete(key);
    }
  }

  private lost(path: string, err: unknown): void {
    if (this.warned.has(path)) return;
    this.warned.add(path);
    console.error(`updraft: task log ${path} cannot be written: ${(err as Error).message}`);
  }

  /** The try ended: close its file and forget it; later lines of that try are dropped. */
  release(key: string): void {
    this.paths.delete(key);
    this.close(key);
  }

  /** Closes the file (after an idle spell, or at release); a later line of the try opens it again. */
  private close(key: string): void {
    const log = this.open.get(key);
    if (!log) return;
    clearTimeout(log.timer);
    this.open.delete(key);
    try {
      closeSync(log.fd);
    } catch {
      // already closed or gone: nothing left to flush
    }
  }

  /** Closes every open file (the scheduler stops). */
  closeAll(): Promise<void> {
    for (const key of [...this.open.keys()]) this.close(key);
    return Promise.resolve();
  }
}
