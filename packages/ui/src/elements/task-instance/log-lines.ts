// A try's log as lines, built up chunk by chunk as the log is tailed: each line's text and level
// (parsed from Updraft's `[ISO time] LEVEL - message` format; a continuation line of a multi-line
// message, such as a stack trace, takes the level of the line it continues), the lines a level
// filter keeps, and the lines a search matches. Arrays only, so 100,000 lines stay cheap.

/** Log levels as the scheduler writes them, in order of severity. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const LEVEL_CODE: Record<string, number> = { DEBUG: 0, INFO: 1, WARN: 2, WARNING: 2, ERROR: 3, CRITICAL: 3 };
const PREFIX = /^\[(\d{4}-\d{2}-\d{2}T[^\]]*)\] ([A-Z]+) - /;

/** A line split into its parts for display; `time` and `level` are null for a continuation line. */
export interface LogLineParts {
  time: string | null;
  level: LogLevel | null;
  message: string;
}

/**
 * The parts of one line of a task log.
 * @example splitLine("[2026-03-01T00:00:01.000Z] INFO - started") // { time: "2026-03-01T00:00:01.000Z", level: "info", message: "started" }
 */
export function splitLine(text: string): LogLineParts {
  const m = PREFIX.exec(text);
  if (!m) return { time: null, level: null, message: text };
  const code = LEVEL_CODE[m[2]!];
  return { time: m[1]!, level: code === undefined ? null : LOG_LEVELS[code]!, message: text.slice(m[0].length) };
}

/**
 * The lines of one log, appended to as chunks arrive.
 * @example const log = new LogLines(); log.append("[…] INFO - a\n"); log.filter(new Set(["info"]))
 */
export class LogLines {
  /** Each line's text, without its newline. */
  readonly text: string[] = [];
  /** Each line's level as an index into LOG_LEVELS. */
  readonly level: number[] = [];
  #partial = "";
  #lastLevel = 1;

  get length(): number {
    return this.text.length;
  }

  /** Adds a chunk of the log; a line without its newline yet waits for the next chunk (or `end`). */
  append(chunk: string): number {
    if (!chunk) return 0;
    const parts = (this.#partial + chunk).split("\n");
    this.#partial = parts.pop() ?? "";
    for (const line of parts) this.#push(line.endsWith("\r") ? line.slice(0, -1) : line);
    return parts.length;
  }

  /** The log is complete: a last line without a newline becomes a line. */
  end(): void {
    if (this.#partial) this.#push(this.#partial);
    this.#partial = "";
  }

  #push(line: string): void {
    const m = PREFIX.exec(line);
    if (m) this.#lastLevel = LEVEL_CODE[m[2]!] ?? 1;
    this.text.push(line);
    this.level.push(this.#lastLevel);
  }

  /** Counts of lines per level. */
  counts(): Record<LogLevel, number> {
    const out = { debug: 0, info: 0, warn: 0, error: 0 };
    for (const l of this.level) out[LOG_LEVELS[l]!]++;
    return out;
  }

  /** Indexes of the lines whose level is in `levels`, from line `from` on (to extend a previous result). */
  filter(levels: ReadonlySet<LogLevel>, from = 0): number[] {
    const keep = LOG_LEVELS.map((l) => levels.has(l));
    const out: number[] = [];
    for (let i = from; i < this.level.length; i++) if (keep[this.level[i]!]) out.push(i);
    return out;
  }

  /** Of the lines `among`, the indexes whose text contains `query` (case-insensitive). */
  search(query: string, among: readonly number[]): number[] {
    if (!query) return [];
    const q = query.toLowerCase();
    const out: number[] = [];
    for (const i of among) if (this.text[i]!.toLowerCase().includes(q)) out.push(i);
    return out;
  }

  /** The whole log as text (for a download). */
  toString(): string {
    return this.text.join("\n") + (this.text.length ? "\n" : "") + this.#partial;
  }
}

/**
 * `text` cut around each case-insensitive occurrence of `query`: even entries are plain, odd ones
 * are matches.
 * @example splitMatches("a Foo b foo", "foo") // ["a ", "Foo", " b ", "foo", ""]
 */
export function splitMatches(text: string, query: string): string[] {
  if (!query) return [text];
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  const out: string[] = [];
  let at = 0;
  for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, i + q.length)) {
    out.push(text.slice(at, i), text.slice(i, i + q.length));
    at = i + q.length;
  }
  out.push(text.slice(at));
  return out;
}
