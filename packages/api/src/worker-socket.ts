// The remote workers' WebSocket endpoint (DESIGN.md, Contract 5), on the Node HTTP server's
// `upgrade` event: the handshake is authenticated (`Authorization: Bearer <token>` with the
// `worker` scope) before the socket is opened, so a bad token gets an HTTP 401 (403 for a token
// of another scope) and never a socket; then every frame goes to the process's worker gateway
// (the remote executor), which validates and answers it, one large frame per turn of the event
// loop. A process without a scheduler (`updraft api`) answers 503: workers connect to the one
// that runs it.
import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, WebSocket, type RawData } from "ws";
import type { WorkerLink } from "@updraft/executor";
import type { Store } from "@updraft/store";
import { CloseCode, WORKER_SOCKET_PATH, maxWorkerFrameBytes } from "@updraft/worker";
import { allows, credentialsChecker, unauthenticated } from "./auth.ts";
import type { Problem } from "./problem.ts";
import type { WorkerGateway } from "./types.ts";

export type { WorkerGateway };

export interface WorkerSocketOptions {
  store: Store;
  /** The remote executor; absent in a process without a scheduler (then 503). */
  workers?: WorkerGateway | null;
  /**
   * Largest frame accepted (a result with its XComs): a larger one closes the connection (1009)
   * before it is buffered. Default maxWorkerFrameBytes(), derived from UPDRAFT_MAX_XCOM_BYTES
   * (5 MiB with the defaults), which the remote executor also tells workers in `welcome`.
   */
  maxPayload?: number;
  /** How often an open socket's token is checked again (revoked or expired: closed, 4401). Default 30s. */
  recheckMs?: number;
}

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** A Node HTTP server, as far as upgrades go (what `@hono/node-server`'s `serve` returns). */
export interface UpgradingServer {
  on(event: "upgrade", listener: UpgradeListener): unknown;
  off(event: "upgrade", listener: UpgradeListener): unknown;
}

export const NO_SCHEDULER = "workers connect to the process that runs the scheduler (updraft standalone)";

/** A frame longer than this yields the event loop before the socket is read again. */
const YIELD_AFTER_CHARS = 64 * 1024;

/** How long a closing socket may take to finish the close handshake before it is cut. */
const CLOSE_GRACE_MS = 5_000;

function refuse(socket: Duplex, status: number, detail: string, headers: Record<string, string> = {}): void {
  const body: Problem = { type: "about:blank", title: STATUS_CODES[status] ?? "Error", status, detail, instance: WORKER_SOCKET_PATH };
  const text = JSON.stringify(body);
  const head = { "Content-Type": "application/problem+json", "Content-Length": String(Buffer.byteLength(text)), Connection: "close", ...headers };
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n${Object.entries(head).map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n${text}`);
}

const asText = (data: RawData): string => (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString("utf8");

/** A close reason is at most 123 bytes. */
const clip = (reason: string) => (Buffer.byteLength(reason) <= 123 ? reason : Buffer.from(reason).subarray(0, 123).toString("utf8").replace(/\uFFFD+$/, ""));

function linkOf(ws: WebSocket): WorkerLink {
  return {
    send(message) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    },
    close(code, reason) {
      if (ws.readyState !== WebSocket.OPEN && ws.readyState !== WebSocket.CONNECTING) return;
      ws.close(code, clip(reason));
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    },
  };
}

/**
 * Serves the worker socket on a Node HTTP server (the one `@hono/node-server`'s `serve` returns).
 * @example
 * const server = serve({ fetch: app.fetch, port: 8080 });
 * const socket = attachWorkerSocket(server, { store, workers: remoteExecutor });
 * // later: socket.close();
 */
export function attachWorkerSocket(server: UpgradingServer, opts: WorkerSocketOptions): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload ?? maxWorkerFrameBytes(), perMessageDeflate: false });
  const check = credentialsChecker(opts.store);

  const open = (gateway: WorkerGateway, req: IncomingMessage, ws: WebSocket, principal: string, header: string) => {
    const session = gateway.connect(linkOf(ws), { address: req.socket.remoteAddress, principal });
    // A token revoked or expired while its socket is open stops working there too.
    const recheck = setInterval(() => {
      check(header).then((p) => {
        if (!p || !allows(p.scope, "worker")) linkOf(ws).close(CloseCode.unauthorized, "the worker's token was revoked or has expired");
      }, () => undefined);
    }, opts.recheckMs ?? 30_000);
    recheck.unref();
    ws.on("message", (data) => {
      const text = asText(data);
      session.receive(text);
      // A large frame (a batch of log lines, a result) is followed by a turn of the event loop
      // before the socket is read again: a worker flooding its log holds the main thread for one
      // frame at a time, and health checks, the UI and the scheduler get their turns in between.
      if (text.length > YIELD_AFTER_CHARS && ws.readyState === WebSocket.OPEN) {
        ws.pause();
        setImmediate(() => ws.resume());
      }
    });
    ws.on("close", (code) => {
      clearInterval(recheck);
      session.closed(code);
    });
    ws.on("error", () => undefined); // a close follows
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? "/", "http://localhost").pathname !== WORKER_SOCKET_PATH) return;
    socket.on("error", () => socket.destroy());
    const header = req.headers.authorization ?? "";
    check(header).then((principal) => {
      if (!principal) return refuse(socket, 401, unauthenticated(header), { "WWW-Authenticate": "Bearer" });
      if (!allows(principal.scope, "worker")) return refuse(socket, 403, `a worker needs a token with the "worker" scope; this one has "${principal.scope}" (see \`updraft tokens create --scope worker\`)`);
      const gateway = opts.workers;
      if (!gateway) return refuse(socket, 503, NO_SCHEDULER);
      wss.handleUpgrade(req, socket, head, (ws) => open(gateway, req, ws, principal.name, header));
    }, (err: unknown) => {
      console.error(`api: worker socket handshake: ${(err as Error).stack ?? String(err)}`);
      refuse(socket, 500, "internal error; the server log has the details");
    });
  };

  server.on("upgrade", onUpgrade);
  return {
    close() {
      server.off("upgrade", onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
