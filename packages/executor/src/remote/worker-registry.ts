// The workers the remote executor knows, by the id each announces: who is connected, who may
// still come back (disconnected, within its time-out), and the recently lost ones, kept for the
// monitoring view for a while (the newest `keepLost`, for at most `keepLostMs`).
import { EventHub } from "../executor.ts";
import { RemoteWorker } from "./members.ts";
import type { Hello } from "./worker-session.ts";
import { WorkerState, type PeerInfo, type WorkerEvent, type WorkerLink } from "./types.ts";

export interface WorkerRegistryOptions {
  prefetch: number | undefined;
  keepLostMs: number;
  keepLost: number;
}

export class WorkerRegistry {
  readonly events = new EventHub<WorkerEvent>();
  readonly #workers = new Map<string, RemoteWorker>();
  readonly #opts: WorkerRegistryOptions;

  constructor(opts: WorkerRegistryOptions) {
    this.#opts = opts;
  }

  /** Workers in the order they first joined. */
  list(): RemoteWorker[] {
    return [...this.#workers.values()];
  }

  /** Whether a hello with this id resumes a session (the worker is known and not lost). */
  canResume(workerId: string): boolean {
    const w = this.#workers.get(workerId);
    return w !== undefined && w.state !== WorkerState.lost;
  }

  /**
   * Registers a hello: a new worker (or one that was lost: it starts afresh), or a known one that
   * resumes with its tries. `replaced` is its previous connection, when that is still open.
   */
  admit(hello: Hello, link: WorkerLink, peer: PeerInfo, now: number): { worker: RemoteWorker; resumed: boolean; replaced: WorkerLink | null } {
    const known = this.#workers.get(hello.workerId);
    if (known && known.state !== WorkerState.lost && known.principal !== (peer.principal ?? null)) {
      throw new WorkerIdTakenError(`worker id "${hello.workerId}" belongs to a connection authenticated as another principal; a worker resumes only with the token it joined with`);
    }
    if (known && known.state !== WorkerState.lost) {
      const replaced = known.link !== null && known.link !== link ? known.link : null;
      known.reconnect(hello, link, peer, now);
      return { worker: known, resumed: true, replaced };
    }
    const worker = new RemoteWorker(hello, link, peer, now, this.#opts.prefetch);
    if (hello.draining) worker.state = WorkerState.draining;
    this.#workers.delete(hello.workerId); // a lost one under this id: listed again as new
    this.#workers.set(hello.workerId, worker);
    return { worker, resumed: false, replaced: null };
  }

  remove(worker: RemoteWorker): void {
    if (this.#workers.get(worker.id) === worker) this.#workers.delete(worker.id);
  }

  markLost(worker: RemoteWorker, now: number): void {
    worker.state = WorkerState.lost;
    worker.lostAt = now;
    worker.link = null;
    worker.generation++;
  }

  /** Forgets lost workers past the retention. */
  prune(now: number): void {
    const lost = this.list().filter((w) => w.state === WorkerState.lost).sort((a, b) => (b.lostAt ?? 0) - (a.lostAt ?? 0));
    lost.forEach((w, i) => {
      if (i >= this.#opts.keepLost || now - (w.lostAt ?? now) > this.#opts.keepLostMs) this.#workers.delete(w.id);
    });
  }
}

/** A hello that names a live worker id under another principal's credentials. */
export class WorkerIdTakenError extends Error {
  override name = "WorkerIdTakenError";
}
