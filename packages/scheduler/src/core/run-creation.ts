// Scheduled runs: creates each DAG's due runs from its schedule (bounded by maxActiveRuns) and
// arms a timer for the next one. One pass per DAG at a time; a call during a pass asks for
// another pass after it.
import type { DagRegistry } from "./dag-registry.ts";
import type { RunRepository } from "./run-repository.ts";
import type { RunModel } from "./run-model.ts";
import type { TimerQueue } from "./timer-queue.ts";

export interface RunCreationHooks {
  repo: RunRepository;
  registry: DagRegistry;
  timers: TimerQueue;
  /** The runs the scheduler holds. */
  runs(): Iterable<RunModel>;
  /** Creating runs is on (off for `dags test`) and the scheduler has not stopped. */
  enabled(): boolean;
  adopt(run: RunModel): void;
  dispatch(): void;
  fail(err: unknown): void;
}

export class RunCreation {
  private readonly h: RunCreationHooks;
  private readonly scheduling = new Map<string, "busy" | "again">();

  constructor(hooks: RunCreationHooks) {
    this.h = hooks;
  }

  /** Creates the DAG's due scheduled runs and arms a timer for the next one. */
  scheduleDag(dagId: string): void {
    const h = this.h;
    if (!h.enabled()) return;
    if (this.scheduling.has(dagId)) {
      this.scheduling.set(dagId, "again");
      return;
    }
    const entry = h.registry.get(dagId);
    if (!entry) return;
    this.scheduling.set(dagId, "busy");
    void h.repo.createDueRuns(entry, () => this.activeOrQueuedCount(dagId), new Date()).then(
      ({ created, nextDueAt }) => {
        for (const run of created) h.adopt(run);
        if (nextDueAt != null && entry.timerAt !== nextDueAt) {
          entry.timerAt = nextDueAt;
          h.timers.at(nextDueAt, () => {
            const current = h.registry.get(dagId);
            if (current) current.timerAt = null;
            this.scheduleDag(dagId);
          });
        }
        if (created.length) h.dispatch();
        const again = this.scheduling.get(dagId) === "again";
        this.scheduling.delete(dagId);
        if (again) this.scheduleDag(dagId);
      },
      (err: unknown) => h.fail(err),
    );
  }

  /** How many more queued runs of a DAG are worth holding in memory: room under maxActiveRuns. */
  queuedRoom(dagId: string): number {
    const max = this.h.registry.get(dagId)?.version.serialized.maxActiveRuns ?? 0;
    return Math.max(0, max - this.activeOrQueuedCount(dagId));
  }

  private activeOrQueuedCount(dagId: string): number {
    let n = 0;
    for (const r of this.h.runs()) if (r.dagId === dagId && (r.state === "running" || r.state === "queued")) n++;
    return n;
  }
}
