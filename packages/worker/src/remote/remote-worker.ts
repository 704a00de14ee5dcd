// A remote worker: connects to the server's worker socket, takes assignments, runs them in its
// runner (a thread pool) with bundles fetched by hash, and reports back. Tries outlive the socket:
// while it is down they keep running, their results and logs are held, and after the reconnect
// the worker says what it still holds and sends what the server has not acknowledged. Every
// message about a try echoes the scheduler epoch its assignment carried; a try the server refuses
// (dispatched by a scheduler that has lost its lease) is stopped and forgotten, result and all.
// No frame goes out larger than the server takes (told in welcome): a result that would not fit
// is sent as a failure naming the limit, log batches are split and overlong lines cut.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import type WebSocket from "ws";
import { toErrorData } from "@updraft/sdk";
import { PROTOCOL_VERSION, type LogLine, type TaskAssignment, type TaskOutcome } from "../protocol.ts";
import { CloseCode, parseFrame, serverMessageSchema, type ServerMessage, type WorkerMessage } from "./messages.ts";
import { backoffDelay, sleep } from "./backoff.ts";
import { connectOnce, serverBase, socketUrl } from "./connect.ts";
import { BundleCache } from "./bundle-cache.ts";
import { LogBuffer } from "./log-buffer.ts";
import { SocketHost } from "./socket-host.ts";
import { TryBook } from "./try-book.ts";
import { fitLogLines, oversizedResult } from "./frame-fit.ts";
import type { RunnerEvent, TaskRunner } from "./runner.ts";
import { LOG_FLUSH_BYTES, WorkerExitCode, cancelledOutcome, defaultPrint, type RemoteWorkerOptions } from "./worker-options.ts";

export { WorkerExitCode, type RemoteWorkerOptions } from "./worker-options.ts";

/**
 * @example
 * const worker = new RemoteWorker({ server: "http://scheduler:8080", token, home: ".updraft",
 *   concurrency: 4, queues: ["default"], name: "gpu-box", version: "0.1.0",
 *   runner: (host) => new ThreadsExecutor({ host }) });
 * process.once("SIGTERM", () => worker.drain("SIGTERM"));
 * process.exitCode = await worker.run(); // 0 drained, 1 stopped at once, 2 refused
 */
export class RemoteWorker {
  readonly workerId: string;
  /** The host its tries call; every call is a request over the socket. */
  readonly host: SocketHost;
  readonly #o: RemoteWorkerOptions;
  readonly #base: string;
  readonly #runner: TaskRunner;
  readonly #bundles: BundleCache;
  readonly #book: TryBook;
  readonly #logs: LogBuffer;
  readonly #wake = new AbortController();
  #socket: WebSocket | null = null;
  /** The current socket has been welcomed: frames may go out. */
  #ready = false;
  #welcomed = false;
  #timeoutMs = 30_000;
  /** The largest frame the server takes (from welcome). */
  #maxFrameBytes = Number.POSITIVE_INFINITY;
  #lastHeard = 0;
  #timers: NodeJS.Timeout[] = [];
  /** `started` frames not sent yet (the socket was down). */
  readonly #startedOutbox = new Map<string, number>();
  /** Keys given back while the socket was down: `released` after the reconnect. */
  #toRelease: string[] = [];
  #draining = false;
  /** When each running try started, to announce it again after a reconnect. */
  readonly #startedAt = new Map<string, number>();
  /** Tries announced as started whose `go` has not come: each resolves true on it, false if it will not start. */
  readonly #awaitingGo = new Map<string, (go: boolean) => void>();
  #finished = false;
  #exit: (code: WorkerExitCode) => void = () => {};
  #counts = { assigned: 0, succeeded: 0, failed: 0, other: 0 };

