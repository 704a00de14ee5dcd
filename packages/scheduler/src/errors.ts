// Errors of the scheduler package: DAG files that do not load, and scheduler conflicts.

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
