// Errors of the metadata store. Each names what is wrong: the database URL, the migration, the
// variable, connection, pool, token or user concerned.

/** The database at `url` could not be opened: a malformed URL, an unreachable server, a bad file. */
export class StoreOpenError extends Error {
  override name = "StoreOpenError";
  readonly url: string;
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot open store "${url}": ${reason}`, options);
    this.url = url;
  }
}

/** Applying the migrations in `folder` failed; the database is left as it was before the batch. */
export class MigrationError extends Error {
  override name = "MigrationError";
  readonly folder: string;
  constructor(folder: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot apply migrations from "${folder}": ${reason}`, options);
    this.folder = folder;
  }
}

/** A stored value is encrypted but the store was opened without a secret key. */
export class SecretKeyMissingError extends Error {
  override name = "SecretKeyMissingError";
  constructor(field: string, options?: { cause?: unknown }) {
    super(`${field} is encrypted but no secret key was given (set UPDRAFT_SECRET_KEY)`, options);
  }
}

/** A stored ciphertext does not decrypt: a different secret key, or a tampered value. */
export class DecryptionError extends Error {
  override name = "DecryptionError";
  constructor(field: string, options?: { cause?: unknown }) {
    super(`${field} cannot be decrypted: wrong secret key or tampered value`, options);
  }
}

/** A row with the same key exists already, e.g. `connection "pg" already exists`. */
export class AlreadyExistsError extends Error {
  override name = "AlreadyExistsError";
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} already exists`, options);
  }
}

/** A value given to a repository function is out of range, e.g. a pool with -5 slots. */
export class InvalidValueError extends Error {
  override name = "InvalidValueError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** `default_pool` may be resized but never deleted: every task falls back to it. */
export class DefaultPoolDeletionError extends Error {
  override name = "DefaultPoolDeletionError";
  constructor(pool: string, options?: { cause?: unknown }) {
    super(`pool "${pool}" is the default pool and cannot be deleted`, options);
  }
}

/** Which kind of SQL constraint a failed statement broke. */
export type ConstraintKind = "unique" | "foreign_key" | "not_null" | "check" | "other";

const CONSTRAINT_KINDS: Record<string, ConstraintKind> = {
  SQLITE_CONSTRAINT_UNIQUE: "unique",
  SQLITE_CONSTRAINT_PRIMARYKEY: "unique",
  SQLITE_CONSTRAINT_FOREIGNKEY: "foreign_key",
  SQLITE_CONSTRAINT_NOTNULL: "not_null",
  SQLITE_CONSTRAINT_CHECK: "check",
};

/**
 * The constraint an error reports, or null when it is not a constraint violation. drizzle wraps
 * libSQL's error in a `DrizzleQueryError` ("Failed query: …"), so this walks the `cause` chain.
 * @example
 * try { await store.write((tx) => tx.insert(dagRun).values(run)); }
 * catch (err) { if (constraintViolation(err) === "unique") return; throw err; } // run exists
 */
export function constraintViolation(err: unknown): ConstraintKind | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const codes = e as Error & { code?: unknown; extendedCode?: unknown };
    const extended = typeof codes.extendedCode === "string" ? codes.extendedCode : typeof codes.code === "string" ? codes.code : "";
    if (extended.startsWith("SQLITE_CONSTRAINT")) {
      const kind = CONSTRAINT_KINDS[extended];
      if (kind) return kind;
      // Remote servers may report only the primary code; the message still says which.
      if (/\b(UNIQUE|PRIMARY KEY) constraint failed/.test(e.message)) return "unique";
      if (/FOREIGN KEY constraint failed/.test(e.message)) return "foreign_key";
      if (/NOT NULL constraint failed/.test(e.message)) return "not_null";
      if (/CHECK constraint failed/.test(e.message)) return "check";
      return "other";
    }
  }
  return null;
}
