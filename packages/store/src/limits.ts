// Size limits that keep one client's value from costing the server its memory: a variable's
// value (UPDRAFT_MAX_VARIABLE_BYTES, default 512 KiB). Read from the environment at each use, so
// a test or a process may set them before calling.

/** The default largest variable value, in bytes (UTF-8). */
export const DEFAULT_MAX_VARIABLE_BYTES = 512 * 1024;

/**
 * A limit in bytes from the environment variable `name` (a whole number of bytes), or `fallback`
 * when it is unset or empty. A value that is not a whole number of at least 1 throws, naming it.
 * @example byteLimitFromEnv("UPDRAFT_MAX_REQUEST_BYTES", 1024 * 1024) // 1048576 unless set
 */
export function byteLimitFromEnv(name: string, fallback: number, env: Record<string, string | undefined> = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name}: expected a whole number of bytes of at least 1, got "${raw}"`);
  return n;
}

/** The largest variable value the store accepts, in bytes: UPDRAFT_MAX_VARIABLE_BYTES or 512 KiB. */
export function maxVariableBytes(env: Record<string, string | undefined> = process.env): number {
  return byteLimitFromEnv("UPDRAFT_MAX_VARIABLE_BYTES", DEFAULT_MAX_VARIABLE_BYTES, env);
}
