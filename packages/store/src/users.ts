// Users for HTTP Basic auth, which Airflow clients send. Passwords are stored as salted scrypt
// hashes (node:crypto) and compared in constant time.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { eq } from "drizzle-orm";
import { AlreadyExistsError, InvalidValueError } from "./errors.ts";
import type { Store } from "./open-store.ts";
import { abUser, TokenScope } from "./schema/auth.ts";

/**
 * scrypt cost: 32 MiB and a few tens of ms per hash. HTTP Basic sends the password with every
 * request, so the cost is paid per request; the hash format records it, so it can be raised.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 64;
const SALT_BYTES = 16;
const MAXMEM = 64 * 1024 * 1024;

/** Fields of `createUser`; `role` uses the token scopes' names. */
export interface CreateUserInput {
  username: string;
  password: string;
  role: TokenScope;
}

/** A verified user. */
export interface UserInfo {
  id: number;
  username: string;
  role: TokenScope;
}

/**
 * Creates a user; throws `AlreadyExistsError` when the name is taken.
 * @example await createUser(store, { username: "admin", password: "…", role: "admin" });
 */
export async function createUser(store: Store, input: CreateUserInput): Promise<{ id: number }> {
  if (input.username.trim() === "" || input.username.includes(":")) {
    throw new InvalidValueError(`user "${input.username}": name must be non-empty and contain no ":" (HTTP Basic)`);
  }
  if (input.password.length === 0) throw new InvalidValueError(`user "${input.username}": password must not be empty`);
  if (!Object.hasOwn(TokenScope, input.role)) {
    throw new InvalidValueError(`user "${input.username}": role must be one of ${Object.values(TokenScope).join(", ")} (got "${input.role}")`);
  }
  const passwordHash = await hashPassword(input.password);
  const rows = await store.write((tx) =>
    tx
      .insert(abUser)
      .values({ username: input.username, passwordHash, role: input.role, createdAt: new Date() })
      .onConflictDoNothing()
      .returning({ id: abUser.id }),
  );
  if (rows.length === 0) throw new AlreadyExistsError(`user "${input.username}"`);
  return { id: rows[0]!.id };
}

/**
 * Checks a user name and password; returns the user, or null for an unknown name or a wrong
 * password (both take about as long, so timing does not reveal which names exist).
 */
export async function verifyUser(store: Store, username: string, password: string): Promise<UserInfo | null> {
  const rows = await store.db.select().from(abUser).where(eq(abUser.username, username));
  const row = rows[0];
  if (!row) {
    await hashPassword(password);
    return null;
  }
  return (await checkPassword(password, row.passwordHash)) ? { id: row.id, username: row.username, role: row.role } : null;
}

/** Encodes as `scrypt$N$r$p$<salt b64>$<key b64>` so the cost can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, PARAMS);
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64"), key.toString("base64")].join("$");
}

/** True when `password` matches a hash made by `hashPassword`. */
export async function checkPassword(password: string, encoded: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = encoded.split("$");
  if (kind !== "scrypt" || !n || !r || !p || salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, "base64");
  // An empty or truncated key would compare equal to anything of its length.
  if (expected.length < 16) return false;
  const actual = await derive(password, Buffer.from(salt, "base64"), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function derive(password: string, salt: Buffer, params: ScryptOptions, length = KEY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, length, { ...params, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}
