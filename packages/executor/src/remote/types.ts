// The transport-neutral edges of the remote executor: a link to one connected worker (the API
// package implements it over a WebSocket), the session the executor returns for it, and what it
// tells about its workers (the monitoring view and its events).
import type { ServerMessage } from "@updraft/worker";

/**
 * One connection to a worker, as the executor sees it. The transport owns the socket; the executor
 * only sends messages and may close it.
 * @example const link: WorkerLink = { send: (m) => ws.send(JSON.stringify(m)), close: (c, r) => ws.close(c, r) };
 */
export interface WorkerLink {
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** What the transport calls for a connection it opened with `RemoteExecutor.connect`. */
export interface WorkerSession {
  /** A text frame the worker sent (validated here; a bad one is answered with `protocol_error`). */
  receive(text: string): void;
  /**
   * The connection closed, whoever closed it, with the close code when there was one. Not yet a
   * loss: the worker may come back in time (a normal closure, 1000, with nothing held is a clean leave).
   */
  closed(code?: number): void;
}

/** Where a connection comes from, for the monitoring view. */
export interface PeerInfo {
  address?: string;
  /**
   * Who authenticated the connection (e.g. `token:12`). A worker id can be resumed only by the
   * same principal: another token's holder cannot take over a worker's tries by its id.
   */
  principal?: string;
}

export const WorkerState = {
  online: "online",
  /** Finishing what it runs; it gets nothing more. */
  draining: "draining",
  /** Its connection closed; it keeps its tries until it comes back or its time-out passes. */
  disconnected: "disconnected",
  /** Silent past its time-out: its tries failed (retryable) and run elsewhere. */
  lost: "lost",
} as const;
export type WorkerState = (typeof WorkerState)[keyof typeof WorkerState];

/** A try a worker holds, for the monitoring view. */
export interface WorkerTry {
  key: string;
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
  /** False while it waits on the worker (prefetched). */
  started: boolean;
}

/** One remote worker as the monitoring view shows it (Flower's worker list). */
export interface WorkerInfo {
  workerId: string;
  name: string;
  hostname: string;
  pid: number;
  /** Updraft's version on the worker. */
  version: string;
  address: string | null;
  queues: string[];
  capacity: number;
  state: WorkerState;
  /** Tries placed on it (running or waiting there). */
  tries: WorkerTry[];
  /** How many of them run now. */
  running: number;
  tasksDone: number;
  tasksFailed: number;
  /** ms since epoch: when its current (or last) connection opened. */
  connectedAt: number;
  /** ms since epoch: the last frame heard from it. */
  lastHeartbeat: number;
  /** ms since epoch, once lost. */
  lostAt: number | null;
}

export const WorkerEventType = {
  joined: "joined",
  /** The connection closed (cleanly after a drain, or not: then it may come back). */
  left: "left",
  lost: "lost",
  reconnected: "reconnected",
  draining: "draining",
} as const;
export type WorkerEventType = (typeof WorkerEventType)[keyof typeof WorkerEventType];

/** A change in the set of workers, for live views. */
export interface WorkerEvent {
  type: WorkerEventType;
  worker: WorkerInfo;
  at: number;
}
