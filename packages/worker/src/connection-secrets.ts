// The secrets of a connection that a try's log must never show: its password, and every value
// under a sensitive key of its `extra` (`password`, `token`, `private_key`, `keyfile_dict`…), as
// Airflow's secrets masker treats a connection's extra.
import type { Json } from "@updraft/sdk";
import type { ConnectionData } from "./protocol.ts";

/** Airflow's default sensitive field names: a key containing one of them holds a secret. */
const SENSITIVE = ["access_token", "api_key", "apikey", "authorization", "passphrase", "passwd", "password", "private_key", "secret", "token", "keyfile_dict", "service_account", "credentials"];

/** Whether a key of a connection's extra holds a secret. */
export function isSensitiveExtraKey(key: string): boolean {
  const k = key.toLowerCase();
  return SENSITIVE.some((s) => k.includes(s));
}

/**
 * The texts to mask for a connection: the password, each sensitive extra value (every string or
 * number inside it when it is an object or array), and each longer line of a multi-line secret
 * (a PEM key printed line by line by a shell command).
 * @example for (const s of connectionSecrets(conn)) log.mask(s);
 */
export function connectionSecrets(conn: Pick<ConnectionData, "password" | "extra">): string[] {
  const out: string[] = [];
  const add = (text: string) => {
    out.push(text);
    if (text.includes("\n")) for (const line of text.split(/\r?\n/)) if (line.trim().length >= 8) out.push(line.trim());
  };
  const leaves = (v: Json | undefined): void => {
    if (typeof v === "string") add(v);
    else if (typeof v === "number") add(String(v));
    else if (Array.isArray(v)) v.forEach(leaves);
    else if (v && typeof v === "object") {
      // A structured secret (a service account's key file) may be printed whole, as JSON.
      add(JSON.stringify(v));
      Object.values(v).forEach(leaves);
    }
  };
  const walk = (v: Json | undefined): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") for (const [k, inner] of Object.entries(v)) (isSensitiveExtraKey(k) ? leaves : walk)(inner);
  };
  if (conn.password) add(conn.password);
  let extra = conn.extra as Json | undefined;
  if (typeof extra === "string") {
    try {
      extra = JSON.parse(extra) as Json;
    } catch {
      // plain text: no keys to look at
    }
  }
  walk(extra);
  return out;
}
