// Errors of the command line: bad usage (exit code 2) with a message that says what to write.

/** Wrong flags, a missing argument, a DAG that does not load: exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
