// The message catalog between the server and a remote worker, over one WebSocket. Every message is
// a JSON text frame `{ v, type, ... }`, validated with zod on receipt by both sides; a frame that
// fails validation is answered with a `protocol_error` and never acted on.
//
// Every try a worker holds is named by its key and the epoch of the scheduler lease it was
// dispatched under (the assignment's `epoch`); the worker echoes both in every message about it.
// The server takes a try's messages only under the current epoch: a try of an earlier scheduler
// (one that lost its lease) is refused at receipt, before anything of it is recorded.
//
// A session, in order:
//   worker → hello            (who it is, what it serves, what it still runs from an earlier connection)
//   server → welcome          (timings, the largest frame; which of the worker's reported tries to drop)
//   server → assign …         (tries to run; a worker may hold up to capacity + prefetch of them)
//   worker → started / log / result (each result is acked; unacked results are sent again after a reconnect)
//   worker → heartbeat        (every heartbeatMs; the server answers nothing, unless it refuses a try)
//   server → refused          (a try of another scheduler epoch: drop it, its result will never be taken)
//   worker → request          (a running task's call to the host: XCom, variables, connections, submit)
//   server → response
//   server → steal            (give back tries not yet started, for an idle worker) · worker → released
//   server → cancel           (abort a try) · server → drain (finish running tries, take no new ones)
//   worker → draining         (it drains, on SIGTERM or on request; the server assigns it nothing more)
import { z } from "zod";
import { PROTOCOL_VERSION, errorDataSchema, submitRequestSchema, taskAssignmentSchema, taskOutcomeSchema } from "../protocol.ts";

const v = z.literal(PROTOCOL_VERSION);
const logLineSchema = z.object({
  at: z.number(),
  level: z.enum(["debug", "info", "warn", "error"]),
  message: z.string(),
});

/** A try as a worker names it: its key and the scheduler epoch it was dispatched under. */
export const tryRefSchema = z.object({ key: z.string(), epoch: z.number().int().nonnegative() });
export type TryRef = z.infer<typeof tryRefSchema>;
const epoch = z.number().int().nonnegative();

/** The host calls a running task may make, by name, with their argument shapes. */
export const hostCallSchema = z.discriminatedUnion("call", [
  z.object({
    call: z.literal("xcomPull"),
    args: z.object({ dagId: z.string(), runId: z.string(), taskId: z.string(), key: z.string(), mapIndex: z.number().int().nullable() }),
  }),
  z.object({ call: z.literal("variableGet"), args: z.object({ key: z.string() }) }),
  z.object({ call: z.literal("variableSet"), args: z.object({ key: z.string(), value: z.string() }) }),
  z.object({ call: z.literal("connectionGet"), args: z.object({ connId: z.string() }) }),
  z.object({
    call: z.literal("submit"),
    args: submitRequestSchema,
  }),
]);
export type HostCall = z.infer<typeof hostCallSchema>;

