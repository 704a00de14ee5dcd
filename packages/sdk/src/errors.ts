// Errors of the authoring SDK. Each names what is wrong: the DAG, the task, the field.

/** A DAG or task definition that cannot be accepted; the message names the DAG, task and field. */
export class DagDefinitionError extends Error {
  override name = "DagDefinitionError";
}

/** Thrown inside a task: the task instance ends as `skipped`. */
export class SkipTask extends Error {
  override name = "SkipTask";
  constructor(message = "skipped by the task", options?: ErrorOptions) {
    super(message, options);
  }
}

/** Thrown inside a task: the task instance ends as `failed`, and no retry is attempted. */
export class FailTask extends Error {
  override name = "FailTask";
  constructor(message = "failed by the task", options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * `ctx.submit` was misused: the definition is not one the DAG knows, or an argument is not JSON.
 * The message names the DAG, the task and the argument.
 */
export class SubmitError extends Error {
  override name = "SubmitError";
}

/**
 * What `await ctx.submit(...)` rejects with when the child task failed after its retries (or was
 * removed): the message names the child task, its map index and its error.
 * @example
 * try { await ctx.submit(fetchPage, url); } catch (err) { if (err instanceof ChildTaskFailed) ctx.log.warn(err.message); else throw err; }
 */
export class ChildTaskFailed extends Error {
  override name = "ChildTaskFailed";
}

/** An error as it crosses a thread or network boundary. */
export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
}

/** Converts anything thrown into data that can cross a boundary. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof Error) return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { name: "Error", message: typeof err === "string" ? err : JSON.stringify(err) ?? String(err) };
}

/**
 * A connection given as a URI or JSON (`--conn-uri`, UPDRAFT_CONN_<ID>, an import file) that cannot
 * be read. The message names where it came from and the field, never the value (it may hold a password).
 */
export class ConnectionFormatError extends Error {
  override name = "ConnectionFormatError";
}
