// Authenticated encryption of secret columns (variable values, connection passwords and extras)
// with AES-256-GCM under a key derived from the deployment's secret key (UPDRAFT_SECRET_KEY).
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { DecryptionError, InvalidValueError, SecretKeyMissingError } from "./errors.ts";

/** Marks the ciphertext format, so a later format can be told apart and keys rotated. */
const FORMAT = "v1";
/**
 * A fixed salt: the derived key must be the same in every process that shares the secret key.
 * The secret key is the secret; scrypt only makes a guessable passphrase expensive to guess.
 */
const SALT = "updraft/secret-box/v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts and decrypts strings. Each ciphertext is bound to a context (the row it belongs to,
 * e.g. `variable "api_key"`), so a ciphertext copied into another row does not decrypt.
 * @example
 * const box = new SecretBox(process.env.UPDRAFT_SECRET_KEY!);
 * const stored = box.encrypt("hunter2", 'connection "pg" password');
 * box.decrypt(stored, 'connection "pg" password'); // "hunter2"
 *
 * While a key is being rotated, `previous` keys still decrypt (Airflow's `fernet_key = new,old`):
 * `new SecretBox(newKey, [oldKey])` reads values of either key and writes under the new one.
 */
export class SecretBox {
  readonly #key: Buffer;
  readonly #previous: Buffer[];

  constructor(secretKey: string, previous: readonly string[] = []) {
    if (secretKey.length === 0) throw new InvalidValueError("secret key: must not be empty");
    this.#key = scryptSync(secretKey, SALT, 32);
    this.#previous = previous.filter((k) => k.length > 0 && k !== secretKey).map((k) => scryptSync(k, SALT, 32));
  }

  /** Whether `stored` decrypts under the current key (false when only a previous key opens it). */
  isCurrent(stored: string, context: string): boolean {
    try {
      open(this.#key, stored, context);
      return true;
    } catch {
      return false;
    }
  }

  /** Returns `v1:<base64url(iv | tag | ciphertext)>`; a fresh random IV each time. */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return `${FORMAT}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
  }

  /** Reverses `encrypt` (with the current key, then the previous ones); throws `DecryptionError` naming `context` on a wrong key or tampering. */
  decrypt(stored: string, context: string): string {
    let failure: unknown;
    for (const key of [this.#key, ...this.#previous]) {
      try {
        return open(key, stored, context);
      } catch (err) {
        failure = err;
      }
    }
    if (failure instanceof DecryptionError) throw failure;
    throw new DecryptionError(context, { cause: failure });
  }
}

function open(key: Buffer, stored: string, context: string): string {
  const [format, payload] = stored.split(":", 2);
  if (format !== FORMAT || payload === undefined) throw new DecryptionError(context);
  const raw = Buffer.from(payload, "base64url");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new DecryptionError(context);
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
}

/**
 * Encrypts `value` when a box is given; returns the value to store and whether it is encrypted.
 * Without a key values are stored as they are (Airflow without a Fernet key does the same).
 */
export function sealValue(
  box: SecretBox | null,
  value: string,
  context: string,
): { stored: string; encrypted: boolean } {
  return box ? { stored: box.encrypt(value, context), encrypted: true } : { stored: value, encrypted: false };
}

/** Reads a stored value back: decrypts it when it was encrypted, and fails clearly without a key. */
export function openValue(box: SecretBox | null, stored: string, encrypted: boolean, context: string): string {
  if (!encrypted) return stored;
  if (!box) throw new SecretKeyMissingError(context);
  return box.decrypt(stored, context);
}
