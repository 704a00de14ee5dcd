// Builds the `ctx` a task function receives from an assignment and the host it may call.
import { checkSubmitArgs, ChildTaskFailed, definitionOf, SubmitError, type Connection, type Dag, type Json, type TaskContext } from "@updraft/sdk";
import type { ErrorData, SubmitResult, TaskAssignment, TaskHost } from "./protocol.ts";
import { isSensitiveKey, type TaskLog } from "./task-log.ts";
import { connectionSecrets } from "./connection-secrets.ts";

export interface BuiltContext {
  ctx: TaskContext;
  /** XComs pushed during the try; written by the scheduler only if the try succeeds. */
  pushed: Record<string, Json>;
  /** The try has ended: answers to its `ctx.submit` calls that still come are dropped. */
  close(): void;
}

/** The error an `await ctx.submit(...)` rejects with, rebuilt from the data that crossed over. */
function submitError(data: ErrorData): Error {
  const err = data.name === "ChildTaskFailed" ? new ChildTaskFailed(data.message) : data.name === "SubmitError" ? new SubmitError(data.message) : new Error(data.message);
  if (err.name !== data.name) err.name = data.name;
  return err;
}

/**
 * `ctx.submit` of one try: checks the definition against the DAG the try's bundle built (so a
 * child never runs code other than what the parent meant) and the arguments, numbers the calls
 * from 0 (the numbers, with the parent instance, name the children across tries), and turns the
 * host's answer into the child's value or a ChildTaskFailed.
 */
/** Rejects with the signal's reason once it aborts (never resolves). */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    else signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true });
  });
}

function submitter(a: TaskAssignment, dag: Dag, host: TaskHost, closed: () => boolean, signal: AbortSignal): TaskContext["submit"] {
  let seq = 0;
  const submit = async (def: unknown, ...args: unknown[]): Promise<unknown> => {
    const record = definitionOf(def);
    if (!record) throw new SubmitError(`dag "${a.dagId}": task "${a.taskId}": ctx.submit takes a task definition (made with task(), branch() or shortCircuit()), got ${typeof def}`);
    const where = `dag "${a.dagId}": task "${a.taskId}": ctx.submit of task "${record.id}"`;
    const known = dag.submittable.get(record.id);
    if (!known) {
      if (dag.tasks.has(record.id)) {
        throw new SubmitError(`${where}: "${record.id}" is a task of the DAG (called in its body), so its instances belong to it; submit a definition that the body does not call`);
      }
      throw new SubmitError(`${where}: dag "${a.dagId}" does not know this definition; declare it in the DAG file, before dag() or inside its body`);
    }
    if (known.fn !== record.fn) {
      throw new SubmitError(`${where}: dag "${a.dagId}" knows another definition with the id "${record.id}"; give each definition its own id`);
    }
    const json = checkSubmitArgs(where, args);
    // A try that times out or is cancelled stops waiting at once, so its thread is not terminated
    // (with the other tries on it) for a wait it cannot end itself.
    const result: SubmitResult = await Promise.race([host.submit({ key: a.key, seq: seq++, taskId: record.id, args: json }), aborted(signal)]);
    // A call the task never awaited, answered after its try ended: nothing may reject now (an
    // unhandled rejection would take the thread, and the other tries on it, down).
    if (closed()) return new Promise<never>(() => {});
    if (!result.ok) throw submitError(result.error);
    return result.skipped ? undefined : result.value;
  };
  return submit as TaskContext["submit"];
}

export function buildContext(a: TaskAssignment, dag: Dag, host: TaskHost, log: TaskLog, signal: AbortSignal): BuiltContext {
  const pushed: Record<string, Json> = {};
  let closed = false;
  const logicalDate = new Date(a.logicalDate);
  const ctx: TaskContext = {
    dagId: a.dagId,
    taskId: a.taskId,
    runId: a.runId,
    mapIndex: a.mapIndex,
    tryNumber: a.tryNumber,
    logicalDate,
    dataIntervalStart: new Date(a.dataIntervalStart),
    dataIntervalEnd: new Date(a.dataIntervalEnd),
    ds: a.logicalDate.slice(0, 10),
    params: a.params,
    conf: a.conf,
    log: log.logger,
    signal,
    xcom: {
      push(key, value) {
        if (key === "return_value") throw new Error(`ctx.xcom.push: "return_value" is set by the task's return value`);
        pushed[key] = JSON.parse(JSON.stringify(value)) as Json;
      },
      async pull<T>(taskId: string, key = "return_value") {
        return (await host.xcomPull({ dagId: a.dagId, runId: a.runId, taskId, key, mapIndex: null })) as T | undefined;
      },
    },
    variables: {
      async get(key, defaultValue) {
        const value = await host.variableGet(key);
        if (value !== undefined && isSensitiveKey(key)) log.mask(value);
        return value ?? defaultValue;
      },
      set: (key, value) => host.variableSet(key, value),
    },
    connections: {
      async get(connId): Promise<Connection> {
        const conn = await host.connectionGet(connId);
        if (!conn) throw new Error(`connection "${connId}" is not defined`);
        for (const secret of connectionSecrets(conn)) log.mask(secret);
        return conn;
      },
    },
    submit: submitter(a, dag, host, () => closed, signal),
  };
  return { ctx, pushed, close: () => void (closed = true) };
}
