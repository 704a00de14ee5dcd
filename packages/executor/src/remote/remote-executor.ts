// The remote executor, Dask-scheduler-like: a registry of workers connected over some transport
// (the API package's WebSocket), plus, optionally, the scheduler's own threads as a local member.
// A try goes to a member serving its queue with the most free capacity; tries nobody has room for
// wait here, per queue; an idle member takes waiting tries from a loaded one (work stealing); a
// worker silent past its time-out is lost and its tries fail, retryable (Airflow's zombies).
// Every try carries the epoch of the scheduler lease it was dispatched under: a worker's messages
// about a try of another epoch than the current one are refused at receipt (`refused`), and a
// result is checked against the XCom size limit before the scheduler sees it.
import {
  CloseCode, PROTOCOL_VERSION, maxWorkerFrameBytes, xcomLimitError,
  type HostCall, type TaskAssignment, type TaskHost, type TaskOutcome, type TryRef,
} from "@updraft/worker";
import { EventHub, type Executor, type ExecutorEvent, type ExecutorStats } from "../executor.ts";
import { DuplicateTryError, ExecutorNotRunningError } from "../errors.ts";
import { cancelled, stopped } from "../outcomes.ts";
import { awaitingHost, callHost } from "./host-calls.ts";
import { LocalMember, type RemoteWorker, type TrySlot } from "./members.ts";
import { workerLost } from "./outcomes.ts";
import { roomOf } from "./placement.ts";
import { TryPlacer } from "./try-placer.ts";
import { openSession, type Hello, type SessionMessage } from "./worker-session.ts";
import { WorkerState, type PeerInfo, type WorkerEvent, type WorkerEventType, type WorkerInfo, type WorkerLink, type WorkerSession } from "./types.ts";
import { WorkerIdTakenError, WorkerRegistry } from "./worker-registry.ts";
import { toErrorData } from "@updraft/sdk";

export interface RemoteExecutorOptions {
  /** What running tries may ask of the scheduler: XComs, variables, connections, submit, logs. */
  host: TaskHost;
  /** How long a new connection has to send its hello before it is closed (4400). Default 10s. */
  helloTimeoutMs?: number;
  /**
   * The scheduler's own executor as a member serving `queues` (none: remote workers only). Given
   * as a factory, it gets a host that tells this executor while a try awaits submitted children,
   * so that such a try does not count against the threads' capacity.
   */
  local?: { executor: Executor | ((host: TaskHost) => Executor); queues: string[] };
  /** How often workers heartbeat (told in `welcome`). Default a fifth of the time-out, at most 5s. */
  heartbeatMs?: number;
  /** A worker silent this long is lost. Default 30s. */
  timeoutMs?: number;
  /** Tries a member may hold beyond its capacity, not yet started. Default: its capacity. */
  prefetch?: number;
  /** Lost workers stay listed this long (default 1h), at most this many (default 100). */
  keepLostMs?: number;
  keepLost?: number;
  /** Things worth a line in the server log: late results ignored, workers lost. */
  onWarning?: (message: string) => void;
  /**
   * The largest frame the transport accepts, told to workers in `welcome` so that they never send
   * a larger one. Default: maxWorkerFrameBytes() (what attachWorkerSocket sets by default).
   */
  maxFrameBytes?: number;
}

/** The epoch an assignment was dispatched under (0: by a scheduler that holds no lease). */
const epochOf = (a: TaskAssignment): number => a.epoch ?? 0;

const Lifecycle = { idle: "not started", running: "running", stopping: "stopping", stopped: "stopped" } as const;
type Lifecycle = (typeof Lifecycle)[keyof typeof Lifecycle];

/** Close code for a connection whose worker was declared lost (it may connect again: its tries are dropped). */
export const LOST_CLOSE_CODE = CloseCode.lost;

/**
 * Runs tries on remote workers (and, optionally, the scheduler's own threads), routed by queue.
 *
 * @example
 * const executor = new RemoteExecutor({ host, local: { executor: (h) => new ThreadsExecutor({ host: h }), queues: ["default"] } });
 * await executor.start();
 * const session = executor.connect(link, { address: "10.0.0.7" }); // from the transport, per connection
 * executor.submit(assignment); // placed on a worker serving assignment.queue
 */
