// Reading a try's log file for the logs route: a chunk from a byte position (JSON answers, with a
// continuation token saying where to go on), the whole rest as a stream (text/plain, or JSON for
// `full_content=true`), and which of the two the client asked for. A try that has not written its log yet reads as empty.
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { Readable } from "node:stream";

/** At most this much log per JSON answer unless `full_content` is set; the token continues it. */
export const LOG_CHUNK_BYTES = 1024 * 1024;

export interface LogChunk {
  content: string;
  /** Where the next chunk starts (a byte offset). */
  pos: number;
  /** Whether `pos` is the end of the file as it is now. */
  atEnd: boolean;
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException | null)?.code === "ENOENT";

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

/** Where to cut `buf` so the chunk ends on a whole line, or failing that on a whole UTF-8 character. */
function cutPoint(buf: Buffer): number {
  const newline = buf.lastIndexOf(0x0a);
  if (newline >= 0) return newline + 1;
  // Find the lead byte of the last character (continuation bytes are 10xxxxxx) and keep that
  // character only if all of its bytes are here.
  let lead = buf.length - 1;
  while (lead > 0 && (buf[lead]! & 0xc0) === 0x80) lead--;
  const first = buf[lead]!;
  const width = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  const end = buf.length - lead >= width ? buf.length : lead;
  return end > 0 ? end : buf.length;
}

/**
 * Up to `maxBytes` of the log from byte `from` (all of it when `maxBytes` is null).
 * @example const { content, pos } = await readLogChunk(path, 0, LOG_CHUNK_BYTES);
 */
export async function readLogChunk(path: string, from: number, maxBytes: number | null): Promise<LogChunk> {
  const size = await sizeOf(path);
  if (size == null) return { content: "", pos: 0, atEnd: true };
  const start = Math.min(from, size);
  const end = maxBytes == null ? size : Math.min(size, start + maxBytes);
  if (end <= start) return { content: "", pos: start, atEnd: true };
  const file = await open(path, "r");
  try {
    const buf = Buffer.alloc(end - start);
    const { bytesRead } = await file.read(buf, 0, buf.length, start);
    let data = buf.subarray(0, bytesRead);
    if (start + bytesRead < size) data = data.subarray(0, cutPoint(data));
    return { content: data.toString("utf8"), pos: start + data.length, atEnd: start + data.length >= size };
  } finally {
    await file.close();
  }
}

/** The log from byte `from` to its end, streamed; an empty body when there is no file yet. */
export async function streamLog(path: string, from: number): Promise<ReadableStream<Uint8Array> | string> {
  const size = await sizeOf(path);
  if (size == null || from >= size) return "";
  return Readable.toWeb(createReadStream(path, { start: from })) as unknown as ReadableStream<Uint8Array>;
}

/**
 * The JSON answer `{"content": <the log from byte from>, "continuation_token": …}` as a stream: the
 * file is read and escaped a piece at a time, never held whole (a log of gigabytes costs this
 * process a few kilobytes). The log is read up to its size when the request came; the token says
 * where that was and, with `ended`, whether the log is complete.
 */
export async function streamLogJson(path: string, from: number, ended: boolean): Promise<ReadableStream<Uint8Array>> {
  const size = (await sizeOf(path)) ?? 0;
  const start = Math.min(from, size);
  const token = encodeLogToken({ log_pos: size, end_of_log: ended });
  const tail = `","continuation_token":${JSON.stringify(token)}}`;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8");
  const escape = (text: string) => encoder.encode(JSON.stringify(text).slice(1, -1));
  const file = size > start ? createReadStream(path, { start, end: size - 1, highWaterMark: 64 * 1024 }) : null;
  const chunks = file?.[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode('{"content":"'));
    },
    async pull(controller) {
      const next = chunks ? await chunks.next() : { done: true as const, value: undefined };
      if (next.done) {
        const rest = decoder.decode();
        if (rest) controller.enqueue(escape(rest));
        controller.enqueue(encoder.encode(tail));
        controller.close();
        return;
      }
      // A UTF-8 character split between two reads is held back until its last byte comes.
      const text = decoder.decode(next.value as Buffer, { stream: true });
      if (text) controller.enqueue(escape(text));
    },
    cancel() {
      file?.destroy();
    },
  }, { highWaterMark: 0 });
}

export interface LogToken {
  log_pos: number;
  end_of_log: boolean;
}

/** Airflow's continuation token is opaque to clients; ours is base64url JSON of the same metadata. */
export const encodeLogToken = (t: LogToken): string => Buffer.from(JSON.stringify(t), "utf8").toString("base64url");

export function decodeLogToken(token: string): LogToken | null {
  try {
    const t = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<LogToken> | null;
    if (!t || typeof t.log_pos !== "number" || !Number.isSafeInteger(t.log_pos) || t.log_pos < 0) return null;
    return { log_pos: t.log_pos, end_of_log: t.end_of_log === true };
  } catch {
    return null;
  }
}

/**
 * Whether the Accept header asks for text/plain over JSON: explicitly (`text/plain` or `text/*`)
 * and with a higher quality, or an equal one listed first. `*` alone, or no header, means JSON.
 */
export function wantsText(accept: string | undefined): boolean {
  let text = { q: 0, at: Infinity };
  let json = { q: 0, at: Infinity };
  (accept ?? "").split(",").forEach((part, at) => {
    const [type = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) return;
    if ((type === "text/plain" || type === "text/*") && q > text.q) text = { q, at };
    if ((type === "application/json" || type === "application/*") && q > json.q) json = { q, at };
  });
  return text.q > 0 && (text.q > json.q || (text.q === json.q && text.at < json.at));
}
