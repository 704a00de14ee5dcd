// The scheduler's liveness row (Airflow's `job` table): one scheduler owns a database at a time.
// A second one refuses to start while the first heartbeats; a crashed one is recognised (its
// process is gone, or its heartbeat is stale) and its claim taken over.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { and, eq } from "drizzle-orm";
import { job, type Store } from "@updraft/store";
import { SchedulerConflictError } from "../errors.ts";

const STALE_AFTER_MS = 30_000;

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

export class SchedulerJob {
  private readonly store: Store;
  private id: number | null = null;

  constructor(store: Store) {
    this.store = store;
  }

  /** Claims the database for this process; throws naming the live scheduler if there is one. */
  async claim(): Promise<void> {
    const host = hostname();
    const now = Date.now();
    const running = await this.store.db.select().from(job).where(and(eq(job.jobType, "scheduler"), eq(job.state, "running")));
    for (const other of running) {
      const fresh = other.latestHeartbeat != null && now - other.latestHeartbeat.getTime() < STALE_AFTER_MS;
      const alive = other.hostname === host ? other.pid != null && processAlive(other.pid) : fresh;
      if (alive && fresh) {
        const self = other.pid === process.pid && other.hostname === host ? ": this very process" : "";
        throw new SchedulerConflictError(`another scheduler is running on this database (pid ${other.pid} on ${other.hostname}${self}, job ${other.id}); stop it first`);
      }
      await this.store.write((tx) => tx.update(job).set({ state: "failed", endDate: new Date() }).where(eq(job.id, other.id)));
    }
    const [row] = await this.store.write((tx) => tx.insert(job)
      .values({ jobType: "scheduler", state: "running", hostname: host, pid: process.pid, startDate: new Date(now), latestHeartbeat: new Date(now) })
      .returning({ id: job.id }));
    this.id = row!.id;
  }

  async heartbeat(): Promise<void> {
    if (this.id == null) return;
    const id = this.id;
    await this.store.write((tx) => tx.update(job).set({ latestHeartbeat: new Date() }).where(eq(job.id, id)));
  }

  async end(): Promise<void> {
    if (this.id == null) return;
    const id = this.id;
    await this.store.write((tx) => tx.update(job).set({ state: "success", endDate: new Date() }).where(eq(job.id, id)));
    this.id = null;
  }
}
