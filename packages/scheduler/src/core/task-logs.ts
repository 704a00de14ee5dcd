// Task logs on disk, one file per try in Airflow's layout:
// <home>/logs/dag_id=D/run_id=R/task_id=T[/map_index=M]/attempt=N.log
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { createHash } from "node:crypto";
import type { LogLine } from "@updraft/worker";

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

/** One log line as stored: `[ISO time] LEVEL - message`. */
export function formatLogLine(line: LogLine): string {
  return `[${new Date(line.at).toISOString()}] ${line.level.toUpperCase()} - ${line.message}\n`;
}

interface OpenLog {
  stream: WriteStream | null;
  buffer: string[];
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Appends log lines to each try's file, opening it on the first line and closing it when the
 * try ends or falls idle. A file that cannot be written is reported once and skipped.
 * @example logs.register(key, taskLogPath(home, ti)); logs.append(key, lines); logs.release(key);
 */
export class TaskLogWriter {
  private readonly paths = new Map<string, string>();
  private readonly open = new Map<string, OpenLog>();

  /** Says where the log of the try `key` goes; called when the try is handed to an executor. */
  register(key: string, path: string): void {
    this.paths.set(key, path);
  }

  append(key: string, lines: LogLine[]): void {
    const path = this.paths.get(key);
    if (!path || lines.length === 0) return;
    let log = this.open.get(key);
    if (!log) {
      const created: OpenLog = { stream: null, buffer: [], timer: null };
      log = created;
      this.open.set(key, created);
      mkdir(dirname(path), { recursive: true }).then(
        () => {
          created.stream = createWriteStream(path, { flags: "a" });
          created.stream.on("error", (err) => this.lost(path, err));
          if (created.buffer.length) created.stream.write(created.buffer.splice(0).join(""));
        },
        (err: unknown) => {
          // A log that cannot be written must not take the scheduler down: say so once, drop it.
          this.lost(path, err);
          created.buffer = [];
          created.stream = null;
          this.open.delete(key);
          this.paths.delete(key);
        },
      );
    }
    const text = lines.map(formatLogLine).join("");
    if (log.stream) log.stream.write(text);
    else log.buffer.push(text);
    if (log.timer) clearTimeout(log.timer);
    log.timer = setTimeout(() => this.close(key), IDLE_CLOSE_MS);
    log.timer.unref();
  }

  private readonly warned = new Set<string>();

  private lost(path: string, err: unknown): void {
    if (this.warned.has(path)) return;
    this.warned.add(path);
    console.error(`updraft: task log ${path} cannot be written: ${(err as Error).message}`);
  }

  /** The try ended: close its file once written, and forget it. */
  release(key: string): void {
    this.paths.delete(key);
    this.close(key);
  }

  /** Closes the file (after an idle spell, or at release); a later line of the try opens it again. */
  private close(key: string): void {
    const log = this.open.get(key);
    if (!log) return;
    if (!log.stream) {
      // Still opening: try again shortly.
      log.timer = setTimeout(() => this.close(key), 100);
      log.timer.unref();
      return;
    }
    if (log.timer) clearTimeout(log.timer);
    this.open.delete(key);
    log.stream.end();
  }

  async closeAll(): Promise<void> {
    const ends = [...this.open.values()].map((log) => {
      if (log.timer) clearTimeout(log.timer);
      return new Promise<void>((resolve) => (log.stream ? log.stream.end(resolve) : resolve()));
    });
    this.open.clear();
    await Promise.all(ends);
  }
}