export class RemoteExecutor implements Executor {
  readonly name = "remote";
  readonly #host: TaskHost;
  readonly #local: LocalMember | null;
  readonly #registry: WorkerRegistry;
  readonly #heartbeatMs: number;
  readonly #timeoutMs: number;
  readonly #helloTimeoutMs: number | undefined;
  readonly #warn: (message: string) => void;
  readonly #events = new EventHub<ExecutorEvent>();
  readonly #placer: TryPlacer;
  #state: Lifecycle = Lifecycle.idle;
  #timer: NodeJS.Timeout | null = null;
  #stopping: Promise<void> | null = null;
  #drained: (() => void) | null = null;
  readonly #maxFrameBytes: number;
  /** The current epoch (the scheduler's, through `gate`); 0 while no scheduler gates this executor. */
  #epoch: () => number | null = () => 0;

  constructor(options: RemoteExecutorOptions) {
    this.#host = options.host;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#helloTimeoutMs = options.helloTimeoutMs;
    this.#heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.min(5_000, Math.floor(this.#timeoutMs / 5)));
    this.#warn = options.onWarning ?? (() => undefined);
    this.#maxFrameBytes = options.maxFrameBytes ?? maxWorkerFrameBytes();
    this.#registry = new WorkerRegistry({
      prefetch: options.prefetch, keepLostMs: options.keepLostMs ?? 3_600_000, keepLost: options.keepLost ?? 100,
    });
    const local = options.local;
    if (local) {
      const executor = typeof local.executor === "function" ? local.executor(awaitingHost(options.host, (key, d) => this.#awaiting(key, d))) : local.executor;
      this.#local = new LocalMember(executor, [...local.queues], options.prefetch);
      executor.onEvent((e) => this.#onLocalEvent(e));
    } else this.#local = null;
    this.#placer = new TryPlacer({
      name: this.name, registry: this.#registry, local: this.#local, warn: this.#warn,
      finished: (key, outcome, at) => this.#emitFinished(key, outcome, at),
    });
  }

  async start(): Promise<void> {
    if (this.#state !== Lifecycle.idle) return;
    this.#state = Lifecycle.running;
    await this.#local?.executor.start();
    const every = Math.min(1_000, Math.max(10, Math.floor(this.#timeoutMs / 10)));
    this.#timer = setInterval(() => this.#checkLiveness(), every);
    this.#timer.unref();
  }

  gate(admit: () => boolean, until?: () => number, epoch?: () => number | null): void {
    this.#placer.admit = admit;
    if (epoch) this.#epoch = epoch;
    this.#local?.executor.gate?.(admit, until, epoch);
  }

  /** An assignment without an epoch is stamped with the current one (0 when there is none). */
  submit(assignment: TaskAssignment): void {
    const { key } = assignment;
    if (this.#state !== Lifecycle.running) throw new ExecutorNotRunningError(this.name, this.#state, key);
    if (this.#placer.tries.has(key)) throw new DuplicateTryError(this.name, key);
    this.#placer.add(assignment.epoch === undefined ? { ...assignment, epoch: this.#epoch() ?? 0 } : assignment);
  }

  cancel(key: string, reason: string): void {
    const slot = this.#placer.tries.get(key);
    if (!slot) return;
    const member = slot.member;
    if (!member) {
      this.#placer.unqueue(slot);
      queueMicrotask(() => this.#emitFinished(key, cancelled(slot.assignment, reason), Date.now()));
    } else if (member.kind === "local") {
      member.executor.cancel(key, reason);
    } else {
      slot.cancelled = reason;
      member.link?.send({ v: PROTOCOL_VERSION, type: "cancel", key, reason });
    }
  }

  onEvent(listener: (event: ExecutorEvent) => void): () => void {
    return this.#events.on(listener);
  }

  stats(): ExecutorStats {
    let running = 0;
    let queued = 0;
    let capacity = 0;
    let threads = 0;
    const queues: NonNullable<ExecutorStats["queues"]> = {};
    const queue = (name: string) => (queues[name] ??= { capacity: 0, inFlight: 0 });
    for (const m of this.#placer.members()) {
      let c = m.capacity;
      if (m.kind === "local") {
        const s = m.executor.stats();
        running += s.running;
        queued += s.queued;
        threads += s.threads;
        c = s.capacity;
      } else if (m.link) threads++;
      if (!m.accepting()) continue;
      capacity += c;
      for (const q of m.queues) queue(q).capacity += c;
    }
    for (const slot of this.#placer.tries.values()) {
      if (slot.member?.kind === "remote" && slot.started) running++;
      else if (slot.member?.kind !== "local") queued++;
      if (slot.awaiting === 0) queue(slot.assignment.queue).inFlight++;
    }
    return { running, queued, capacity, threads, queues };
  }

  async stop(opts: { graceful?: boolean } = {}): Promise<void> {
    const graceful = opts.graceful ?? true;
    if (this.#state === Lifecycle.stopped) return;
    if (this.#stopping) {
      if (!graceful) this.#abortAll(true);
      return this.#stopping;
    }
    this.#stopping = this.#shutDown(graceful);
    return this.#stopping;
  }

  /**
   * A worker connected: the transport feeds the returned session the connection's frames and its
   * close. The first frame must be a `hello`.
   */
  connect(link: WorkerLink, peer: PeerInfo = {}): WorkerSession {
    return openSession({
      hello: (hello, l, p) => this.#hello(hello, l, p),
      message: (worker, message) => this.#message(worker, message),
      closed: (worker, code) => this.#closed(worker, code),
    }, link, peer, this.#helloTimeoutMs);
  }

  /** The workers known now: connected, draining, disconnected, and recently lost ones. */
  workers(): WorkerInfo[] {
    return this.#registry.list().map((w) => w.info());
  }

  /** Joins, leaves, losses, reconnections and drains, as they happen. */
  onWorkerEvent(listener: (event: WorkerEvent) => void): () => void {
    return this.#registry.events.on(listener);
  }

  #emitFinished(key: string, outcome: TaskOutcome, at: number): void {
    this.#events.emit({ type: "finished", key, outcome, at });
    if (this.#drained && this.#placer.remoteHeld() === 0) this.#drained();
  }

  #awaiting(key: string, delta: 1 | -1): void {
    const slot = this.#placer.tries.get(key);
    if (!slot) return;
    slot.awaiting = Math.max(0, slot.awaiting + delta);
    if (delta === 1 && slot.awaiting === 1) this.#placer.pump();
  }

  #onLocalEvent(e: ExecutorEvent): void {
    const slot = this.#placer.tries.get(e.key);
    if (!slot || slot.member !== this.#local) return;
    if (e.type === "started") {
      slot.started = true;
      this.#events.emit(e);
      return;
    }
    this.#placer.finish(slot, e.outcome, e.at);
    this.#placer.pump();
  }

  // ---- workers ---------------------------------------------------------------------------

  #hello(hello: Hello, link: WorkerLink, peer: PeerInfo): RemoteWorker | null {
    // While stopping, only a known worker may come back (to report what it still runs).
    if (this.#state !== Lifecycle.running && !(this.#state === Lifecycle.stopping && this.#registry.canResume(hello.workerId))) {
      link.close(CloseCode.shutdown, this.#state === Lifecycle.idle ? "the server is starting" : "the server is stopping");
      return null;
    }
    let admitted: ReturnType<WorkerRegistry["admit"]>;
    try {
      admitted = this.#registry.admit(hello, link, peer, Date.now());
    } catch (err) {
      if (!(err instanceof WorkerIdTakenError)) throw err;
      this.#warn(`a connection from ${peer.address ?? "?"} (${peer.principal ?? "?"}) refused: ${err.message}`);
      link.send({ v: PROTOCOL_VERSION, type: "protocol_error", message: err.message });
      link.close(CloseCode.protocol, "worker id taken by another principal");
      return null;
    }
    const { worker, resumed, replaced } = admitted;
    replaced?.close(CloseCode.replaced, "another connection took over this worker id");
    const drop: string[] = [];
    // A try counts as reported only under the epoch it was placed with: one of an earlier
    // scheduler with the same key is another try, and is dropped.
    const reported = new Set(hello.running.filter((r) => this.#slotFor(worker, r)).map((r) => r.key));
    if (resumed) {
      for (const slot of [...worker.tries.values()]) {
        this.#placer.setStealFor(slot, null); // a steal sent on the old connection may never have arrived
        if (!reported.has(slot.assignment.key)) this.#placer.replace(slot); // lost in transit: never ran there
      }
    }
    for (const r of hello.running) if (!reported.has(r.key)) drop.push(r.key);
    link.send({ v: PROTOCOL_VERSION, type: "welcome", heartbeatMs: this.#heartbeatMs, timeoutMs: this.#timeoutMs, drop, maxFrameBytes: this.#maxFrameBytes });
    for (const slot of worker.tries.values()) {
      if (slot.cancelled !== null) link.send({ v: PROTOCOL_VERSION, type: "cancel", key: slot.assignment.key, reason: slot.cancelled });
    }
    this.#emitWorker(resumed ? "reconnected" : "joined", worker);
    this.#placer.pump();
    return worker;
  }

  #message(worker: RemoteWorker, m: SessionMessage): void {
    worker.lastSeen = Date.now();
    switch (m.type) {
      case "started": {
        if (this.#refusedStale(worker, m)) return;
        const slot = this.#slotFor(worker, m);
        if (!slot) {
          worker.link?.send({ v: PROTOCOL_VERSION, type: "cancel", key: m.key, reason: `try "${m.key}" is not assigned to worker "${worker.name}"` });
          return;
        }
        // Recorded before the worker may run any of the try's code (the `go`): were the worker to
        // die now, the try counts as started and is retried under a new try number, never re-placed.
        const first = !slot.started;
        slot.started = true;
        worker.link?.send({ v: PROTOCOL_VERSION, type: "go", key: m.key });
        if (!first) return;
        this.#placer.setStealFor(slot, null);
        this.#events.emit({ type: "started", key: m.key, at: m.at, worker: worker.label });
        return;
      }
      case "log":
        if (this.#refusedStale(worker, m)) return;
        if (this.#slotFor(worker, m)) this.#host.log(m.key, m.lines);
        return;
      case "result": {
        // Refused before anything of it is acked or recorded: the worker forgets it.
        if (this.#refusedStale(worker, m)) return;
        worker.link?.send({ v: PROTOCOL_VERSION, type: "ack", key: m.key });
        const slot = this.#slotFor(worker, m);
        if (!slot) {
          this.#warn(`worker "${worker.name}" sent a result for try "${m.key}", which is no longer assigned to it (lost or taken back): ignored`);
          return;
        }
        const outcome = this.#withinLimits(slot, m.outcome);
        if (outcome.status === "failed") worker.failed++;
        else worker.done++;
        this.#placer.finish(slot, outcome, m.at);
        this.#closeIfDrained(worker);
        this.#placer.pump();
        return;
      }
      case "heartbeat":
        return this.#reconcile(worker, m.running);
      case "request":
        return this.#request(worker, m);
      case "released":
        return this.#released(worker, m.keys);
      case "draining":
        if (worker.state === WorkerState.online) {
          worker.state = WorkerState.draining;
          this.#emitWorker("draining", worker);
        }
        this.#closeIfDrained(worker);
        this.#placer.pump();
        return;
      default:
        return m satisfies never;
    }
  }

  /** The slot `ref` names on this worker: same key, and placed under the same epoch. */
  #slotFor(worker: RemoteWorker, ref: TryRef): TrySlot | undefined {
    const slot = worker.tries.get(ref.key);
    return slot && epochOf(slot.assignment) === ref.epoch ? slot : undefined;
  }

  /** Why a message about try `ref` is refused (its epoch is not the current one), or null. */
  #stale(ref: TryRef): string | null {
    const current = this.#epoch();
    if (current === null) return `try "${ref.key}" (epoch ${ref.epoch}) refused: this server's scheduler holds no lease it may act on now (lost to another scheduler, past its local deadline after a pause, or not claimed yet)`;
    if (ref.epoch !== current) return `try "${ref.key}" was dispatched under scheduler epoch ${ref.epoch}, and the current epoch is ${current} (another scheduler has taken over since): refused`;
    return null;
  }

  /** Tells the worker a try of another epoch is refused; true when it was. Nothing of it is recorded. */
  #refusedStale(worker: RemoteWorker, ref: TryRef & { type: string }): boolean {
    const reason = this.#stale(ref);
    if (reason === null) return false;
    worker.link?.send({ v: PROTOCOL_VERSION, type: "refused", key: ref.key, epoch: ref.epoch, reason });
    this.#warn(`worker "${worker.name}": ${ref.type} of ${reason}`);
    return true;
  }

  /**
   * A worker's result is checked as a thread's is (UPDRAFT_MAX_XCOM_BYTES): a worker need not be
   * trusted to have checked it. Over the limit, the try fails with the error a thread reports.
   */
  #withinLimits(slot: TrySlot, outcome: TaskOutcome): TaskOutcome {
    const error = xcomLimitError(outcome, slot.assignment.taskId);
    if (error === null) return outcome;
    this.#host.log(slot.assignment.key, [{ at: Date.now(), level: "error", message: `RangeError: ${error}` }]);
    return { status: "failed", error: { name: "RangeError", message: error }, retryable: true };
  }

  #request(worker: RemoteWorker, { id, request }: Extract<SessionMessage, { type: "request" }>): void {
    const link = worker.link;
    const generation = worker.generation;
    const refused = this.#outOfScope(worker, request);
    if (refused) {
      link?.send({ v: PROTOCOL_VERSION, type: "response", id, result: { ok: false, error: { name: "NotAssignedError", message: refused } } });
      return;
    }
    let slot: TrySlot | undefined;
    if (request.call === "submit") {
      slot = worker.tries.get(request.args.key);
      if (!slot) {
        const error = { name: "NotAssignedError", message: `try "${request.args.key}" is not assigned to worker "${worker.name}" any more: no child is started for it` };
        link?.send({ v: PROTOCOL_VERSION, type: "response", id, result: { ok: false, error } });
        return;
      }
      slot.awaiting++;
      this.#placer.pump();
    }
    callHost(this.#host, request).then(
      (value) => ({ ok: true as const, value }),
      (err: unknown) => ({ ok: false as const, error: toErrorData(err) }),
    ).then((result) => {
      if (slot) slot.awaiting = Math.max(0, slot.awaiting - 1);
      if (worker.link === link && worker.generation === generation) link?.send({ v: PROTOCOL_VERSION, type: "response", id, result });
    }, (err: unknown) => this.#warn(`answering request ${id} of worker "${worker.name}": ${(err as Error).message}`));
  }

  /**
   * A heartbeat lists every try the worker holds. One it was sent a while ago (two heartbeats)
   * and does not list never arrived or was lost there: a try not started is placed again; a
   * started one ends as lost with the worker's other tries' rules, so the scheduler retries it.
   */
  #reconcile(worker: RemoteWorker, running: TryRef[]): void {
    const held = new Set<string>();
    for (const ref of running) {
      // A try of an earlier scheduler still held there: the worker is told to drop it.
      if (this.#refusedStale(worker, { ...ref, type: "heartbeat" })) continue;
      if (this.#slotFor(worker, ref)) held.add(ref.key);
    }
    const before = Date.now() - 2 * this.#heartbeatMs;
    for (const slot of [...worker.tries.values()]) {
      if (held.has(slot.assignment.key) || slot.assignedAt > before) continue;
      this.#warn(`worker "${worker.name}" does not hold try "${slot.assignment.key}" it was given: ${slot.started ? "failed as lost" : "placed again"}`);
      if (slot.cancelled !== null) this.#placer.finish(slot, cancelled(slot.assignment, slot.cancelled), Date.now());
      else if (!slot.started) this.#placer.replace(slot);
      else this.#placer.finish(slot, workerLost(slot.assignment, worker.name, "the worker no longer holds it", true), Date.now());
    }
    this.#placer.pump();
  }

  /**
   * Host calls come from tasks a worker runs: a worker that runs none may make none (a worker
   * token alone does not read connections or variables), and it reads XComs only of the runs
   * whose tries it runs. Returns why a call is refused, or null.
   */
  #outOfScope(worker: RemoteWorker, request: HostCall): string | null {
    const running = [...worker.tries.values()].filter((slot) => slot.started);
    if (running.length === 0) return `worker "${worker.name}" runs no try: host call "${request.call}" refused`;
    if (request.call === "xcomPull") {
      const { dagId, runId } = request.args;
      if (!running.some((slot) => slot.assignment.dagId === dagId && slot.assignment.runId === runId)) {
        return `worker "${worker.name}" runs no try of dag "${dagId}" run "${runId}": its XComs are not readable from it`;
      }
    }
    return null;
  }

  #released(worker: RemoteWorker, keys: string[]): void {
    for (const key of keys) {
      const slot = worker.tries.get(key);
      if (!slot || slot.started) continue;
      const thiefId = slot.stealFor;
      this.#placer.replace(slot);
      if (slot.member !== null || !this.#placer.tries.has(key)) continue; // finished (cancelled) meanwhile
      const thief = this.#placer.members().find((m) => m.id === thiefId);
      if (thief && thief.queues.includes(slot.assignment.queue) && roomOf(thief.view()) > 0) this.#placer.assign(slot, thief);
    }
    this.#closeIfDrained(worker);
    this.#placer.pump();
  }

  #closed(worker: RemoteWorker, code: number | undefined): void {
    worker.link = null;
    worker.disconnectedAt = Date.now();
    for (const slot of worker.tries.values()) this.#placer.setStealFor(slot, null);
    const clean = worker.tries.size === 0 && (worker.state === WorkerState.draining || code === 1000);
    worker.state = WorkerState.disconnected;
    if (clean) this.#registry.remove(worker);
    this.#emitWorker("left", worker);
    this.#placer.pump();
  }

  /** A draining worker that holds nothing more is done: it may go. */
  #closeIfDrained(worker: RemoteWorker): void {
    if (worker.state === WorkerState.draining && worker.tries.size === 0 && this.#state !== Lifecycle.running) {
      worker.link?.close(CloseCode.shutdown, "the server is stopping");
    }
  }

  #checkLiveness(): void {
    const now = Date.now();
    for (const worker of this.#registry.list()) {
      if (worker.state === WorkerState.lost) continue;
      // Silent this long, or away this long since its connection closed.
      if (now - Math.max(worker.lastSeen, worker.disconnectedAt ?? 0) > this.#timeoutMs) this.#lose(worker, now);
    }
    this.#registry.prune(now);
  }

  #lose(worker: RemoteWorker, now: number): void {
    const link = worker.link;
    const why = link ? `no heartbeat for ${this.#timeoutMs}ms` : `disconnected for more than ${this.#timeoutMs}ms`;
    this.#registry.markLost(worker, now);
    link?.close(LOST_CLOSE_CODE, `${why}: declared lost; its tries run elsewhere`);
    const held = [...worker.tries.values()];
    this.#warn(`worker "${worker.name}" (${worker.id}) is lost: ${why}; ${held.length} tries it held fail and are retried`);
    for (const slot of held) {
      // A try it had not started never ran: place it again, with no try charged (Airflow resets
      // queued tasks of a dead executor; only running ones are zombies).
      if (!slot.started && slot.cancelled === null) {
        this.#placer.replace(slot);
        continue;
      }
      worker.failed++;
      const outcome = slot.cancelled !== null ? cancelled(slot.assignment, slot.cancelled) : workerLost(slot.assignment, worker.name, why, slot.started);
      this.#placer.finish(slot, outcome, now);
    }
    this.#emitWorker("lost", worker);
    this.#placer.pump();
  }

  #emitWorker(type: WorkerEventType, worker: RemoteWorker): void {
    this.#registry.events.emit({ type, worker: worker.info(), at: Date.now() });
  }

  // ---- stopping --------------------------------------------------------------------------

  async #shutDown(graceful: boolean): Promise<void> {
    this.#state = Lifecycle.stopping;
    this.#placer.placing = false;
    this.#local?.stopping();
    for (const slot of this.#placer.takePending()) this.#emitFinished(slot.assignment.key, stopped(slot.assignment, this.name, false), Date.now());
    // No `drain` to the workers: that would make them exit, and a server that restarts wants them
    // back. They get nothing new, deliver what they hold, and reconnect once the server is up.
    const local = this.#local?.executor.stop({ graceful });
    if (!graceful) this.#abortAll(false);
    if (this.#placer.remoteHeld() > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    this.#drained = null;
    await local;
    if (this.#timer) clearInterval(this.#timer);
    for (const w of this.#registry.list()) w.link?.close(CloseCode.shutdown, "the server is stopping");
    this.#state = Lifecycle.stopped;
  }

  /** Stops waiting for remote tries: each is cancelled on its worker and reported as stopped now. */
  #abortAll(escalate: boolean): void {
    if (escalate && this.#local) void this.#local.executor.stop({ graceful: false });
    // Stopping because the scheduler lost its lease: no result of these tries will ever be taken,
    // so each worker is told to drop them (a result already finished and on its way included),
    // rather than to cancel them and send their results to a server that will not record them.
    const lost = this.#epoch() === null;
    for (const slot of [...this.#placer.tries.values()]) {
      const member = slot.member;
      if (member?.kind === "local") continue;
      const { key } = slot.assignment;
      member?.link?.send(lost
        ? { v: PROTOCOL_VERSION, type: "refused", key, epoch: epochOf(slot.assignment), reason: `try "${key}" refused: this server's scheduler lost its lease (epoch ${epochOf(slot.assignment)}) and stops` }
        : { v: PROTOCOL_VERSION, type: "cancel", key, reason: "the server is stopping" });
      this.#placer.finish(slot, stopped(slot.assignment, this.name, slot.started), Date.now());
    }
  }
}
