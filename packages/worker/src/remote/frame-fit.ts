// Keeping a worker's frames within the largest frame the server takes (`welcome.maxFrameBytes`,
// derived from UPDRAFT_MAX_XCOM_BYTES): the server closes the connection on a larger one, and a
// worker that sent it again after every reconnect would never get through. Pure functions.
import type { LogLine, TaskOutcome } from "../protocol.ts";

/** Room left in a frame for its envelope (type, key, epoch, the JSON around the lines). */
const ENVELOPE_BYTES = 4096;

const lineBytes = (line: LogLine): number => Buffer.byteLength(JSON.stringify(line), "utf8");

/**
 * Splits a try's log lines into groups that each fit in one frame of `maxFrameBytes`, in order;
 * a line that alone would not fit is cut, saying so at its end.
 * @example fitLogLines(lines, 5 * 1024 * 1024) // [lines] when they fit in one frame
 */
export function fitLogLines(lines: LogLine[], maxFrameBytes: number): LogLine[][] {
  const room = Math.max(1024, maxFrameBytes - ENVELOPE_BYTES);
  const groups: LogLine[][] = [];
  let group: LogLine[] = [];
  let used = 0;
  for (let line of lines) {
    let bytes = lineBytes(line);
    if (bytes > room) {
      // JSON may spend up to 6 bytes on one character (\u0000); keep what surely fits.
      const keep = Math.floor((room - 256) / 6);
      const cut = line.message.length - keep;
      line = { ...line, message: `${line.message.slice(0, keep)} [updraft worker: ${cut} more characters cut; a frame to the server holds at most ${maxFrameBytes} bytes]` };
      bytes = lineBytes(line);
    }
    if (used + bytes + 1 > room && group.length > 0) {
      groups.push(group);
      group = [];
      used = 0;
    }
    group.push(line);
    used += bytes + 1;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * The outcome sent instead of a result whose frame would be larger than the server takes: the
 * try fails (retryable, as a thread's try whose XCom is over the limit), naming the sizes.
 * @example oversizedResult("d/r/t/-1/1", 9e6, 5242880).error.message // 'try "d/r/t/-1/1": its result is 9000000 bytes …'
 */
export function oversizedResult(key: string, bytes: number, maxFrameBytes: number): Extract<TaskOutcome, { status: "failed" }> {
  return {
    status: "failed", retryable: true,
    error: {
      name: "RangeError",
      message: `try "${key}": its result is ${bytes} bytes with its XComs, more than the ${maxFrameBytes} bytes a remote worker may send in one frame (derived from UPDRAFT_MAX_XCOM_BYTES on the server); store large data elsewhere and pass a reference`,
    },
  };
}

/** Whether a frame's text fits. */
export const fits = (text: string, maxFrameBytes: number): boolean => Buffer.byteLength(text, "utf8") <= maxFrameBytes;
