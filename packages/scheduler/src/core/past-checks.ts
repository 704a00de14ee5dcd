// dependsOnPast, answered from the store: whether the same task succeeded or was skipped in the
// previous run, and with waitForDownstream its direct downstream tasks too (which may be history
// written by another process); see RunRepository.pastAllows. The scheduler asks
// synchronously; an unknown answer is fetched once everything written so far is committed, and
// the task is evaluated again when it is yes.
import type { SerializedTask } from "@updraft/sdk";
import type { RunModel } from "./run-model.ts";

export class PastChecks {
  private readonly known = new Map<string, "pending" | "ok">();
  private readonly flushed: () => Promise<void>;
  private readonly query: (run: RunModel, spec: SerializedTask) => Promise<boolean>;
  private readonly onAllowed: (run: RunModel, taskId: string) => void;
  private readonly onError: (err: unknown) => void;

  constructor(opts: {
    flushed: () => Promise<void>;
    query: (run: RunModel, spec: SerializedTask) => Promise<boolean>;
    onAllowed: (run: RunModel, taskId: string) => void;
    onError: (err: unknown) => void;
  }) {
    this.flushed = opts.flushed;
    this.query = opts.query;
    this.onAllowed = opts.onAllowed;
    this.onError = opts.onError;
  }

  /** True once the store said yes; otherwise false, and the question is asked if it is not yet. */
  allows(run: RunModel, spec: SerializedTask): boolean {
    const taskId = spec.id;
    const k = `${run.id}\u0000${taskId}`;
    const state = this.known.get(k);
    if (state === "ok") return true;
    if (state === "pending") return false;
    this.known.set(k, "pending");
    void this.flushed()
      .then(() => this.query(run, spec))
      .then((ok) => {
        if (!ok) return void this.known.delete(k); // asked again at the next evaluation
        this.known.set(k, "ok");
        this.onAllowed(run, taskId);
      }, this.onError);
    return false;
  }

  /** Forgets the answers about a run that ended. */
  forget(run: RunModel): void {
    for (const k of this.known.keys()) if (k.startsWith(`${run.id}\u0000`)) this.known.delete(k);
  }
}
