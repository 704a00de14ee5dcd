// DAG file tokens, as Airflow's `file_token`: the file's path signed with the deployment's secret
// key (Airflow signs it with itsdangerous' URLSafeSerializer), so that a client can name a DAG's
// file (GET /dagSources/{file_token}, PUT /parseDagFile/{file_token}) but cannot forge a token for
// a file of its choosing. Format: `<base64url(path)>.<base64url(HMAC-SHA256(key, path))>`.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Domain separation: the key signs file tokens only, whatever else uses the secret key. */
const CONTEXT = "updraft/file-token/v1\u0000";

/**
 * The key that signs file tokens: UPDRAFT_SECRET_KEY, else the key the CLI keeps in
 * `<home>/secret_key` (made here, as the CLI makes it, when no process made it yet), so that every
 * process sharing a home or a secret key signs alike; a home that cannot be written gets a key of
 * this process alone.
 */
export function fileTokenKey(home: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.UPDRAFT_SECRET_KEY) return env.UPDRAFT_SECRET_KEY;
  const file = join(home, "secret_key");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    try {
      mkdirSync(home, { recursive: true });
      writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
    } catch {
      // another process made it first (read theirs below), or the home cannot be written
    }
    try {
      return readFileSync(file, "utf8").trim();
    } catch {
      // No key to share: this process's tokens are its own, valid while it runs.
      return randomBytes(32).toString("base64url");
    }
  }
}

/**
 * Signs and checks file tokens.
 * @example
 * const tokens = new FileTokens("secret");
 * tokens.verify(tokens.sign("/dags/etl.ts")) // "/dags/etl.ts"
 * tokens.verify("L2V0Yy9wYXNzd2Q.forged") // null
 */
export class FileTokens {
  readonly #key: string;

  constructor(key: string) {
    if (key === "") throw new Error("file tokens: the secret key is empty (set UPDRAFT_SECRET_KEY)");
    this.#key = key;
  }

  #mac(fileloc: string): Buffer {
    return createHmac("sha256", this.#key).update(CONTEXT + fileloc, "utf8").digest();
  }

  /** The token of a file path. */
  sign(fileloc: string): string {
    return `${Buffer.from(fileloc, "utf8").toString("base64url")}.${this.#mac(fileloc).toString("base64url")}`;
  }

  /** The file path a token names, or null when it is malformed or its signature is not ours. */
  verify(token: string): string | null {
    const dot = token.lastIndexOf(".");
    if (dot <= 0 || !/^[A-Za-z0-9_-]+$/.test(token.slice(0, dot)) || !/^[A-Za-z0-9_-]+$/.test(token.slice(dot + 1))) return null;
    const fileloc = Buffer.from(token.slice(0, dot), "base64url").toString("utf8");
    const given = Buffer.from(token.slice(dot + 1), "base64url");
    const expected = this.#mac(fileloc);
    return given.length === expected.length && timingSafeEqual(given, expected) ? fileloc : null;
  }
}
