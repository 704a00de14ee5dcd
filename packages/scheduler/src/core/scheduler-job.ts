// The scheduler's claim on the database: a lease with a fencing epoch (the `scheduler_lease` row)
// and its liveness row (Airflow's `job` table). One scheduler owns a database at a time. A second
// one refuses to start while the first holds a live lease; a crashed one is recognised (its
// process is gone, or its lease has run out) and its lease taken over, which increments the epoch.
// Every commit the holder makes carries its epoch (`fence()`), and the database refuses it in the
// same transaction once the epoch is no longer current. The holder also keeps a monotonic local
// deadline, so a process that wakes from a freeze (SIGSTOP, a VM pause, a debugger) knows its
// lease may be gone before it hands out a single try.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { and, eq } from "drizzle-orm";
import type { InStatement } from "@libsql/client";
import { job, schedulerLease, type Store } from "@updraft/store";
import { SchedulerConflictError } from "../errors.ts";

/** How long a lease lasts after its last renewal, unless UPDRAFT_SCHEDULER_LEASE_MS says otherwise. */
export const DEFAULT_LEASE_MS = 30_000;
const LEASE_NAME = "scheduler";
/** The error text of the fence's trigger (migration 0005). */
const LEASE_LOST_MARK = "UPDRAFT_LEASE_LOST";
/**
 * The holder trusts its lease for this share of the lease time after a renewal began, so that a
 * contender, which waits for the whole lease time by its own clock, is still locked out by then
 * with clocks that drift apart by up to a fifth of the lease.
 */
const LOCAL_SHARE = 0.8;

/** The scheduler's lease went to another scheduler, or ran out while this process was frozen. */
export class SchedulerLeaseLostError extends Error {
  override name = "SchedulerLeaseLostError";
}

/** Whether a failed commit was refused by the lease fence. */
export function isLeaseLost(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (e instanceof SchedulerLeaseLostError || e.message.includes(LEASE_LOST_MARK)) return true;
  }
  return false;
}

/** The lease time from UPDRAFT_SCHEDULER_LEASE_MS, else 30 s. */
export function leaseMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.UPDRAFT_SCHEDULER_LEASE_MS;
  if (raw === undefined || raw === "") return DEFAULT_LEASE_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100) throw new SchedulerConflictError(`UPDRAFT_SCHEDULER_LEASE_MS must be a whole number of milliseconds, at least 100 (got "${raw}")`);
  return ms;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  // A process that has ended but is not yet reaped (a zombie) still answers signal 0.
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true; // no /proc here: trust the signal
  }
}

/** A claim this process holds: its job row, the lease's epoch, and its local deadline. */
export interface LeaseHeld {
  jobId: number;
  epoch: number;
}

export class SchedulerJob {
  private readonly store: Store;
  readonly leaseMs: number;
  private held: LeaseHeld | null = null;
  /**
   * Whether the scheduler this one took over from may still be running (frozen, or on another
   * host, where its pid cannot be checked): then the tries it handed out may still start.
   */
  predecessorMayLive = false;
  /** performance.now() past which this process no longer trusts its lease. */
  private deadline = 0;
  private lostError: SchedulerLeaseLostError | null = null;
  private readonly lostListeners: Array<(err: SchedulerLeaseLostError) => void> = [];

  constructor(store: Store, opts: { leaseMs?: number } = {}) {
    this.store = store;
    this.leaseMs = opts.leaseMs ?? leaseMsFromEnv();
  }

  /** The lease held, or null (not claimed, ended or lost). */
  get lease(): LeaseHeld | null {
    return this.lostError ? null : this.held;
  }

  /** Why the lease was lost, or null. */
  get lost(): SchedulerLeaseLostError | null {
    return this.lostError;
  }

  /**
   * The local deadline as performance.timeOrigin + performance.now() (ms), comparable in worker
   * threads: 0 once the lease is lost, and no limit while none is held (a non-exclusive scheduler).
   */
  get until(): number {
    if (this.lostError) return 0;
    return this.held ? performance.timeOrigin + this.deadline : Number.MAX_SAFE_INTEGER;
  }

  /** Calls `fn` once, when the lease is lost (a refused commit, or the local deadline passed). */
  onLost(fn: (err: SchedulerLeaseLostError) => void): void {
    this.lostListeners.push(fn);
  }

