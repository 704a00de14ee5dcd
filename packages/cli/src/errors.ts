// Errors of the command line and their exit codes (DESIGN.md, Contract 3): bad usage exits 2 with
// a message that says what to write; a refused request (a duplicate, something that does not
// exist, a protected row) exits 1. Either prints ONE line, `updraft: <message>`; the stack trace
// only with `--verbose`. Commands throw these; main.ts turns any error into its line and code.

/**
 * Wrong flags or arguments, a value that does not parse, a DAG that does not load: exit code 2.
 * @example throw new UsageError(`--conf: not valid JSON (Unexpected token n)`);
 */
export class UsageError extends Error {
  override name = "UsageError";
  readonly exitCode = 2;
}

/**
 * The command was well formed but the request cannot be carried out: exit code 1. Prefer the
 * subclasses, whose messages name the thing concerned.
 * @example throw new DomainError(`run "r1" of dag "etl" is still running`);
 */
export class DomainError extends Error {
  override name = "DomainError";
  readonly exitCode = 1;
}

/**
 * Something named on the command line does not exist: `dag "etl" is not known`.
 * @example throw new NotFoundError(`variable "region"`); // variable "region" does not exist
 */
export class NotFoundError extends DomainError {
  override name = "NotFoundError";
  constructor(what: string, hint?: string, options?: { cause?: unknown }) {
    super(`${what} does not exist${hint ? ` (${hint})` : ""}`, options);
  }
}

/**
 * A row with the same key exists already: `connection "pg" already exists`.
 * @example throw new DuplicateError(`connection "pg"`);
 */
export class DuplicateError extends DomainError {
  override name = "DuplicateError";
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} already exists`, options);
  }
}

/**
 * The request is refused by a rule of the domain: deleting `default_pool`, a worker token
 * restricted to DAGs, a run that is still running.
 * @example throw new RefusedError(`pool "default_pool" is the default pool and cannot be deleted`);
 */
export class RefusedError extends DomainError {
  override name = "RefusedError";
}

/** Errors of other packages that are usage errors (exit 2): bad values, DAGs that do not load. */
const USAGE_NAMES = new Set(["UsageError", "CommandLineError", "DagImportError", "SchedulerRequestError", "DagDefinitionError", "SchedulerConflictError", "InvalidValueError"]);
/** Errors of other packages that are refused requests (exit 1), printed as one line. */
const DOMAIN_NAMES = new Set(["AlreadyExistsError", "DefaultPoolDeletionError", "NotFoundError", "DuplicateError", "RefusedError", "DomainError"]);

/**
 * The exit code for an error a command threw: 2 for usage, 1 for everything else. A server's
 * answer (RemoteError, with `status`) is usage for 400/401/403/422 and a refused request for
 * 404/409/410.
 * @example exitCodeOf(new UsageError("x")) // 2
 */
export function exitCodeOf(err: unknown): 1 | 2 {
  if (!(err instanceof Error)) return 1;
  if (err instanceof UsageError) return 2;
  if (err instanceof DomainError) return 1;
  if (err.name === "RemoteError") {
    const status = (err as Error & { status?: number }).status ?? 0;
    return status >= 400 && status < 500 && ![404, 409, 410].includes(status) ? 2 : 1;
  }
  return USAGE_NAMES.has(err.name) ? 2 : 1;
}

/**
 * Whether the error is expected (usage, a refused request, a server's 4xx): its message alone is
 * the whole story. Others (a bug, a database that cannot be reached) are unexpected: their line
 * says to re-run with --verbose for the stack trace.
 */
export function isExpected(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err instanceof UsageError || err instanceof DomainError) return true;
  if (err.name === "RemoteError") return true;
  return USAGE_NAMES.has(err.name) || DOMAIN_NAMES.has(err.name);
}

/**
 * What the CLI prints for an error: its message without `verbose` (the first line and the
 * error's name for an unexpected error), the stack (and causes) with it.
 * @example describeError(new NotFoundError('dag "x"'), false) // 'dag "x" does not exist'
 */
export function describeError(err: unknown, verbose: boolean): string {
  if (!(err instanceof Error)) return String(err);
  if (verbose) {
    const parts = [err.stack ?? `${err.name}: ${err.message}`];
    let cause = (err as { cause?: unknown }).cause;
    while (cause instanceof Error) {
      parts.push(`caused by: ${cause.stack ?? cause.message}`);
      cause = (cause as { cause?: unknown }).cause;
    }
    return parts.join("\n");
  }
  // Expected errors are one line by construction (a DAG that does not load may add the file's
  // reason below); an unexpected one gets its name and a pointer to --verbose.
  return isExpected(err) ? err.message : `${err.name}: ${err.message.split("\n")[0]} (run with --verbose for the stack trace)`;
}
