// How a try's log line is stored on disk, shared by every writer of log files: the scheduler's
// main thread (sequential executor, remote workers, its own lines) and the threads executor's
// worker threads, which append to the try's file themselves.
import type { LogLine } from "./protocol.ts";

/**
 * One log line as stored: `[ISO time] LEVEL - message`, with its newline.
 * @example formatLogLine({ at: 0, level: "info", message: "hi" }) // "[1970-01-01T00:00:00.000Z] INFO - hi\n"
 */
export function formatLogLine(line: LogLine): string {
  return `[${new Date(line.at).toISOString()}] ${line.level.toUpperCase()} - ${line.message}\n`;
}
