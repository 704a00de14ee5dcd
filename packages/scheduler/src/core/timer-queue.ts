// One timer for many deadlines (retries, reschedules, run time-outs, schedule ticks): a binary
// min-heap of deadlines and a single setTimeout armed for the earliest.

const noop = (): void => undefined;
const MAX_DELAY_MS = 2 ** 31 - 1;

interface Entry {
  at: number;
  fire: () => void;
}

export class TimerQueue {
  private readonly heap: Entry[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private armedFor = Infinity;
  private stopped = false;

  /**
   * Calls `fire` at `at` (ms since epoch), or on the next turn if that is already past. The
   * returned function cancels it and lets go of what `fire` holds.
   */
  at(at: number, fire: () => void): () => void {
    if (this.stopped) return () => undefined;
    const entry: Entry = { at, fire };
    this.heap.push(entry);
    this.up(this.heap.length - 1);
    this.arm();
    return () => {
      entry.fire = noop;
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.heap.length = 0;
  }

  get size(): number {
    return this.heap.length;
  }

  private arm(): void {
    const next = this.heap[0];
    if (!next || next.at >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = next.at;
    // setTimeout holds at most 2^31-1 ms (~24.8 days); a later deadline wakes early and re-arms.
    this.timer = setTimeout(() => this.run(), Math.min(MAX_DELAY_MS, Math.max(0, next.at - Date.now())));
  }

  private run(): void {
    this.timer = null;
    this.armedFor = Infinity;
    const now = Date.now();
    while (this.heap.length && this.heap[0]!.at <= now) this.pop().fire();
    this.arm();
  }

  private pop(): Entry {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.at <= h[i]!.at) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.at < h[m]!.at) m = l;
      if (r < h.length && h[r]!.at < h[m]!.at) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }
}
