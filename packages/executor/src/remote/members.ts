// The members of the remote executor and the tries they hold: a connected (or recently
// connected) remote worker, and the scheduler's own threads as an optional local member. Plain
// records; remote-executor.ts moves tries between them.
import type { TaskAssignment, WorkerMessage } from "@updraft/worker";
import type { Executor } from "../executor.ts";
import type { MemberView, VictimView, WaitingTry } from "./placement.ts";
import { WorkerState, type PeerInfo, type WorkerInfo, type WorkerLink } from "./types.ts";

/** One try the executor holds, pending or placed on a member. */
export interface TrySlot {
  assignment: TaskAssignment;
  /** Where it is placed; null while it waits in the executor's pending list. */
  member: Member | null;
  started: boolean;
  /** Outstanding `submit` requests: while above 0 the try does not take up room (Dask's secede). */
  awaiting: number;
  /** The member it was asked back for (a steal), until the worker releases or starts it. */
  stealFor: string | null;
  /** The scheduler cancelled it, with this reason; the member reports how it ended. */
  cancelled: string | null;
  /** When it was last sent to its member (server clock), to tell a missing try from one in flight. */
  assignedAt: number;
}

type Hello = Extract<WorkerMessage, { type: "hello" }>;

/** A remote worker, known by the id it announces; it may reconnect under the same id. */
export class RemoteWorker {
  readonly kind = "remote";
  readonly id: string;
  name: string;
  hostname: string;
  pid: number;
  version: string;
  address: string | null;
  queues: string[];
  capacity: number;
  state: WorkerState = WorkerState.online;
  /** The current connection; null while disconnected or lost. */
  link: WorkerLink | null;
  /** Which connection is current: frames and closes of an older one are ignored. */
  generation = 0;
  connectedAt: number;
  lastSeen: number;
  /** When its connection closed: a worker away for less than the time-out keeps its tries. */
  disconnectedAt: number | null = null;
  lostAt: number | null = null;
  /** Who authenticated its connection; only the same principal may resume it. */
  readonly principal: string | null;
  readonly tries = new Map<string, TrySlot>();
  done = 0;
  failed = 0;
  readonly #prefetch: number | undefined;

  constructor(hello: Hello, link: WorkerLink, peer: PeerInfo, now: number, prefetch: number | undefined) {
    this.id = hello.workerId;
    this.name = hello.name;
    this.hostname = hello.hostname;
    this.pid = hello.pid;
    this.version = hello.version;
    this.address = peer.address ?? null;
    this.principal = peer.principal ?? null;
    this.queues = [...hello.queues];
    this.capacity = hello.capacity;
    this.link = link;
    this.connectedAt = now;
    this.lastSeen = now;
    this.#prefetch = prefetch;
  }

  /** A new connection under this id: what it announces now replaces what it announced before. */
  reconnect(hello: Hello, link: WorkerLink, peer: PeerInfo, now: number): void {
    this.name = hello.name;
    this.hostname = hello.hostname;
    this.pid = hello.pid;
    this.version = hello.version;
    this.address = peer.address ?? this.address;
    this.queues = [...hello.queues];
    this.capacity = hello.capacity;
    this.link = link;
    this.generation++;
    this.connectedAt = now;
    this.lastSeen = now;
    this.disconnectedAt = null;
    this.lostAt = null;
    this.state = hello.draining ? WorkerState.draining : WorkerState.online;
  }

  get label(): string {
    return this.name;
  }

  accepting(): boolean {
    return this.state === WorkerState.online && this.link !== null;
  }

  view(): VictimView {
    let held = 0;
    let running = 0;
    const waiting: WaitingTry[] = [];
    for (const [key, slot] of this.tries) {
      if (slot.awaiting > 0) continue;
      held++;
      if (slot.started) running++;
      else if (slot.stealFor === null && slot.cancelled === null) waiting.push({ key, queue: slot.assignment.queue });
    }
    return { id: this.id, queues: this.queues, capacity: this.capacity, prefetch: this.#prefetch ?? this.capacity, held, accepting: this.accepting(), running, waiting };
  }

  info(): WorkerInfo {
    const tries = [...this.tries.values()].map(({ assignment: a, started }) => ({
      key: a.key, dagId: a.dagId, runId: a.runId, taskId: a.taskId, mapIndex: a.mapIndex, tryNumber: a.tryNumber, started,
    }));
    return {
      workerId: this.id, name: this.name, hostname: this.hostname, pid: this.pid, version: this.version, address: this.address,
      queues: [...this.queues], capacity: this.capacity, state: this.state, tries, running: tries.filter((t) => t.started).length,
      tasksDone: this.done, tasksFailed: this.failed, connectedAt: this.connectedAt, lastHeartbeat: this.lastSeen, lostAt: this.lostAt,
    };
  }
}

/** The scheduler's own executor (its threads), serving some queues beside the remote workers. */
export class LocalMember {
  readonly kind = "local";
  readonly id = "local";
  readonly label = "local";
  readonly executor: Executor;
  readonly queues: string[];
  readonly tries = new Map<string, TrySlot>();
  readonly #prefetch: number | undefined;
  #stopping = false;

  constructor(executor: Executor, queues: string[], prefetch: number | undefined) {
    this.executor = executor;
    this.queues = queues;
    this.#prefetch = prefetch;
  }

  stopping(): void {
    this.#stopping = true;
  }

  get capacity(): number {
    return this.executor.stats().capacity;
  }

  accepting(): boolean {
    return !this.#stopping && this.queues.length > 0;
  }

  view(): MemberView {
    const capacity = this.capacity;
    // The threads executor's capacity already grows by the tries waiting on children, so every
    // slot counts here: leaving the waiting ones out too would free two places per waiting parent.
    const held = this.tries.size;
    return { id: this.id, queues: this.queues, capacity, prefetch: this.#prefetch ?? capacity, held, accepting: this.accepting() };
  }
}

export type Member = RemoteWorker | LocalMember;
