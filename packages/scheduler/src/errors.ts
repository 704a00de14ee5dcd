// Errors of the scheduler package: DAG files that do not load, scheduler conflicts, and settings
// read from the environment that cannot be used.

/** A DAG file that cannot be loaded; the message starts with the file. */
export class DagImportError extends Error {
  override name = "DagImportError";
  readonly file: string;
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, options);
    this.file = file;
  }
}

/** Another scheduler holds the database. */
export class SchedulerConflictError extends Error {
  override name = "SchedulerConflictError";
}

/** A request the scheduler cannot carry out (unknown DAG, duplicate run id, paused DAG…). */
export class SchedulerRequestError extends Error {
  override name = "SchedulerRequestError";
}

/**
 * An environment variable the scheduler package reads holds a value it cannot use; the message
 * names the variable and the value.
 * @example throw new SchedulerConfigError(`UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION: expected true or false, got "maybe"`);
 */
export class SchedulerConfigError extends Error {
  override name = "SchedulerConfigError";
}
