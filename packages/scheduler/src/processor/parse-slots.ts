// How many DAG files load at once, and who waits. A bounded number of parse processes run at a
// time (UPDRAFT_PARSE_PARALLELISM). Files that failed before, and loads that turned out slow,
// are "suspects": they get at most all but one slot, so a file that has not failed is never
// queued behind hanging files. A slow load that still holds one of the other slots when such a
// file waits gives it up (the caller kills it and queues it again as a suspect, to run to its
// full time-out), so at start-up, before anything has failed, a good file waits for no bad one
// longer than the "slow" threshold.

/** A slot held by one load. */
export interface ParseLease {
  /**
   * Says the load has run past the slow threshold. It becomes a suspect if a suspect slot is
   * free; otherwise it keeps its slot until a file that is not a suspect waits for one, and is
   * then preempted (see `acquire`).
   */
  markSlow(): void;
  /** Gives the slot back; idempotent. */
  release(): void;
}

interface Holder {
  suspect: boolean;
  slow: boolean;
  preempted: boolean;
  onPreempt?: () => void;
}

interface Waiter {
  suspect: boolean;
  holder: Holder;
  grant: () => void;
}

/**
 * At most `size` loads at once; suspects hold at most size - 1 of them (1 when size is 1); a
 * waiting file that is not a suspect goes first, and takes the slot of a slow load that could not
 * become a suspect.
 * @example
 * const slots = new ParseSlots(2);
 * const lease = await slots.acquire(false, () => abortTheLoad());
 * const slow = setTimeout(() => lease.markSlow(), 3_000);
 * try { await load(); } finally { clearTimeout(slow); lease.release(); }
 */
export class ParseSlots {
  private readonly holders = new Set<Holder>();
  private readonly queue: Waiter[] = [];
  private readonly size: number;
  private readonly suspectCap: number;
  constructor(size: number) {
    this.size = Math.max(1, size);
    this.suspectCap = Math.max(1, this.size - 1);
  }

  private get suspects(): number {
    let n = 0;
    for (const h of this.holders) if (h.suspect) n++;
    return n;
  }

  private fits(suspect: boolean): boolean {
    return this.holders.size < this.size && (!suspect || this.suspects < this.suspectCap);
  }

  /**
   * Resolves with a lease once a slot is free. `onPreempt`, for a load that is not a suspect, is
   * called at most once if the load was marked slow and a file that is not a suspect waits for
   * its slot: the caller then stops the load and releases the lease (and may queue it again as a
   * suspect). Without it a slow load is never preempted.
   */
  acquire(suspect: boolean, onPreempt?: () => void): Promise<ParseLease> {
    return new Promise((resolve) => {
      const holder: Holder = { suspect, slow: false, preempted: false, onPreempt };
      this.queue.push({
        suspect,
        holder,
        grant: () => {
          this.holders.add(holder);
          let released = false;
          resolve({
            markSlow: () => {
              if (released || holder.slow) return;
              holder.slow = true;
              this.pump();
            },
            release: () => {
              if (released) return;
              released = true;
              this.holders.delete(holder);
              this.pump();
            },
          });
        },
      });
      this.pump();
    });
  }

  private pump(): void {
    // A slow load becomes a suspect while there is room for one, so it is never preempted.
    for (const h of this.holders) if (h.slow && !h.suspect && !h.preempted && this.suspects < this.suspectCap) h.suspect = true;
    for (;;) {
      const i = this.queue.findIndex((w) => !w.suspect && this.fits(false));
      const j = i >= 0 ? i : this.queue.findIndex((w) => this.fits(w.suspect));
      if (j < 0) break;
      this.queue.splice(j, 1)[0]!.grant();
    }
    // Files that are not suspects still waiting: each takes the slot of one slow load (once it
    // is released), counting the preemptions already asked for.
    let waiting = this.queue.filter((w) => !w.suspect).length;
    for (const h of this.holders) if (h.preempted && !h.suspect) waiting--;
    for (const h of this.holders) {
      if (waiting <= 0) break;
      if (h.slow && !h.suspect && !h.preempted && h.onPreempt) {
        h.preempted = true;
        waiting--;
        h.onPreempt();
      }
    }
  }
}