  /**
   * Claims the database for this process; throws naming the live scheduler if there is one.
   * A lease is live while it has not expired and, on this host, while its process is alive: a
   * holder on this host whose process is gone is taken over at once; a lease that has run out is
   * taken over whatever its process (it may be frozen: fencing keeps it from doing harm when it
   * wakes). Taking over increments the epoch.
   */
  async claim(): Promise<void> {
    const host = hostname();
    const started = performance.now();
    const now = Date.now();
    const held = await this.store.write(async (tx) => {
      const [lease] = await tx.select().from(schedulerLease).where(eq(schedulerLease.name, LEASE_NAME));
      const running = await tx.select().from(job).where(and(eq(job.jobType, "scheduler"), eq(job.state, "running")));
      // The holder: the lease's, or (a database from before leases) each running job row.
      const holders = lease
        ? [{ id: lease.holder, hostname: lease.hostname, pid: lease.pid, expiresAt: lease.expiresAt }]
        : running.map((r) => ({ id: r.id, hostname: r.hostname, pid: r.pid, expiresAt: (r.latestHeartbeat?.getTime() ?? 0) + this.leaseMs }));
      let mayLive = false;
      for (const other of holders) {
        const fresh = now < other.expiresAt;
        const alive = other.hostname === host ? other.pid != null && processAlive(other.pid) : fresh;
        if (other.expiresAt > 0 && (other.hostname !== host || alive)) mayLive = true; // 0: released at a clean stop
        if (alive && fresh) {
          const self = other.pid === process.pid && other.hostname === host ? ": this very process" : "";
          throw new SchedulerConflictError(`another scheduler is running on this database (pid ${other.pid} on ${other.hostname}${self}, job ${other.id}); stop it first`);
        }
      }
      if (running.length) await tx.update(job).set({ state: "failed", endDate: new Date(now) }).where(and(eq(job.jobType, "scheduler"), eq(job.state, "running")));
      const [row] = await tx.insert(job)
        .values({ jobType: "scheduler", state: "running", hostname: host, pid: process.pid, startDate: new Date(now), latestHeartbeat: new Date(now) })
        .returning({ id: job.id });
      const jobId = row!.id;
      const values = { holder: jobId, hostname: host, pid: process.pid, renewedAt: now, expiresAt: now + this.leaseMs };
      if (!lease) {
        await tx.insert(schedulerLease).values({ name: LEASE_NAME, epoch: 1, ...values });
        return { jobId, epoch: 1, mayLive };
      }
      // Conditional on the epoch read above: of two contenders, one wins (the other's write fails).
      const taken = await tx.update(schedulerLease).set({ epoch: lease.epoch + 1, ...values })
        .where(and(eq(schedulerLease.name, LEASE_NAME), eq(schedulerLease.epoch, lease.epoch)))
        .returning({ epoch: schedulerLease.epoch });
      if (taken.length !== 1) throw new SchedulerConflictError("another scheduler took the lease over at the same moment; stop it first");
      return { jobId, epoch: lease.epoch + 1, mayLive };
    });
    this.held = { jobId: held.jobId, epoch: held.epoch };
    this.predecessorMayLive = held.mayLive;
    this.lostError = null;
    this.deadline = started + this.leaseMs * LOCAL_SHARE;
  }

  /**
   * The statement every commit of this scheduler starts with: it aborts the transaction unless the
   * lease still has this epoch and holder, and renews it. Call `renewed` once the commit is done.
   */
  fence(): { statement: InStatement; renewed: () => void } | null {
    const held = this.held;
    if (!held) return null;
    const started = performance.now();
    const now = Date.now();
    return {
      statement: {
        sql: "INSERT INTO scheduler_lease_fence (epoch, holder, renewed_at, expires_at) VALUES (?, ?, ?, ?)",
        args: [held.epoch, held.jobId, now, now + this.leaseMs],
      },
      renewed: () => {
        if (this.held === held) this.deadline = Math.max(this.deadline, started + this.leaseMs * LOCAL_SHARE);
      },
    };
  }

  /**
   * Whether this process may act on its lease now: false once it is lost, and false (and lost
   * from then on) when the local deadline has passed, as it has after a long freeze. Always true
   * for a scheduler that claimed nothing.
   */
  check(): boolean {
    if (this.lostError) return false;
    if (!this.held) return true;
    const late = performance.now() - this.deadline;
    if (late <= 0) return true;
    const since = ((late + this.leaseMs * LOCAL_SHARE) / 1000).toFixed(1);
    this.lose(new SchedulerLeaseLostError(`the scheduler's lease (epoch ${this.held.epoch}) was not renewed for ${since}s, longer than its ${this.leaseMs / 1000}s lease allows (was this process paused?); another scheduler may have taken over`));
    return false;
  }

  /**
   * Whether the lease may still be acted on, as `check()` answers, but without losing it when the
   * local deadline has passed: for a caller that must finish what it does (refuse a worker's
   * result and say so) before the loss is acted on by the next `check()`.
   */
  trusted(): boolean {
    if (this.lostError) return false;
    return !this.held || performance.now() <= this.deadline;
  }

  /** A commit was refused by the fence: the lease belongs to another epoch now. */
  refused(err: unknown): SchedulerLeaseLostError {
    const epoch = this.held?.epoch;
    const lost = new SchedulerLeaseLostError(`the scheduler's lease (epoch ${epoch}) was taken over by another scheduler; its commit was refused`, { cause: err });
    this.lose(lost);
    return this.lostError!;
  }

  private lose(err: SchedulerLeaseLostError): void {
    if (this.lostError) return;
    this.lostError = err;
    for (const fn of this.lostListeners.splice(0)) fn(err);
  }

  /** Renews the lease and the job row's heartbeat, fenced like every other commit. */
  async heartbeat(): Promise<void> {
    const held = this.lease;
    if (!held || !this.check()) return;
    const fence = this.fence()!;
    try {
      await this.store.batch([fence.statement, { sql: "UPDATE job SET latest_heartbeat = ? WHERE id = ?", args: [Date.now(), held.jobId] }]);
    } catch (err) {
      if (isLeaseLost(err)) throw this.refused(err);
      throw err;
    }
    fence.renewed();
  }

  /** A clean stop: the job row ends and the lease is released, so a successor need not wait for it to run out. */
  async end(): Promise<void> {
    const held = this.lease;
    const fence = this.fence();
    this.held = null;
    if (!held || !fence) return;
    await this.store.batch([
      fence.statement,
      { sql: "UPDATE job SET state = 'success', end_date = ? WHERE id = ?", args: [Date.now(), held.jobId] },
      { sql: "UPDATE scheduler_lease SET expires_at = 0 WHERE name = ? AND epoch = ? AND holder = ?", args: [LEASE_NAME, held.epoch, held.jobId] },
    ]).catch(() => undefined); // refused: the lease is another's already, and so is the row's fate
  }
}
