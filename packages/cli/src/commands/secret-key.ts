// `updraft rotate-secret-key`: re-encrypts every stored secret (variable values, connection
// passwords and extras) under a new key, in one transaction, as Airflow's `rotate-fernet-key`.
//
// Two ways, by where the key lives:
// - UPDRAFT_SECRET_KEY (set by the deployment): as Airflow's `fernet_key = new,old`, give every
//   process UPDRAFT_SECRET_KEY=<new> and UPDRAFT_SECRET_KEY_PREVIOUS=<old> (they read both and
//   write with the new one), run this command, then drop UPDRAFT_SECRET_KEY_PREVIOUS.
// - `<home>/secret_key` (generated on first use): this command makes a new random key, keeps the
//   old one in `<home>/secret_key.previous` while it re-encrypts (every process of the home reads
//   both meanwhile), puts the new one in `<home>/secret_key`, and removes the previous file once
//   the transaction has committed. If it is interrupted, running it again finishes the same
//   rotation. Processes already running keep the key they read at start: restart them.
import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { rotateSecrets, type RotateResult } from "@updraft/store";
import { PREVIOUS_KEY_FILE, previousSecretKeysFor, secretKeyFor, type Config } from "../config.ts";
import { UsageError } from "../errors.ts";
import { openConfiguredStore } from "../runtime.ts";

/** Writes a key file readable by its owner only, replacing it atomically. */
async function writeKeyFile(path: string, key: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${key}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

async function rotateWith(config: Config): Promise<RotateResult> {
  const store = await openConfiguredStore(config);
  try {
    return await rotateSecrets(store);
  } finally {
    await store.close();
  }
}

const summary = (r: RotateResult) => `${r.variables} variable(s) and ${r.connections} connection(s) re-encrypted, ${r.unchanged} already under the new key`;

/**
 * `rotate-secret-key`. Exit 0 when every secret is under the current key afterwards; a value that
 * no given key opens fails the whole transaction (exit 1, naming it) and changes nothing.
 */
export async function rotateSecretKey(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (env.UPDRAFT_SECRET_KEY) {
    const previous = await previousSecretKeysFor(config, env);
    if (previous.length === 0) {
      throw new UsageError("rotate-secret-key: UPDRAFT_SECRET_KEY is set, so the new key comes from you: set UPDRAFT_SECRET_KEY=<new key> and UPDRAFT_SECRET_KEY_PREVIOUS=<old key>, then run this again");
    }
    const result = await rotateWith(config);
    console.log(`${summary(result)}; now remove UPDRAFT_SECRET_KEY_PREVIOUS from every process's environment`);
    return 0;
  }
  const keyFile = join(config.home, "secret_key");
  const previousFile = join(config.home, PREVIOUS_KEY_FILE);
  const interrupted = (await previousSecretKeysFor(config, {})).length > 0;
  if (!interrupted) {
    // The old key is kept first, so that every moment has a key file pair that opens every value.
    const old = await secretKeyFor(config);
    await writeKeyFile(previousFile, old);
    await writeKeyFile(keyFile, randomBytes(32).toString("base64url"));
  }
  const result = await rotateWith(config);
  await rm(previousFile, { force: true });
  console.log(`${interrupted ? "finished an interrupted rotation: " : ""}${summary(result)}; the new key is in ${keyFile}. Restart running servers, schedulers and workers of this home so they read it`);
  return 0;
}
