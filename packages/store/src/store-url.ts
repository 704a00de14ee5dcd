// Reads a database URL: which kind of database it names, where a local file lives, and how to
// show it in an error without leaking credentials.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { StoreOpenError } from "./errors.ts";

/** What a database URL points at. */
export type StoreTarget =
  | { kind: "memory" }
  | { kind: "file"; path: string }
  | { kind: "remote"; scheme: "libsql" | "http" | "https" | "ws" | "wss" };

const REMOTE_SCHEMES = new Set(["libsql", "http", "https", "ws", "wss"]);
const HINT = 'use "file:<path>", ":memory:", "libsql://host", "http(s)://host" or "ws(s)://host"';

/**
 * Classifies `url`, throwing `StoreOpenError` (naming the URL) when it is malformed.
 * @example parseStoreUrl("file:.updraft/updraft.db") // { kind: "file", path: "/cwd/.updraft/updraft.db" }
 */
export function parseStoreUrl(url: string): StoreTarget {
  const shown = redactUrl(url);
  if (url === ":memory:" || url === "file::memory:" || url.startsWith("file::memory:?")) return { kind: "memory" };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) throw new StoreOpenError(shown, `no URL scheme; ${HINT}`);
  if (scheme === "file") return { kind: "file", path: filePath(url, shown) };
  if (REMOTE_SCHEMES.has(scheme)) {
    try {
      const parsed = new URL(url);
      if (parsed.host === "") throw new Error("no host");
    } catch (err) {
      throw new StoreOpenError(shown, "malformed URL: no host", { cause: err });
    }
    return { kind: "remote", scheme: scheme as "libsql" | "http" | "https" | "ws" | "wss" };
  }
  throw new StoreOpenError(shown, `unsupported scheme "${scheme}:"; ${HINT}`);
}

/** Replaces passwords and `authToken` query values with `***`, for messages and logs. */
export function redactUrl(url: string): string {
  return url
    .replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/@]*)@/, (_m, scheme: string) => `${scheme}***@`)
    .replace(/([?&](?:authToken|auth_token|token)=)[^&#]*/gi, "$1***");
}

function filePath(url: string, shown: string): string {
  const withoutQuery = url.replace(/[?#].*$/, "");
  let path: string;
  try {
    path = withoutQuery.startsWith("file://")
      ? fileURLToPath(withoutQuery)
      : decodeURIComponent(withoutQuery.slice("file:".length));
  } catch (err) {
    throw new StoreOpenError(shown, `malformed file URL (absolute paths are "file:/abs/path.db" or "file:///abs/path.db")`, { cause: err });
  }
  if (path === "") throw new StoreOpenError(shown, "the file URL names no path");
  return resolve(path);
}