/** Messages a worker sends. */
export const workerMessageSchema = z.discriminatedUnion("type", [
  z.object({
    v, type: z.literal("hello"),
    /** Stable for the life of the worker process: a reconnect with the same id resumes the session. */
    workerId: z.string().min(1).max(200),
    name: z.string().min(1).max(200),
    hostname: z.string(),
    pid: z.number().int(),
    /** Updraft's version on the worker. */
    version: z.string(),
    queues: z.array(z.string().min(1).max(200)).min(1).max(100),
    /** Tries it runs at once. */
    capacity: z.number().int().positive().max(4096),
    /** Tries it still runs, or finished without an ack yet, from an earlier connection. */
    running: z.array(tryRefSchema),
    draining: z.boolean(),
  }),
  z.object({ v, type: z.literal("started"), key: z.string(), epoch, at: z.number() }),
  z.object({ v, type: z.literal("log"), key: z.string(), epoch, lines: z.array(logLineSchema) }),
  z.object({ v, type: z.literal("result"), key: z.string(), epoch, outcome: taskOutcomeSchema, at: z.number() }),
  /** Every try it holds (pending, running, or finished without an ack). */
  z.object({ v, type: z.literal("heartbeat"), at: z.number(), running: z.array(tryRefSchema) }),
  z.object({ v, type: z.literal("request"), id: z.number().int(), request: hostCallSchema }),
  /** The answer to `steal`: the keys it gave back (never started; they are gone from the worker). */
  z.object({ v, type: z.literal("released"), keys: z.array(z.string()) }),
  z.object({ v, type: z.literal("draining") }),
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;

/** Messages the server sends. */
export const serverMessageSchema = z.discriminatedUnion("type", [
  z.object({
    v, type: z.literal("welcome"),
    heartbeatMs: z.number().int().positive(),
    /** A worker silent this long is lost: its tries are retried elsewhere. */
    timeoutMs: z.number().int().positive(),
    /** Tries the worker reported in hello that are no longer its own: cancel them, drop their results. */
    drop: z.array(z.string()),
    /** The largest frame the server takes (bytes); a larger one closes the connection (1009). */
    maxFrameBytes: z.number().int().positive(),
  }),
  /** A try to run; the server always sets the assignment's `epoch`, which the worker echoes (absent: 0). */
  z.object({ v, type: z.literal("assign"), assignment: taskAssignmentSchema }),
  /**
   * The try `key` under `epoch` will never be taken: it was dispatched by a scheduler whose lease
   * has gone to another (or this server's scheduler holds no lease it trusts now). The worker stops
   * it if it runs, and forgets it and its result; the current scheduler runs it again as it sees fit.
   */
  z.object({ v, type: z.literal("refused"), key: z.string(), epoch, reason: z.string() }),
  z.object({ v, type: z.literal("ack"), key: z.string() }),
  /**
   * The answer to `started`: the server has recorded the try as started, so the worker may run its
   * code. A worker runs no task code before it, so a try the server never saw start cannot have run,
   * and a worker killed in between leaves no try that both it and another worker ran.
   */
  z.object({ v, type: z.literal("go"), key: z.string() }),
  z.object({ v, type: z.literal("cancel"), key: z.string(), reason: z.string() }),
  z.object({ v, type: z.literal("steal"), keys: z.array(z.string()) }),
  z.object({ v, type: z.literal("drain") }),
  z.object({
    v, type: z.literal("response"), id: z.number().int(),
    result: z.discriminatedUnion("ok", [
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({ ok: z.literal(false), error: errorDataSchema }),
    ]),
  }),
  z.object({ v, type: z.literal("protocol_error"), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Close codes the server uses, beside the standard ones. */
export const CloseCode = {
  /** The hello was malformed or spoke another protocol version: reconnecting will not help. */
  protocol: 4400,
  /** The token the worker connected with was revoked or expired: reconnecting with it will not help. */
  unauthorized: 4401,
  /** The worker was silent past the time-out and is lost: its tries run elsewhere; it may connect anew. */
  lost: 4408,
  /** Another connection took over this worker id. */
  replaced: 4409,
  /** The server is shutting down: reconnect with back-off. */
  shutdown: 1001,
} as const;

/** The path of the worker WebSocket endpoint and of bundle downloads, under the server's base URL. */
export const WORKER_SOCKET_PATH = "/api/updraft/workers/connect";
export const bundlePath = (hash: string): string => `/api/updraft/bundles/${encodeURIComponent(hash)}`;

/**
 * Parses a frame; returns the message or an error text naming what was wrong.
 * @example parseFrame(workerMessageSchema, '{"v":3,"type":"draining"}') // { ok: true, message: {...} }
 */
export function parseFrame<T>(schema: z.ZodType<T>, data: string): { ok: true; message: T } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const version = (raw as { v?: unknown } | null)?.v;
  if (version !== undefined && version !== PROTOCOL_VERSION) {
    return { ok: false, error: `protocol version ${JSON.stringify(version)} is not supported (this side speaks ${PROTOCOL_VERSION})` };
  }
  return { ok: false, error: z.prettifyError(parsed.error) };
}
