// The TaskHost that a remote worker's tries see: each call becomes a `request` frame answered by a
// `response`. Calls outlive the socket: one still unanswered when the connection drops is sent
// again after the reconnect (every host call is idempotent; submit is keyed by key + seq).
import { connectionFromEnv, toTaskConnection, type Json } from "@updraft/sdk";
import { PROTOCOL_VERSION, submitResultSchema, type ConnectionData, type ErrorData, type LogLine, type SubmitRequest, type SubmitResult, type TaskHost } from "../protocol.ts";
import type { HostCall, ServerMessage, WorkerMessage } from "./messages.ts";

type Response = Extract<ServerMessage, { type: "response" }>;

interface Pending {
  request: HostCall;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/** What the host needs from the worker session around it. */
export interface SocketHostIo {
  /** Sends a frame when connected; false when it could not (it is sent again on reconnect). */
  send(message: WorkerMessage): boolean;
  /** Takes a try's log lines (batched and sent by the session). */
  log(key: string, lines: LogLine[]): void;
  /** A try began (+1) or stopped (-1) waiting on a submitted child: it holds no slot meanwhile. */
  secede(key: string, delta: 1 | -1): void;
  /** The largest frame the server takes: a call that would not fit fails here, naming it. Default: no limit. */
  maxFrameBytes?(): number;
}

/** An error the server returned for a host call, rebuilt with its name and stack. */
function remoteError(data: ErrorData): Error {
  const err = new Error(data.message);
  err.name = data.name;
  if (data.stack) err.stack = data.stack;
  return err;
}

/**
 * @example
 * const host = new SocketHost({ send: (m) => session.send(m), log, secede });
 * const runner = new ThreadsExecutor({ host });   // threads reach it through comlink
 * // on a `response` frame: host.answer(frame); after a reconnect: host.resend();
 */
export class SocketHost implements TaskHost {
  readonly #io: SocketHostIo;
  readonly #env: Record<string, string | undefined>;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  /** `env`: where UPDRAFT_CONN_<ID> connections of the worker's own machine are read (process.env). */
  constructor(io: SocketHostIo, env: Record<string, string | undefined> = process.env) {
    this.#io = io;
    this.#env = env;
  }

  /** Calls sent and not answered yet. */
  get outstanding(): number {
    return this.#pending.size;
  }

  xcomPull(q: { dagId: string; runId: string; taskId: string; key: string; mapIndex: number | null }): Promise<Json | undefined> {
    return this.#call({ call: "xcomPull", args: q }) as Promise<Json | undefined>;
  }

  variableGet(key: string): Promise<string | undefined> {
    return this.#call({ call: "variableGet", args: { key } }) as Promise<string | undefined>;
  }

  async variableSet(key: string, value: string): Promise<void> {
    await this.#call({ call: "variableSet", args: { key, value } });
  }

  /**
   * UPDRAFT_CONN_<ID> in the worker's environment first (as Airflow reads AIRFLOW_CONN_* where the
   * task runs), then the server, which looks in its own environment and then its database.
   */
  async connectionGet(connId: string): Promise<ConnectionData | undefined> {
    const fromEnv = connectionFromEnv(connId, this.#env);
    if (fromEnv) return toTaskConnection(connId, fromEnv);
    return this.#call({ call: "connectionGet", args: { connId } }) as Promise<ConnectionData | undefined>;
  }

  async submit(req: SubmitRequest): Promise<SubmitResult> {
    this.#io.secede(req.key, 1);
    try {
      const value = await this.#call({ call: "submit", args: req });
      const parsed = submitResultSchema.safeParse(value);
      if (!parsed.success) throw new Error(`the server answered submit #${req.seq} of ${req.key} with a malformed result: ${parsed.error.message}`);
      return parsed.data;
    } finally {
      this.#io.secede(req.key, -1);
    }
  }

  log(key: string, lines: LogLine[]): void {
    this.#io.log(key, lines);
  }

  /** Settles the call a `response` answers; false when no call has that id (answered before). */
  answer(response: Response): boolean {
    const pending = this.#pending.get(response.id);
    if (!pending) return false;
    this.#pending.delete(response.id);
    if (response.result.ok) pending.resolve(response.result.value);
    else pending.reject(remoteError(response.result.error));
    return true;
  }

  /** Sends every unanswered call again, in the order they were made (after a reconnect). */
  resend(): void {
    for (const [id, p] of this.#pending) this.#io.send({ v: PROTOCOL_VERSION, type: "request", id, request: p.request });
  }

  /** Fails every unanswered call (the worker stops for good). */
  rejectAll(reason: string): void {
    for (const p of this.#pending.values()) p.reject(new Error(reason));
    this.#pending.clear();
  }

  #call(request: HostCall): Promise<unknown> {
    const id = this.#nextId++;
    const limit = this.#io.maxFrameBytes?.() ?? Number.POSITIVE_INFINITY;
    if (Number.isFinite(limit)) {
      const bytes = Buffer.byteLength(JSON.stringify({ v: PROTOCOL_VERSION, type: "request", id, request }), "utf8");
      if (bytes > limit) return Promise.reject(new RangeError(`host call "${request.call}" is ${bytes} bytes, more than the ${limit} bytes a remote worker may send in one frame (derived from UPDRAFT_MAX_XCOM_BYTES on the server)`));
    }
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { request, resolve, reject });
      this.#io.send({ v: PROTOCOL_VERSION, type: "request", id, request });
    });
  }
}
