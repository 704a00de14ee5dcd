// Test peers of the worker-socket suites: a remote worker the test drives frame by frame over a
// real WebSocket (every frame the server sends is validated against the catalog), a handshake
// probe that reports the HTTP status of a refused upgrade, and a TaskHost backed by maps.
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import {
  PROTOCOL_VERSION, WORKER_SOCKET_PATH, serverMessageSchema, type LogLine, type ServerMessage, type TaskAssignment, type TaskHost, type TaskOutcome, type TryRef,
} from "@updraft/worker";

export const success = (value: number): TaskOutcome => ({ status: "success", value, pushed: {} });

let tries = 0;

/** A try with a key unique in the test run. */
export function assignment(taskId: string, extra: Partial<TaskAssignment> = {}): TaskAssignment {
  const tryNumber = ++tries;
  return {
    v: 1, key: `socket_test/manual__1/${taskId}/-1/${tryNumber}`, dagId: "socket_test", runId: "manual__1", taskId, mapIndex: -1, tryNumber,
    bundle: { hash: "h", path: null }, args: [], logicalDate: "2026-01-01T00:00:00.000Z", dataIntervalStart: "2026-01-01T00:00:00.000Z",
    dataIntervalEnd: "2026-01-02T00:00:00.000Z", params: {}, conf: {}, runType: "manual", queue: "default", executionTimeoutMs: null,
    sensorStartedAt: null, ...extra,
  };
}

export function mapHost(variables: Record<string, string> = {}): TaskHost & { lines: Map<string, LogLine[]> } {
  const lines = new Map<string, LogLine[]>();
  return {
    lines,
    xcomPull: async () => undefined,
    variableGet: async (key) => variables[key],
    variableSet: async (key, value) => void (variables[key] = value),
    connectionGet: async () => undefined,
    submit: async () => ({ ok: true, value: null }),
    log: (key, batch) => void lines.set(key, [...(lines.get(key) ?? []), ...batch]),
  };
}

/** Tries to open the worker socket; the HTTP status and body of a refusal, or "open". */
export function handshake(baseUrl: string, authorization: string | null): Promise<{ status: number; body: string } | "open"> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}${WORKER_SOCKET_PATH}`, { headers: authorization ? { authorization } : {} });
    ws.on("open", () => {
      ws.close();
      resolve("open");
    });
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (s: string) => (body += s)).on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on("error", (err) => reject(err));
  });
}

/** A try as the worker names it; a bare key takes the epoch of its assignment here (0 when none). */
export type TryName = string | TryRef;

export interface HelloOptions {
  queues?: string[];
  capacity?: number;
  running?: TryName[];
}

/** A worker over a real socket; the test sends its frames and reads what the server sent. */
export class SocketWorker {
  readonly name: string;
  readonly workerId: string;
  readonly received: ServerMessage[] = [];
  closed: { code: number; reason: string } | null = null;
  #ws: WebSocket | null = null;
  readonly #baseUrl: string;
  readonly #token: string;

  constructor(baseUrl: string, token: string, name: string, workerId: string = randomUUID()) {
    this.#baseUrl = baseUrl;
    this.#token = token;
    this.name = name;
    this.workerId = workerId;
  }

  /** Opens a connection, says hello and waits for the welcome. */
  async connect(hello: HelloOptions = {}): Promise<Extract<ServerMessage, { type: "welcome" }>> {
    await this.open();
    const before = this.of("welcome").length;
    this.send({
      type: "hello", workerId: this.workerId, name: this.name, hostname: "test-host", pid: process.pid, version: "test",
      queues: hello.queues ?? ["default"], capacity: hello.capacity ?? 1, running: (hello.running ?? []).map((t) => this.ref(t)), draining: false,
    });
    return this.until(() => this.of("welcome")[before]);
  }

  /** Opens a connection and says nothing yet. */
  async open(): Promise<void> {
    const ws = new WebSocket(`${this.#baseUrl.replace(/^http/, "ws")}${WORKER_SOCKET_PATH}`, { headers: { authorization: `Bearer ${this.#token}` } });
    this.#ws = ws;
    this.closed = null;
    ws.on("message", (data) => {
      if (this.#ws === ws) this.received.push(serverMessageSchema.parse(JSON.parse(String(data))));
    });
    ws.on("close", (code, reason) => {
      if (this.#ws === ws) this.closed = { code, reason: reason.toString() };
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
  }

  send(message: Record<string, unknown>): void {
    this.raw(JSON.stringify({ v: PROTOCOL_VERSION, ...message }));
  }

  raw(text: string): void {
    this.#ws?.send(text);
  }

  /** The link dies without a close handshake (a network cut, a killed process). */
  cut(): void {
    this.#ws?.terminate();
  }

  of<T extends ServerMessage["type"]>(type: T): Array<Extract<ServerMessage, { type: T }>> {
    return this.received.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }

  assigned(): string[] {
    return this.of("assign").map((m) => m.assignment.key);
  }

  /** The epoch the server gave try `key` in its last assignment here; 0 when none. */
  epochOf(key: string): number {
    return this.of("assign").findLast((m) => m.assignment.key === key)?.assignment.epoch ?? 0;
  }

  ref(t: TryName): TryRef {
    return typeof t === "string" ? { key: t, epoch: this.epochOf(t) } : t;
  }

  started(key: string, epoch = this.epochOf(key)): void {
    this.send({ type: "started", key, epoch, at: Date.now() });
  }

  log(key: string, lines: LogLine[], epoch = this.epochOf(key)): void {
    this.send({ type: "log", key, epoch, lines });
  }

  result(key: string, outcome: TaskOutcome = success(1), epoch = this.epochOf(key)): void {
    this.send({ type: "result", key, epoch, outcome, at: Date.now() });
  }

  heartbeat(running: TryName[] = []): void {
    this.send({ type: "heartbeat", at: Date.now(), running: running.map((t) => this.ref(t)) });
  }

  /** Polls `check` until it gives a value (not undefined or false). */
  async until<T>(check: () => T | undefined | null | false, timeoutMs = 5_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined && v !== null && v !== false) return v;
      if (Date.now() > end) throw new Error(`worker ${this.name}: condition not met within ${timeoutMs}ms; received ${JSON.stringify(this.received.map((m) => m.type))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
