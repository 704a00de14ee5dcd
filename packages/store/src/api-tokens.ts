// API tokens for `Authorization: Bearer …`. A token is shown once, when it is created; the store
// keeps only its sha256, so a leaked database does not leak working tokens. A token may be
// restricted to DAG id patterns (a portal's read token that sees only `sales_*`).
import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, isNull, lt, or } from "drizzle-orm";
import { InvalidValueError } from "./errors.ts";
import type { Store } from "./open-store.ts";
import { apiToken, TokenScope, type ApiToken } from "./schema/auth.ts";

/** Every token starts with this, so a leaked one is recognisable (and secret scanners can match it). */
export const TOKEN_PREFIX = "updr_";
/** 32 random bytes: 256 bits, far beyond guessing; sha256 without a salt is enough at this entropy. */
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^updr_[A-Za-z0-9_-]{43}$/;
/** `last_used_at` is refreshed at most this often, so verifying a token is not a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** A token's metadata, without its hash. */
export type TokenInfo = Omit<ApiToken, "tokenHash">;

/** Fields of `createToken`. */
export interface CreateTokenInput {
  name: string;
  scope: TokenScope;
  expiresAt?: Date | null;
  /** DAG id patterns (`*` matches any run of characters) the token is restricted to; null or absent for every DAG. */
  dags?: string[] | null;
}

/** What a valid token stands for. */
export interface VerifiedToken {
  id: number;
  scope: TokenScope;
  /** DAG id patterns the token is restricted to, or null for every DAG. */
  dags: string[] | null;
  expiresAt: Date | null;
}

/** A DAG id pattern: DAG id characters (as Airflow allows: letters, digits, `_`, `.`, `-`) and `*`. */
const DAG_PATTERN = /^[\p{L}\p{N}_.*-]{1,250}$/u;

/**
 * Checks and normalises DAG id patterns (trimmed, duplicates dropped); throws
 * `InvalidValueError` naming the field and the pattern at fault.
 * @example normalizeDagPatterns(["sales_*", " finance_daily "], "--dags") // ["sales_*", "finance_daily"]
 */
export function normalizeDagPatterns(patterns: readonly string[], field = "dags"): string[] {
  const out: string[] = [];
  for (const raw of patterns) {
    const p = raw.trim();
    if (!DAG_PATTERN.test(p)) {
      throw new InvalidValueError(`${field}: "${raw}" is not a DAG id pattern (letters, digits, "_", ".", "-" and "*" for any run of characters)`);
    }
    if (!out.includes(p)) out.push(p);
  }
  if (out.length === 0) throw new InvalidValueError(`${field}: give at least one DAG id pattern, like "sales_*"`);
  return out;
}

/**
 * Creates a token and returns it; this is the only time the token itself is available.
 * @example
 * const { token } = await createToken(store, { name: "ci", scope: "trigger" });
 * // token: "updr_…", send as `Authorization: Bearer ${token}`
 */
export async function createToken(store: Store, input: CreateTokenInput): Promise<{ token: string; id: number }> {
  if (!Object.hasOwn(TokenScope, input.scope)) {
    throw new InvalidValueError(`token "${input.name}": scope must be one of ${Object.values(TokenScope).join(", ")} (got "${input.scope}")`);
  }
  if (input.name.trim() === "") throw new InvalidValueError("token: name must not be empty");
  const dags = input.dags == null ? null : normalizeDagPatterns(input.dags, `token "${input.name}": dags`);
  if (dags && input.scope === "worker") {
    throw new InvalidValueError(`token "${input.name}": dags: a worker token cannot be restricted to DAGs (workers run whatever they are assigned)`);
  }
  const token = TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString("base64url");
  const [row] = await store.write((tx) =>
    tx
      .insert(apiToken)
      .values({
        name: input.name,
        tokenHash: hashToken(token),
        scope: input.scope,
        dags,
        createdAt: new Date(),
        expiresAt: input.expiresAt ?? null,
      })
      .returning({ id: apiToken.id }),
  );
  return { token, id: row!.id };
}

/**
 * Checks a presented token: returns its id, scope, DAG restriction and expiry when it exists, is
 * not revoked and has not expired, else null. Records when it was last used (to the minute).
 * @example const auth = await verifyToken(store, header.slice("Bearer ".length));
 */
export async function verifyToken(
  store: Store,
  token: string,
  now: Date = new Date(),
): Promise<VerifiedToken | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const rows = await store.db.select().from(apiToken).where(eq(apiToken.tokenHash, hashToken(token)));
  const row = rows[0];
  if (!row || row.revokedAt !== null) return null;
  if (row.expiresAt !== null && row.expiresAt.getTime() <= now.getTime()) return null;
  if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    // The condition makes concurrent verifications of one token write at most once.
    await store.write((tx) =>
      tx
        .update(apiToken)
        .set({ lastUsedAt: now })
        .where(and(eq(apiToken.id, row.id), or(isNull(apiToken.lastUsedAt), lt(apiToken.lastUsedAt, stale)))),
    );
  }
  return { id: row.id, scope: row.scope, dags: row.dags ?? null, expiresAt: row.expiresAt };
}

/** Revokes token `id`; returns false when there is no such token or it was already revoked. */
export async function revokeToken(store: Store, id: number): Promise<boolean> {
  const updated = await store.write((tx) =>
    tx
      .update(apiToken)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiToken.id, id), isNull(apiToken.revokedAt)))
      .returning({ id: apiToken.id }),
  );
  return updated.length > 0;
}

/** Every token, oldest first, without hashes; revoked and expired ones included. */
export async function listTokens(store: Store): Promise<TokenInfo[]> {
  return store.db
    .select({
      id: apiToken.id,
      name: apiToken.name,
      scope: apiToken.scope,
      dags: apiToken.dags,
      createdAt: apiToken.createdAt,
      expiresAt: apiToken.expiresAt,
      revokedAt: apiToken.revokedAt,
      lastUsedAt: apiToken.lastUsedAt,
    })
    .from(apiToken)
    .orderBy(asc(apiToken.id));
}

/** The sha256 (hex) under which a token is stored. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
