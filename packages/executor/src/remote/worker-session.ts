// One connection of a remote worker, from the executor's side: every frame is validated against
// the message catalog; the first must be a valid `hello` (otherwise a `protocol_error` and close
// 4400, since reconnecting will not help); after it, a malformed frame is answered with a
// `protocol_error` and never acted on. Frames of a connection that another one replaced, or that
// belongs to a worker declared lost, are ignored.
import { CloseCode, PROTOCOL_VERSION, parseFrame, workerMessageSchema, type WorkerMessage } from "@updraft/worker";
import type { RemoteWorker } from "./members.ts";
import type { PeerInfo, WorkerLink, WorkerSession } from "./types.ts";

export type Hello = Extract<WorkerMessage, { type: "hello" }>;
export type SessionMessage = Exclude<WorkerMessage, { type: "hello" }>;

/** What a session hands to the executor. */
export interface SessionHandler {
  /** A valid hello: the worker registered or resumed, or null when the executor refuses it (it closed the link). */
  hello(hello: Hello, link: WorkerLink, peer: PeerInfo): RemoteWorker | null;
  /** A valid message of the worker's current connection. */
  message(worker: RemoteWorker, message: SessionMessage): void;
  /** The worker's current connection closed. */
  closed(worker: RemoteWorker, code: number | undefined): void;
}

/** How long a new connection has to send its hello. */
export const HELLO_TIMEOUT_MS = 10_000;

/** A close reason is at most 123 bytes. */
const reason = (text: string) => (Buffer.byteLength(text) <= 123 ? text : `${Buffer.from(text).subarray(0, 120).toString("utf8").replace(/\uFFFD+$/, "")}...`);

/**
 * @example
 * const session = openSession(handler, link, { address: "10.0.0.7" });
 * ws.on("message", (d) => session.receive(String(d)));
 * ws.on("close", (code) => session.closed(code));
 */
export function openSession(handler: SessionHandler, link: WorkerLink, peer: PeerInfo, helloTimeoutMs = HELLO_TIMEOUT_MS): WorkerSession {
  let worker: RemoteWorker | null = null;
  let generation = -1;
  let ended = false;
  // A connection that never says hello holds a socket for nothing: it is closed.
  const helloTimer = setTimeout(() => {
    if (!worker && !ended) refuse(`no hello within ${helloTimeoutMs}ms`);
  }, helloTimeoutMs);
  helloTimer.unref();
  const current = () => worker !== null && worker.generation === generation && worker.link === link;
  const refuse = (message: string) => {
    link.send({ v: PROTOCOL_VERSION, type: "protocol_error", message });
    ended = true;
    link.close(CloseCode.protocol, reason(message));
  };

  return {
    receive(text: string): void {
      if (ended) return;
      const parsed = parseFrame(workerMessageSchema, text);
      if (!worker) {
        clearTimeout(helloTimer);
        if (!parsed.ok) return refuse(`the first message must be a valid hello: ${parsed.error}`);
        if (parsed.message.type !== "hello") return refuse(`the first message must be hello, got "${parsed.message.type}"`);
        worker = handler.hello(parsed.message, link, peer);
        if (!worker) ended = true;
        else generation = worker.generation;
        return;
      }
      if (!current()) return;
      if (!parsed.ok) {
        link.send({ v: PROTOCOL_VERSION, type: "protocol_error", message: parsed.error });
        return;
      }
      if (parsed.message.type === "hello") {
        link.send({ v: PROTOCOL_VERSION, type: "protocol_error", message: "hello was already received on this connection" });
        return;
      }
      handler.message(worker, parsed.message);
    },
    closed(code?: number): void {
      clearTimeout(helloTimer);
      const wasCurrent = current();
      ended = true;
      if (worker && wasCurrent) handler.closed(worker, code);
    },
  };
}
