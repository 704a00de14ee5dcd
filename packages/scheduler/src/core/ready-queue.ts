// Task instances waiting for a slot: children a running try submitted (ctx.submit) first, so that
// work under way finishes before new work starts (as Dask runs a running task's submissions
// first); then the highest priority weight (a child has its parent's), the oldest run, and first
// come first served. A binary heap.

export interface ReadyItem {
  /** A child submitted by a running try. */
  child: boolean;
  priority: number;
  logicalDate: number;
  seq: number;
}

/** Whether `a` goes before `b`. */
export function readyBefore(a: ReadyItem, b: ReadyItem): boolean {
  if (a.child !== b.child) return a.child;
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.logicalDate !== b.logicalDate) return a.logicalDate < b.logicalDate;
  return a.seq < b.seq;
}

export class ReadyQueue<T extends ReadyItem> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  push(item: T): void {
    this.heap.push(item);
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(this.heap[i]!, this.heap[p]!)) break;
      [this.heap[p], this.heap[i]] = [this.heap[i]!, this.heap[p]!];
      i = p;
    }
  }

  pop(): T | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }

  private before(a: T, b: T): boolean {
    return readyBefore(a, b);
  }
}
