// Limits on what a client may send, checked before anything parses it: a request body larger
// than UPDRAFT_MAX_REQUEST_BYTES (default 1 MiB) answers 413 without being read past the limit,
// and a JSON body nested deeper than UPDRAFT_MAX_JSON_DEPTH (default 64) answers 400, before a
// recursive parse, validation or JSON.stringify could overflow the stack.
import type { MiddlewareHandler } from "hono";
import { byteLimitFromEnv } from "@updraft/store";
import { problem } from "./problem.ts";

export interface RequestLimits {
  /** The largest request body, in bytes (UPDRAFT_MAX_REQUEST_BYTES; default 1 MiB). */
  maxRequestBytes: number;
  /** The deepest nesting of arrays and objects in a JSON body (UPDRAFT_MAX_JSON_DEPTH; default 64). */
  maxJsonDepth: number;
}

export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
export const DEFAULT_MAX_JSON_DEPTH = 64;
/** How much of a body over the limit is read and dropped before the connection is closed instead. */
const DISCARD_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The limits from the environment, each defaulted; a setting that is not a whole number throws, naming it.
 * @example requestLimitsFromEnv({ UPDRAFT_MAX_REQUEST_BYTES: "65536" }) // { maxRequestBytes: 65536, maxJsonDepth: 64 }
 */
export function requestLimitsFromEnv(env: Record<string, string | undefined> = process.env): RequestLimits {
  return {
    maxRequestBytes: byteLimitFromEnv("UPDRAFT_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES, env),
    maxJsonDepth: byteLimitFromEnv("UPDRAFT_MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH, env),
  };
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests arrays and objects deeper than `max`, by one pass over its bytes that
 * skips strings (so a "[" inside a string does not count). Malformed text is left to the parser.
 * @example nestedDeeperThan(new TextEncoder().encode('{"a":[[1]]}'), 2) // true: three levels
 */
export function nestedDeeperThan(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return false;
}

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\b/i;

/**
 * The middleware that enforces the limits on every request with a body: the declared length is
 * checked first, then the body is read with a cap (a chunked body without a length cannot slip
 * past), and a JSON body's nesting is measured before any route parses it.
 */
export function limitRequests(limits: RequestLimits): MiddlewareHandler {
  const { maxRequestBytes: max, maxJsonDepth } = limits;
  const tooLarge = async (c: Parameters<MiddlewareHandler>[0], reader: ReadableStreamDefaultReader<Uint8Array>, size: number | null) => {
    const detail = `request body: ${size === null ? "" : `${size} bytes, `}more than the limit of ${max} bytes (UPDRAFT_MAX_REQUEST_BYTES)`;
    // The rest is read and dropped, kept nowhere, so the client reads the answer and may send its
    // next request on the same connection; past DISCARD_MAX_BYTES the connection closes instead
    // (RFC 9110 §15.5.14).
    let dropped = 0;
    for (;;) {
      const chunk = await reader.read().catch(() => null);
      if (!chunk || chunk.done) break;
      dropped += chunk.value.byteLength;
      if (dropped > DISCARD_MAX_BYTES) return problem(c, 413, detail, { connection: "close" });
    }
    return problem(c, 413, detail);
  };
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const reader = raw.body.getReader();
    const declared = raw.headers.get("content-length");
    if (declared !== null && !raw.headers.has("transfer-encoding")) {
      const n = Number(declared);
      if (Number.isFinite(n) && n > max) return tooLarge(c, reader, n);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch {
        // The client went away mid-body: there is no one to answer.
        return problem(c, 400, "request body: the connection closed before the body ended");
      }
      if (chunk.done) break;
      size += chunk.value.byteLength;
      if (size > max) return tooLarge(c, reader, null);
      chunks.push(chunk.value);
    }
    const body = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      body.set(chunk, at);
      at += chunk.byteLength;
    }
    if (JSON_TYPE.test(raw.headers.get("content-type") ?? "") && nestedDeeperThan(body, maxJsonDepth)) {
      return problem(c, 400, `request body: JSON nested deeper than ${maxJsonDepth} levels of arrays and objects (UPDRAFT_MAX_JSON_DEPTH)`);
    }
    c.req.raw = new Request(raw, { body });
    return next();
  };
}
