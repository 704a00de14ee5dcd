// Log lines of running tries waiting to be sent: batched while connected, held while the socket
// is down. Bounded in bytes: past the bound the oldest lines go, and the try's next batch starts
// with a line saying how many were lost, so a long cut cannot exhaust the worker's memory.
import type { LogLine } from "../protocol.ts";

interface Entry {
  key: string;
  line: LogLine;
  bytes: number;
}

/** A batch for one try, in order: one `log` frame. */
export interface LogBatch {
  key: string;
  lines: LogLine[];
}

/**
 * @example
 * const buf = new LogBuffer(4 * 1024 * 1024);
 * buf.push("k", [{ at: Date.now(), level: "info", message: "hi" }]);
 * for (const batch of buf.takeAll()) send({ v: 1, type: "log", ...batch });
 */
export class LogBuffer {
  readonly #maxBytes: number;
  #entries: Entry[] = [];
  #head = 0;
  #bytes = 0;
  /** Lines dropped per try since its last batch went out. */
  readonly #dropped = new Map<string, number>();

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes held (message text plus a small overhead per line). */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.length - this.#head;
  }

  push(key: string, lines: LogLine[]): void {
    for (const line of lines) {
      const bytes = line.message.length + 64;
      this.#entries.push({ key, line, bytes });
      this.#bytes += bytes;
    }
    while (this.#bytes > this.#maxBytes && this.size > 0) {
      const oldest = this.#entries[this.#head++]!;
      this.#bytes -= oldest.bytes;
      this.#dropped.set(oldest.key, (this.#dropped.get(oldest.key) ?? 0) + 1);
    }
    this.#compact();
  }

  /** Everything held, grouped by try (each try's lines in order), and empties the buffer. */
  takeAll(): LogBatch[] {
    return this.#take(() => true);
  }

  /** The lines of one try, and removes them. */
  take(key: string): LogBatch[] {
    return this.#take((k) => k === key);
  }

  /** Forgets a try's lines (a try the server dropped). */
  discard(key: string): void {
    this.#take((k) => k === key);
  }

  #take(match: (key: string) => boolean): LogBatch[] {
    const batches = new Map<string, LogLine[]>();
    const kept: Entry[] = [];
    for (let i = this.#head; i < this.#entries.length; i++) {
      const e = this.#entries[i]!;
      if (!match(e.key)) {
        kept.push(e);
        continue;
      }
      this.#bytes -= e.bytes;
      let lines = batches.get(e.key);
      if (!lines) {
        lines = [];
        const lost = this.#dropped.get(e.key);
        if (lost) {
          lines.push({ at: e.line.at, level: "warn", message: `[updraft worker] ${lost} log line(s) dropped while the worker could not reach the server` });
          this.#dropped.delete(e.key);
        }
        batches.set(e.key, lines);
      }
      lines.push(e.line);
    }
    this.#entries = kept;
    this.#head = 0;
    for (const [key, lost] of this.#dropped) {
      if (!match(key) || batches.has(key)) continue;
      // Every line of the try was dropped: the marker alone still tells the reader.
      batches.set(key, [{ at: Date.now(), level: "warn", message: `[updraft worker] ${lost} log line(s) dropped while the worker could not reach the server` }]);
      this.#dropped.delete(key);
    }
    return [...batches].map(([key, lines]) => ({ key, lines }));
  }

  /** Drops the consumed head of the array now and then, so pushes stay amortised O(1). */
  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
