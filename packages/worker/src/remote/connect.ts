// One attempt to open the worker socket, classified: open, refused (the token: fatal, no retry)
// or failed (anything that a later attempt may get past: the server is down, restarting, or the
// network is cut). Also the URLs a worker derives from its `--server`.
import WebSocket from "ws";
import { WORKER_SOCKET_PATH } from "./messages.ts";

export type ConnectResult =
  | { kind: "open"; socket: WebSocket }
  /** 401 (wrong token) or 403 (a token without worker scope) at the handshake. */
  | { kind: "refused"; status: number }
  | { kind: "failed"; reason: string };

/**
 * The server's base URL as `http(s)://host[:port][/prefix]`, without a trailing slash; `ws(s)://`
 * is accepted too. Throws on anything else, naming the flag.
 * @example serverBase("ws://127.0.0.1:8080/") // "http://127.0.0.1:8080"
 */
export function serverBase(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new TypeError(`--server / UPDRAFT_SERVER: "${server}" is not a URL (expected e.g. http://scheduler:8080)`);
  }
  const protocol = { "http:": "http:", "https:": "https:", "ws:": "http:", "wss:": "https:" }[url.protocol];
  if (!protocol) throw new TypeError(`--server / UPDRAFT_SERVER: "${server}" must be an http(s):// URL`);
  url.protocol = protocol;
  url.search = "";
  url.hash = "";
  return url.href.replace(/\/+$/, "");
}

/** The WebSocket endpoint under a server base URL. */
export function socketUrl(base: string): string {
  return `${base.replace(/^http/, "ws")}${WORKER_SOCKET_PATH}`;
}

/** Why a socket error happened, in a few words: the code when Node gives one (ECONNREFUSED…). */
function describeError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code}: ${err.message}` : err.message;
}

/**
 * Opens the worker socket with the bearer token; settles once, when the handshake is done or
 * has failed.
 * @example const r = await connectOnce("ws://127.0.0.1:8080/api/updraft/workers/connect", token, 10_000, stop.signal);
 */
export function connectOnce(url: string, token: string, handshakeTimeoutMs: number, signal?: AbortSignal): Promise<ConnectResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: ConnectResult) => {
      if (settled) return;
      settled = true;
      socket.off("open", onOpen);
      signal?.removeEventListener("abort", onAbort);
      resolve(r);
    };
    const socket = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      handshakeTimeout: handshakeTimeoutMs,
      perMessageDeflate: false,
    });
    const onOpen = () => settle({ kind: "open", socket });
    socket.on("open", onOpen);
    socket.on("unexpected-response", (req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      req.destroy();
      // A 404 may be a proxy in the middle of a restart, so it is retried too, with a hint.
      const hint = status === 404 ? " (is --server the base URL of an Updraft server?)" : "";
      settle(status === 401 || status === 403 ? { kind: "refused", status } : { kind: "failed", reason: `HTTP ${status} ${res.statusMessage ?? ""}`.trim() + hint });
    });
    // Errors after the handshake are the session's to handle; before it, they fail the attempt.
    socket.on("error", (err) => settle({ kind: "failed", reason: describeError(err) }));
    socket.on("close", (code) => settle({ kind: "failed", reason: `closed during the handshake (${code})` }));
    // The worker stops: give up this attempt at once.
    const onAbort = () => {
      socket.terminate();
      settle({ kind: "failed", reason: "aborted" });
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}
