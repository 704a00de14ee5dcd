// The pool's FIFO of jobs waiting for a thread: a growable ring buffer, so that taking from the
// front stays O(1) with tens of thousands of jobs queued (Array#shift is O(n)). Jobs handed back
// by a dead thread go to the front, in their original order. Removal (a cancelled job) is lazy.

/**
 * A double-ended queue with lazy removal.
 *
 * @example
 * const q = new JobQueue<string>();
 * q.push("a"); q.push("b"); q.unshiftAll(["z"]);
 * q.shift(); // "z"
 * q.remove("a"); q.shift(); // "b"
 */
export class JobQueue<T> {
  #items: (T | undefined)[] = new Array(64);
  #head = 0;
  /** Slots in use between head and tail, including removed ones not yet skipped. */
  #used = 0;
  readonly #removed = new Set<T>();

  /** Items waiting, not counting removed ones. */
  get size(): number {
    return this.#used - this.#removed.size;
  }

  push(item: T): void {
    if (this.#used === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#used) % this.#items.length] = item;
    this.#used++;
  }

  /** Puts items back at the front, so that `items[0]` comes out first. */
  unshiftAll(items: readonly T[]): void {
    for (let i = items.length - 1; i >= 0; i--) {
      if (this.#used === this.#items.length) this.#grow();
      this.#head = (this.#head - 1 + this.#items.length) % this.#items.length;
      this.#items[this.#head] = items[i];
      this.#used++;
    }
  }

  shift(): T | undefined {
    while (this.#used > 0) {
      const item = this.#items[this.#head] as T;
      this.#items[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#items.length;
      this.#used--;
      if (!this.#removed.delete(item)) return item;
    }
    return undefined;
  }

  /** Marks a queued item as gone; the caller must know it is queued (each item at most once). */
  remove(item: T): void {
    this.#removed.add(item);
  }

  /** Empties the queue, returning what was waiting, in order. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  #grow(): void {
    const bigger: (T | undefined)[] = new Array(this.#items.length * 2);
    for (let i = 0; i < this.#used; i++) bigger[i] = this.#items[(this.#head + i) % this.#items.length];
    this.#items = bigger;
    this.#head = 0;
  }
}
