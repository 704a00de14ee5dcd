// The messages between the scheduler (or server) and whatever runs a task: a thread of the
// scheduler's machine or a remote worker. Versioned, and validated with zod on receipt.
import { z } from "zod";
import type { Connection, ErrorData, Json } from "@updraft/sdk";

/**
 * The version of the remote worker socket's frames (remote/messages.ts). 2: every message about a
 * try carries the epoch of the scheduler lease it was dispatched under, and the server may refuse
 * a try (`refused`). 3: a worker runs a try's code only after the server answers its `started`
 * with `go`. A worker of an earlier version is refused at its hello.
 */
export const PROTOCOL_VERSION = 3;
/** The version of a task assignment (unchanged since 1; `epoch` was added as an optional field). */
export const ASSIGNMENT_VERSION = 1;

const json: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]),
);

export const errorDataSchema = z.object({ name: z.string(), message: z.string(), stack: z.string().optional() });

/** Everything a runtime needs to run one try of one task instance. */
export const taskAssignmentSchema = z.object({
  v: z.literal(ASSIGNMENT_VERSION),
  /** Unique per try: `dagId/runId/taskId/mapIndex/tryNumber`. */
  key: z.string(),
  /**
   * The epoch of the scheduler lease it was dispatched under (scheduler-job.ts); absent or 0 from
   * a scheduler that holds no lease (`dags test`). With the key it names the try across scheduler
   * take-overs: a remote result under another epoch than the current one is refused.
   */
  epoch: z.number().int().nonnegative().optional(),
  dagId: z.string(),
  runId: z.string(),
  taskId: z.string(),
  mapIndex: z.number().int(),
  tryNumber: z.number().int().positive(),
  bundle: z.object({
    hash: z.string(),
    /** A local file with the bundle's code, when the runtime shares a disk with the scheduler. */
    path: z.string().nullable(),
  }),
  /** The task's arguments after `ctx`, already resolved from XCom. */
  args: z.array(json),
  logicalDate: z.string(),
  dataIntervalStart: z.string(),
  dataIntervalEnd: z.string(),
  /** The DAG's params with the run's conf applied. */
  params: z.record(z.string(), json),
  conf: z.record(z.string(), json),
  runType: z.string(),
  queue: z.string(),
  executionTimeoutMs: z.number().nullable(),
  /** For sensors in reschedule mode: when the first poke started (ms since epoch). */
  sensorStartedAt: z.number().nullable(),
});
export type TaskAssignment = z.infer<typeof taskAssignmentSchema>;

/** How one try ended. */
export const taskOutcomeSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("success"),
    /** The function's return value (`return_value` XCom); absent when it returned undefined. */
    value: json.optional(),
    /** Other XComs pushed with `ctx.xcom.push`, written with the success. */
    pushed: z.record(z.string(), json),
  }),
  z.object({ status: z.literal("skipped"), reason: z.string(), pushed: z.record(z.string(), json) }),
  z.object({
    status: z.literal("failed"),
    error: errorDataSchema,
    /** False for FailTask and for sensor time-outs: no retry is attempted. */
    retryable: z.boolean(),
  }),
  /** A sensor in reschedule mode that is not done yet: poke again at `nextPokeAt` (ms since epoch). */
  z.object({ status: z.literal("reschedule"), nextPokeAt: z.number(), sensorStartedAt: z.number() }),
]);
export type TaskOutcome = z.infer<typeof taskOutcomeSchema>;

export interface LogLine {
  /** ms since epoch */
  at: number;
  level: "debug" | "info" | "warn" | "error";
  message: string;
}

/** A child task started with `ctx.submit` from inside a running try. */
export const submitRequestSchema = z.object({
  /** The parent try's assignment key. */
  key: z.string(),
  /**
   * The call's position among this try's submits, from 0. With the parent's task instance it names
   * the child, so a request sent twice (after a reconnect) or made again by a later try of the
   * parent finds the same child instead of starting another.
   */
  seq: z.number().int().nonnegative(),
  /** The id of the task definition to run (declared in the parent's DAG file). */
  taskId: z.string(),
  args: z.array(json),
});
export type SubmitRequest = z.infer<typeof submitRequestSchema>;

/** How a submitted child ended, as its parent's promise sees it. */
export const submitResultSchema = z.discriminatedUnion("ok", [
  /** The child succeeded (`value` absent when it returned undefined) or was skipped (`skipped`). */
  z.object({ ok: z.literal(true), value: json.optional(), skipped: z.boolean().optional() }),
  /** The child failed after its retries, or could not be started; the parent's await rejects with this. */
  z.object({ ok: z.literal(false), error: errorDataSchema }),
]);
export type SubmitResult = z.infer<typeof submitResultSchema>;

/**
 * How a child that ran as one try ended, as its parent's await sees it: its value, a skip, or a
 * ChildTaskFailed naming `child` (e.g. `task "fetch" [0]`) and why. A sensor that asked to be
 * poked again is not done, which a runner that does not wait for pokes reports as a failure.
 */
export function submitResultOf(child: string, outcome: TaskOutcome): SubmitResult {
  switch (outcome.status) {
    case "success":
      return { ok: true, ...(outcome.value === undefined ? {} : { value: outcome.value }) };
    case "skipped":
      return { ok: true, skipped: true };
    case "failed":
      return { ok: false, error: { name: "ChildTaskFailed", message: `${child} ended failed: ${outcome.error.name}: ${outcome.error.message}` } };
    case "reschedule":
      return { ok: false, error: { name: "ChildTaskFailed", message: `${child} is a sensor that is not done; this runner does not wait for its next poke` } };
    default:
      return outcome satisfies never;
  }
}

/** A connection as the host returns it: the SDK's `Connection`. */
export type ConnectionData = Connection;

/**
 * What a running task may ask of the scheduler's side. In a thread it is a comlink proxy to the
 * scheduler's process; in a remote worker, requests over the worker's socket.
 */
export interface TaskHost {
  xcomPull(q: { dagId: string; runId: string; taskId: string; key: string; mapIndex: number | null }): Promise<Json | undefined>;
  variableGet(key: string): Promise<string | undefined>;
  variableSet(key: string, value: string): Promise<void>;
  connectionGet(connId: string): Promise<ConnectionData | undefined>;
  /**
   * Starts a child task instance in the parent's run and resolves when it has ended (Dask's
   * `client.submit` from inside a task). While a try awaits its children it does not hold an
   * executor slot (Dask's secede), so children can run even when every slot is taken by parents.
   */
  submit(req: SubmitRequest): Promise<SubmitResult>;
  /** Log lines of a running try, in order. */
  log(key: string, lines: LogLine[]): void;
  /**
   * Where this host writes the log of try `key` (null: nowhere known). A runtime that shares the
   * host's process and disk (the threads executor's worker threads) appends its lines to that
   * file itself, so a task printing in a tight loop is slowed by the disk instead of queueing
   * lines on the host's thread; other runtimes send them with `log`.
   */
  logFile?(key: string): string | null;
}

export type { ErrorData };

export { json as jsonSchema };
