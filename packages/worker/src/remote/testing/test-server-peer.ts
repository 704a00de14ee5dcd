// A TEST PEER, not the server: the smallest real HTTP + WebSocket server on 127.0.0.1 that speaks
// the worker message catalog, so the worker's client can be tested over real sockets while the
// real server side lives in @updraft/executor / @updraft/api. It checks the bearer token at the
// upgrade, welcomes, acks, answers host requests through a handler, serves bundles, and records
// every frame it receives.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { PROTOCOL_VERSION } from "../../protocol.ts";
import {
  WORKER_SOCKET_PATH, bundlePath, parseFrame, workerMessageSchema, type HostCall, type ServerMessage, type WorkerMessage,
} from "../messages.ts";

type Response = Extract<ServerMessage, { type: "response" }>["result"];

export interface TestServerPeerOptions {
  token: string;
  heartbeatMs?: number;
  timeoutMs?: number;
  /** Told to the worker in welcome. Default 5 MiB. */
  maxFrameBytes?: number;
}

/** A frame the peer received, with the number of the connection it came on (from 1). */
export interface Received {
  conn: number;
  message: WorkerMessage;
}

export const sha256 = (code: string): string => createHash("sha256").update(code).digest("hex");

export class TestServerPeer {
  readonly url: string;
  readonly frames: Received[] = [];
  /** Status answered to each upgrade attempt (101 accepted). */
  readonly upgrades: number[] = [];
  /** Hashes asked for over HTTP. */
  readonly bundleRequests: string[] = [];
  /** Bundles served, by hash; a test may map a hash to other content to provoke a mismatch. */
  readonly bundles = new Map<string, string>();
  /** Answer upgrades with this status instead of accepting them (401, 403, 503…). */
  refuseWith: number | null = null;
  /** Keys the next welcome tells the worker to drop. */
  welcomeDrop: string[] = [];
  autoAck = true;
  /** Answer each `started` with `go`, as the server does once it has recorded the start. */
  autoGo = true;
  /** Answers host requests; null leaves a request unanswered. Default: variables "v:<key>", errors otherwise. */
  onRequest: (request: HostCall, conn: number) => Response | null = (r) =>
    r.call === "variableGet" ? { ok: true, value: `v:${r.args.key}` } : { ok: false, error: { name: "Error", message: `no ${r.call} here` } };
  /** Protocol errors it sent back for bad frames. */
  readonly badFrames: string[] = [];
  connections = 0;
  current: WebSocket | null = null;
  /** While true the peer reads frames but neither answers pings nor acts: a half-open connection. */
  silent = false;

  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true, autoPong: false });
  readonly #o: TestServerPeerOptions;
  readonly #waiters = new Set<() => void>();
  readonly #sockets = new Set<Socket>();

  private constructor(http: Server, options: TestServerPeerOptions) {
    this.#http = http;
    this.#o = options;
    this.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    http.on("connection", (s) => {
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
    });
    http.on("request", (req, res) => {
      const hash = decodeURIComponent(req.url?.split("/").pop() ?? "");
      if (req.headers.authorization !== `Bearer ${options.token}`) return void res.writeHead(401).end("unauthorized");
      this.bundleRequests.push(hash);
      const code = this.bundles.get(hash);
      if (req.url !== bundlePath(hash) || code === undefined) return void res.writeHead(404).end(`no bundle ${hash}`);
      res.writeHead(200, { "content-type": "text/javascript", etag: `"${hash}"` }).end(code);
    });
    http.on("upgrade", (req, socket, head) => {
      const status = req.url !== WORKER_SOCKET_PATH ? 404 : req.headers.authorization !== `Bearer ${options.token}` ? 401 : this.refuseWith;
      this.upgrades.push(status ?? 101);
      if (status !== null) {
        socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
    });
  }

  static async start(options: TestServerPeerOptions): Promise<TestServerPeer> {
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    return new TestServerPeer(http, options);
  }

  /** Adds a bundle and returns its hash. */
  addBundle(code: string): string {
    const hash = sha256(code);
    this.bundles.set(hash, code);
    return hash;
  }

  send(message: ServerMessage): void {
    if (!this.current) throw new Error("test peer: no worker connected");
    this.current.send(JSON.stringify(message));
  }

  sendRaw(text: string): void {
    this.current?.send(text);
  }

  /** Frames of one type, optionally only those of one connection. */
  of<T extends WorkerMessage["type"]>(type: T, conn?: number): Extract<WorkerMessage, { type: T }>[] {
    return this.frames.filter((f) => f.message.type === type && (conn === undefined || f.conn === conn)).map((f) => f.message as Extract<WorkerMessage, { type: T }>);
  }

  /** The first frame received (before or after the call) of that type that matches. */
  waitFor<T extends WorkerMessage["type"]>(type: T, match: (m: Extract<WorkerMessage, { type: T }>) => boolean = () => true, timeoutMs = 10_000): Promise<Extract<WorkerMessage, { type: T }>> {
    return this.until(() => this.of(type).find(match), `a "${type}" frame`, timeoutMs);
  }

  /** Resolves when `probe` returns something other than undefined/false (checked on each frame, and every 10ms). */
  until<R>(probe: () => R | undefined | false, what: string, timeoutMs = 10_000): Promise<R> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const r = probe();
        if (r === undefined || r === false) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        clearInterval(poll);
        resolve(r);
      };
      const poll = setInterval(check, 10);
      const timer = setTimeout(() => {
        clearInterval(poll);
        this.#waiters.delete(check);
        reject(new Error(`test peer: timed out waiting for ${what}; received ${this.frames.map((f) => `${f.conn}:${f.message.type}`).join(" ")}`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  /** Cuts the current connection without a close frame (the worker sees 1006). */
  kill(): void {
    this.current?.terminate();
  }

  async close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #accept(ws: WebSocket): void {
    const conn = ++this.connections;
    this.current = ws;
    ws.on("close", () => {
      if (this.current === ws) this.current = null;
    });
    ws.on("ping", (data) => {
      if (!this.silent) ws.pong(data);
    });
    ws.on("message", (data) => {
      if (this.silent) return;
      const parsed = parseFrame(workerMessageSchema, String(data));
      if (!parsed.ok) {
        this.badFrames.push(parsed.error);
        ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: "protocol_error", message: parsed.error } satisfies ServerMessage));
        return;
      }
      const m = parsed.message;
      this.frames.push({ conn, message: m });
      if (m.type === "hello") {
        this.#reply(ws, { v: PROTOCOL_VERSION, type: "welcome", heartbeatMs: this.#o.heartbeatMs ?? 5_000, timeoutMs: this.#o.timeoutMs ?? 30_000, drop: this.welcomeDrop.splice(0), maxFrameBytes: this.#o.maxFrameBytes ?? 5 * 1024 * 1024 });
      } else if (m.type === "started" && this.autoGo) {
        this.#reply(ws, { v: PROTOCOL_VERSION, type: "go", key: m.key });
      } else if (m.type === "result" && this.autoAck) {
        this.#reply(ws, { v: PROTOCOL_VERSION, type: "ack", key: m.key });
      } else if (m.type === "request") {
        const result = this.onRequest(m.request, conn);
        if (result) this.#reply(ws, { v: PROTOCOL_VERSION, type: "response", id: m.id, result });
      }
      for (const w of [...this.#waiters]) w();
    });
  }

  #reply(ws: WebSocket, m: ServerMessage): void {
    ws.send(JSON.stringify(m));
  }
}