  constructor(options: RemoteWorkerOptions) {
    this.#o = options;
    this.#base = serverBase(options.server);
    this.workerId = options.workerId ?? randomUUID();
    this.#book = new TryBook(options.concurrency);
    this.#logs = new LogBuffer(options.maxLogBytes ?? 4 * 1024 * 1024);
    this.#bundles = new BundleCache({ server: this.#base, token: options.token, dir: join(options.home, "bundles"), signal: this.#wake.signal });
    this.host = new SocketHost({
      send: (m) => this.#send(m),
      maxFrameBytes: () => this.#maxFrameBytes,
      log: (key, lines) => {
        if (!this.#book.live(key)) return;
        this.#logs.push(key, lines);
        if (this.#ready && this.#logs.bytes > LOG_FLUSH_BYTES) this.#flushLogs();
      },
      secede: (key, delta) => {
        this.#book.secede(key, delta);
        this.#pump();
      },
    });
    this.#runner = options.runner(this.host);
  }

  /** Runs until drained, stopped or refused; resolves with the exit code. */
  async run(): Promise<WorkerExitCode> {
    await this.#runner.start();
    this.#runner.onEvent((e) => this.#onRunnerEvent(e));
    const exit = new Promise<WorkerExitCode>((resolve) => (this.#exit = resolve));
    this.#connectLoop().catch((err: unknown) => {
      this.#print(`worker failed: ${err instanceof Error ? err.stack : String(err)}`, "err");
      void this.#finish(WorkerExitCode.stopped);
    });
    return exit;
  }

  /** Finishes running tries and delivers their results, takes no new ones, gives back the rest; then run() resolves 0. */
  drain(why: string): void {
    if (this.#draining || this.#finished) return;
    this.#draining = true;
    const released = this.#book.releaseAll();
    this.#print(`draining (${why}): finishing ${this.#book.running.size + this.#book.starting.size} running, giving back ${released.length} not started`);
    if (this.#send({ v: PROTOCOL_VERSION, type: "draining" })) {
      if (released.length > 0) this.#send({ v: PROTOCOL_VERSION, type: "released", keys: released });
    } else {
      this.#toRelease.push(...released);
    }
    this.#checkDrained();
  }

  /** Stops at once: aborts running tries (their results go out if the socket is up); run() resolves 1. */
  stop(why: string): Promise<void> {
    if (this.#finished) return Promise.resolve();
    this.#print(`stopping at once (${why})`);
    return this.#finish(WorkerExitCode.stopped);
  }

  /** Counts for status lines and tests. */
  status(): { running: number; pending: number; unacked: number; assigned: number; succeeded: number; failed: number; other: number; connected: boolean } {
    return {
      running: this.#book.running.size + this.#book.starting.size, pending: this.#book.pending.size,
      unacked: this.#book.results.size, ...this.#counts, connected: this.#ready,
    };
  }

  async #connectLoop(): Promise<void> {
    const url = socketUrl(this.#base);
    let failures = 0;
    while (!this.#finished) {
      const r = await connectOnce(url, this.#o.token, this.#o.handshakeTimeoutMs ?? 10_000, this.#wake.signal);
      if (this.#finished) {
        if (r.kind === "open") r.socket.terminate();
        return;
      }
      let why: string;
      if (r.kind === "refused") {
        this.#print(`the server refused the token (${r.status}): check --token / UPDRAFT_TOKEN; a worker needs a token of scope worker`, "err");
        return this.#finish(WorkerExitCode.refused);
      } else if (r.kind === "failed") {
        why = `cannot connect to ${url}: ${r.reason}`;
      } else {
        const closed = await this.#session(r.socket);
        if (this.#finished) return;
        if (closed.code === CloseCode.protocol) {
          const hint = /version|protocol|hello/i.test(closed.reason) || !closed.reason ? "; upgrade the worker to the server's version" : "";
          this.#print(`the server refused this worker (${closed.code}${closed.reason ? `: ${closed.reason}` : ""})${hint}`, "err");
          return this.#finish(WorkerExitCode.refused);
        }
        if (closed.code === CloseCode.unauthorized) {
          this.#print(`the server closed the connection (${closed.code}): the token was revoked or has expired; start the worker with a valid token of scope worker`, "err");
          return this.#finish(WorkerExitCode.refused);
        }
        if (closed.welcomed) failures = 0;
        why = `disconnected (${closed.code}${closed.reason ? ` ${closed.reason}` : ""})`;
      }
      // While it holds tries, it must be back before the server's time-out declares it lost, so
      // the back-off never grows past a quarter of that time-out.
      const backoff = this.#book.empty() ? this.#o.backoff : { ...this.#o.backoff, maxMs: Math.min(this.#o.backoff?.maxMs ?? 30_000, this.#timeoutMs / 4) };
      const delay = backoffDelay(failures++, backoff);
      this.#print(`${why}; reconnecting in ${(delay / 1000).toFixed(1)}s (attempt ${failures})`);
      await sleep(delay, this.#wake.signal);
    }
  }

  /** One connection, from hello to close. */
  #session(socket: WebSocket): Promise<{ code: number; reason: string; welcomed: boolean }> {
    return new Promise((resolve) => {
      this.#socket = socket;
      this.#ready = false;
      this.#welcomed = false;
      this.#lastHeard = Date.now();
      const welcomeTimer = setTimeout(() => {
        this.#print(`no welcome from the server within ${this.#o.handshakeTimeoutMs ?? 10_000}ms`);
        socket.terminate();
      }, this.#o.handshakeTimeoutMs ?? 10_000);
      socket.on("message", (data, isBinary) => {
        this.#lastHeard = Date.now();
        if (isBinary) return this.#print("ignored a binary frame from the server");
        const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString("utf8");
        if (this.#onFrame(text) === "welcome") clearTimeout(welcomeTimer);
      });
      socket.on("pong", () => (this.#lastHeard = Date.now()));
      socket.on("error", (err) => this.#print(`socket error: ${err.message}`));
      socket.once("close", (code, reason) => {
        clearTimeout(welcomeTimer);
        this.#clearTimers();
        if (this.#socket === socket) this.#socket = null;
        this.#ready = false;
        resolve({ code, reason: reason.toString(), welcomed: this.#welcomed });
      });
      const hello: WorkerMessage = {
        v: PROTOCOL_VERSION, type: "hello", workerId: this.workerId, name: this.#o.name, hostname: hostname(), pid: process.pid,
        version: this.#o.version, queues: this.#o.queues, capacity: this.#o.concurrency, running: this.#book.held(), draining: this.#draining,
      };
      socket.send(JSON.stringify(hello));
    });
  }

  /** Handles one frame; returns its type, or null for a bad frame (logged, never answered). */
  #onFrame(text: string): ServerMessage["type"] | null {
    const parsed = parseFrame(serverMessageSchema, text);
    if (!parsed.ok) {
      this.#print(`ignored a bad frame from the server: ${parsed.error}`);
      return null;
    }
    const m = parsed.message;
    switch (m.type) {
      case "welcome":
        this.#onWelcome(m);
        break;
      case "assign":
        this.#onAssign(m.assignment);
        break;
      case "go":
        this.#onGo(m.key);
        break;
      case "ack":
        this.#book.ack(m.key);
        this.#checkDrained();
        break;
      case "refused":
        this.#onRefused(m);
        break;
      case "cancel":
        this.#onCancel(m.key, m.reason);
        break;
      case "steal": {
        const keys = this.#book.steal(m.keys);
        this.#send({ v: PROTOCOL_VERSION, type: "released", keys });
        if (keys.length > 0) this.#print(`gave back ${keys.length} not started to the server ${this.#summary()}`);
        break;
      }
      case "drain":
        this.drain("the server asked");
        break;
      case "response":
        this.host.answer(m); // an answer to a call sent twice arrives twice: the second finds nothing
        break;
      case "protocol_error":
        this.#print(`the server reported a protocol error: ${m.message}`);
        break;
      default:
        return m satisfies never;
    }
    return m.type;
  }

  #onWelcome(m: Extract<ServerMessage, { type: "welcome" }>): void {
    this.#ready = true;
    this.#welcomed = true;
    this.#timeoutMs = m.timeoutMs;
    this.#maxFrameBytes = m.maxFrameBytes;
    for (const key of m.drop) this.#drop(key);
    const held = this.#book.held().length;
    this.#print(`connected to ${this.#base} as ${this.#o.name} (capacity ${this.#o.concurrency}, queues ${this.#o.queues.join(",")})`
      + `${held > 0 ? `, resuming ${held} tries` : ""}${m.drop.length > 0 ? `, ${m.drop.length} dropped by the server` : ""}`);
    // What the server missed while the socket was down, in the order it happened.
    if (this.#toRelease.length > 0) this.#send({ v: PROTOCOL_VERSION, type: "released", keys: this.#toRelease.splice(0) });
    if (this.#draining) this.#send({ v: PROTOCOL_VERSION, type: "draining" });
    // Every running try is announced again, not only those whose `started` could not be sent: a
    // frame sent just before a cut may never have arrived, and the server answers host calls only
    // for tries it knows have started. A repeated `started` is a no-op there.
    for (const [key, at] of this.#startedAt) if (this.#book.running.has(key)) this.#startedOutbox.set(key, at);
    for (const [key, at] of this.#startedOutbox) {
      const epoch = this.#book.epochOf(key);
      if (epoch !== undefined) this.#send({ v: PROTOCOL_VERSION, type: "started", key, epoch, at });
    }
    this.#startedOutbox.clear();
    this.#flushLogs();
    this.host.resend();
    for (const [key, r] of this.#book.results) this.#send({ v: PROTOCOL_VERSION, type: "result", key, epoch: r.epoch, outcome: r.outcome, at: r.at });
    this.#clearTimers();
    this.#timers.push(setInterval(() => this.#heartbeat(), m.heartbeatMs), setInterval(() => this.#flushLogs(), this.#o.logFlushMs ?? 100));
    this.#pump();
    this.#checkDrained();
  }

  #onAssign(a: TaskAssignment): void {
    if (this.#draining || this.#finished) {
      this.#send({ v: PROTOCOL_VERSION, type: "released", keys: [a.key] });
      return;
    }
    const held = this.#book.epochOf(a.key);
    if (held !== undefined && held !== (a.epoch ?? 0)) {
      // The same try number from a scheduler that took over: the old scheduler's try is void.
      this.#print(`${a.key}: assigned again under scheduler epoch ${a.epoch}; dropping the one of epoch ${held}`);
      this.#drop(a.key);
    }
    if (!this.#book.assign(a)) return; // sent twice
    this.#counts.assigned++;
    this.#print(`assigned ${a.key} ${this.#summary()}`);
    // Fetch the bundle now, so that it is there when a slot frees; a failure surfaces at start.
    this.#bundles.ensure(a.bundle.hash).catch(() => {});
    this.#pump();
  }

  #onCancel(key: string, reason: string): void {
    const a = this.#book.pending.get(key) ?? this.#book.starting.get(key);
    if (a) {
      this.#print(`cancelled ${key} before it started: ${reason}`);
      this.#settle(a, cancelledOutcome(a, reason));
    } else if (this.#book.running.has(key) && this.#abandonStart(key)) {
      this.#print(`cancelled ${key} before its code ran: ${reason}`);
      this.#settle(this.#book.running.get(key)!, cancelledOutcome(this.#book.running.get(key)!, reason));
    } else if (this.#book.running.has(key)) {
      this.#print(`cancelling ${key}: ${reason}`);
      this.#runner.cancel(key, reason);
    }
  }

  /** The server refuses a try of another scheduler epoch: it will never take it, so it goes. */
  #onRefused(m: Extract<ServerMessage, { type: "refused" }>): void {
    if (this.#book.epochOf(m.key) !== m.epoch) return; // that try is gone already
    this.#print(`the server refused ${m.key} (scheduler epoch ${m.epoch}): ${m.reason}; it is dropped ${this.#summary()}`);
    this.#drop(m.key);
    this.#checkDrained();
  }

  /** The server gave a try this worker held to another: stop it, forget its result and lines. */
  #drop(key: string): void {
    const waiting = this.#abandonStart(key);
    const place = this.#book.drop(key);
    this.#startedOutbox.delete(key);
    this.#startedAt.delete(key);
    this.#logs.discard(key);
    if (place === "running" && !waiting) this.#runner.cancel(key, "the server gave this try to another worker");
  }

  /** Starts pending tries while slots are free. */
  #pump(): void {
    if (this.#finished) return;
    const limit = this.#runner.stats().capacity;
    for (let a = this.#book.next(limit); a; a = this.#book.next(limit)) void this.#start(a);
  }

  async #start(a: TaskAssignment): Promise<void> {
    let path: string;
    try {
      path = await this.#bundles.ensure(a.bundle.hash);
    } catch (err) {
      if (!this.#book.starting.has(a.key)) return;
      const error = toErrorData(err);
      this.#onRunnerEvent({ type: "started", key: a.key, at: Date.now(), worker: this.#o.name });
      this.#logs.push(a.key, [{ at: Date.now(), level: "error", message: `${error.name}: ${error.message}` }]);
      this.#settle(a, { status: "failed", retryable: true, error });
      return;
    }
    if (!this.#book.run(a.key)) return; // cancelled or dropped while the bundle came
    // Announce the start and run no task code until the server has recorded it (its `go`): a try
    // the server never saw start is one it may give to another worker under the same try number.
    const at = Date.now();
    const go = new Promise<boolean>((resolve) => this.#awaitingGo.set(a.key, resolve));
    this.#startedAt.set(a.key, at);
    const epoch = this.#book.epochOf(a.key) ?? 0;
    if (!this.#send({ v: PROTOCOL_VERSION, type: "started", key: a.key, epoch, at })) this.#startedOutbox.set(a.key, at);
    if (!(await go) || !this.#book.live(a.key)) {
      // Cancelled, dropped or stopped while it waited: its code never ran. Clear it from the books
      // (a dropped one's result is thrown away there; a cancelled one was settled already).
      if (this.#book.running.has(a.key)) this.#settle(a, cancelledOutcome(a, "stopped before its code ran"));
      return;
    }
    try {
      this.#runner.submit({ ...a, bundle: { hash: a.bundle.hash, path } });
    } catch (err) {
      this.#settle(a, { status: "failed", retryable: true, error: toErrorData(err) });
    }
  }

  /** The server's `go` for a try waiting to start (a repeated or late one is ignored). */
  #onGo(key: string): void {
    const resolve = this.#awaitingGo.get(key);
    this.#awaitingGo.delete(key);
    resolve?.(true);
  }

  /** A try waiting for its `go` will not start: forget the wait; true if it was waiting. */
  #abandonStart(key: string): boolean {
    const resolve = this.#awaitingGo.get(key);
    if (!resolve) return false;
    this.#awaitingGo.delete(key);
    resolve(false);
    return true;
  }

  /** Ends a try that the runner will not report (never started, or refused by it). */
  #settle(a: TaskAssignment, outcome: TaskOutcome): void {
    this.#onRunnerEvent({ type: "finished", key: a.key, outcome, at: Date.now() });
  }

  #onRunnerEvent(e: RunnerEvent): void {
    if (e.type === "started") {
      if (!this.#book.live(e.key)) return;
      // Announced already, before the runner was given it (see #start).
      if (this.#startedAt.has(e.key)) return;
      this.#startedAt.set(e.key, e.at);
      const epoch = this.#book.epochOf(e.key) ?? 0;
      if (!this.#send({ v: PROTOCOL_VERSION, type: "started", key: e.key, epoch, at: e.at })) this.#startedOutbox.set(e.key, e.at);
      return;
    }
    this.#startedAt.delete(e.key);
    if (!this.#book.finish(e.key, e.outcome, e.at)) {
      this.#startedOutbox.delete(e.key);
      this.#logs.discard(e.key);
    } else {
      const status = e.outcome.status;
      if (status === "success") this.#counts.succeeded++;
      else if (status === "failed") this.#counts.failed++;
      else this.#counts.other++;
      this.#print(`finished ${e.key}: ${status}${status === "failed" ? ` (${e.outcome.error.name}: ${e.outcome.error.message.split("\n")[0]})` : ""} ${this.#summary()}`);
      if (this.#ready) {
        for (const batch of this.#logs.take(e.key)) this.#sendLog(batch);
        const held = this.#book.results.get(e.key)!;
        this.#send({ v: PROTOCOL_VERSION, type: "result", key: e.key, epoch: held.epoch, outcome: held.outcome, at: held.at });
      }
    }
    this.#pump();
    this.#checkDrained();
  }

  #heartbeat(): void {
    const socket = this.#socket;
    if (!socket || !this.#ready) return;
    if (Date.now() - this.#lastHeard > this.#timeoutMs) {
      this.#print(`no word from the server for ${Math.round((Date.now() - this.#lastHeard) / 1000)}s: dropping the connection`);
      socket.terminate();
      return;
    }
    this.#send({ v: PROTOCOL_VERSION, type: "heartbeat", at: Date.now(), running: this.#book.held() });
    socket.ping();
  }

  #flushLogs(): void {
    if (!this.#ready || this.#logs.size === 0) return;
    for (const batch of this.#logs.takeAll()) this.#sendLog(batch);
  }

  /** A try's lines, with its epoch, in as many frames as the server's frame limit needs. */
  #sendLog(batch: { key: string; lines: LogLine[] }): void {
    const epoch = this.#book.epochOf(batch.key);
    if (epoch === undefined) return; // the try is gone (dropped or refused): so are its lines
    for (const lines of fitLogLines(batch.lines, this.#maxFrameBytes)) this.#send({ v: PROTOCOL_VERSION, type: "log", key: batch.key, epoch, lines });
  }

  /** Sends a frame on a welcomed socket; false when there is none (the caller holds it for later). */
  #send(m: WorkerMessage): boolean {
    const socket = this.#socket;
    if (!socket || !this.#ready || socket.readyState !== socket.OPEN) return false;
    let text = JSON.stringify(m);
    if (m.type === "result" && Buffer.byteLength(text, "utf8") > this.#maxFrameBytes) {
      // The server would close the connection on it, and the worker would send it again forever.
      const outcome = oversizedResult(m.key, Buffer.byteLength(text, "utf8"), this.#maxFrameBytes);
      this.#print(`finished ${m.key}: its result is too large to send: ${outcome.error.message}`, "err");
      const held = this.#book.results.get(m.key);
      if (held) held.outcome = outcome;
      text = JSON.stringify({ ...m, outcome });
    }
    socket.send(text);
    return true;
  }

  #checkDrained(): void {
    if (this.#draining && !this.#finished && this.#book.empty() && this.#toRelease.length === 0) {
      this.#print(`drained: every try finished and its result was delivered ${this.#summary()}`);
      void this.#finish(WorkerExitCode.drained);
    }
  }

  async #finish(code: WorkerExitCode): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    this.#wake.abort();
    // Tries not started go back to the server now, so that it can give them to another worker.
    const released = this.#book.releaseAll();
    if (released.length > 0) this.#send({ v: PROTOCOL_VERSION, type: "released", keys: released });
    // Tries announced but still waiting for their `go` never ran: they end retryable, as aborted ones do.
    for (const key of [...this.#awaitingGo.keys()]) {
      const a = this.#book.running.get(key);
      this.#abandonStart(key);
      if (a) this.#settle(a, { status: "failed", retryable: true, error: toErrorData(new Error(`the worker stopped before try "${key}" ran`)) });
    }
    try {
      await this.#runner.stop({ graceful: code === WorkerExitCode.drained });
    } catch (err) {
      this.#print(`the runner did not stop cleanly: ${(err as Error).message}`, "err");
    }
    // Aborted tries reported their results through the runner's events; what could be sent is sent.
    this.#flushLogs();
    this.host.rejectAll("the worker stopped");
    this.#clearTimers();
    this.#socket?.close(1000, code === WorkerExitCode.drained ? "drained" : "worker stopped");
    this.#exit(code);
  }

  #clearTimers(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
  }

  #summary(): string {
    const s = this.status();
    return `[running ${s.running}/${this.#o.concurrency}, pending ${s.pending}, done ${s.succeeded}, failed ${s.failed}]`;
  }

  #print(line: string, stream: "out" | "err" = "out"): void {
    (this.#o.print ?? defaultPrint)(`worker ${this.#o.name}: ${line}`, stream);
  }
}
