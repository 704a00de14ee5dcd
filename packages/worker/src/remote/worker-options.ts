// The remote worker's options, exit codes and the few defaults and outcomes it makes itself.
import type { TaskAssignment, TaskHost, TaskOutcome } from "../protocol.ts";
import type { BackoffOptions } from "./backoff.ts";
import type { TaskRunner } from "./runner.ts";

/** How `run()` ends, as a process exit code. */
export const WorkerExitCode = {
  /** Drained: every try finished and its result was acknowledged. */
  drained: 0,
  /** Stopped at once (a second signal): running tries were aborted. */
  stopped: 1,
  /** Refused by the server (401/403 token, or another protocol version): retrying cannot help. */
  refused: 2,
} as const;
export type WorkerExitCode = (typeof WorkerExitCode)[keyof typeof WorkerExitCode];

export interface RemoteWorkerOptions {
  /** The server's base URL, `http(s)://host:port`. */
  server: string;
  /** A token of scope `worker`. */
  token: string;
  /** Builds the runner its tries run in, given the host they call (the socket). */
  runner: (host: TaskHost) => TaskRunner;
  /** `UPDRAFT_HOME`: bundles are cached in `<home>/bundles`. */
  home: string;
  /** Tries run at once (waiting on submitted children does not count). */
  concurrency: number;
  queues: string[];
  name: string;
  /** Updraft's version, announced in hello. */
  version: string;
  /** One plain line per event; "err" for the fatal ones. Default: console, with a timestamp. */
  print?: (line: string, stream: "out" | "err") => void;
  /** Default: a random UUID, stable for the life of this object. */
  workerId?: string;
  backoff?: BackoffOptions;
  /** Log lines held for sending, at most (oldest dropped beyond). Default 4 MiB. */
  maxLogBytes?: number;
  /** Log lines are sent in batches this often. Default 100ms. */
  logFlushMs?: number;
  /** The handshake, and then the welcome, must come within this. Default 10s. */
  handshakeTimeoutMs?: number;
}

/** Buffered log lines past this go out at once, without waiting for the next flush. */
export const LOG_FLUSH_BYTES = 256 * 1024;

/** Plain lines with a timestamp: the worker's output is usually piped to a log. */
export function defaultPrint(line: string, stream: "out" | "err"): void {
  (stream === "err" ? console.error : console.log)(`[${new Date().toISOString()}] ${line}`);
}

/** A try that was cancelled before it ran: no retry, as the threads executor reports it. */
export function cancelledOutcome(a: TaskAssignment, reason: string): TaskOutcome {
  const mapped = a.mapIndex >= 0 ? `[${a.mapIndex}]` : "";
  return { status: "failed", retryable: false, error: { name: "TaskCancelledError", message: `task "${a.dagId}.${a.taskId}${mapped}" (try ${a.tryNumber}) was cancelled: ${reason}` } };
}
