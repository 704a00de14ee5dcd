// Where a try goes among the members of the remote executor (connected workers and, optionally,
// the scheduler's own threads), and which waiting tries an idle member takes from a loaded one
// (Dask's work stealing). Pure functions over a minimal view of the members, tested with tables;
// remote-executor.ts builds the views and acts on the answers.

/** What placement needs to know of a member. */
export interface MemberView {
  id: string;
  /** The task queues it serves. */
  queues: readonly string[];
  /** Tries it runs at once. */
  capacity: number;
  /** Tries it may hold beyond its capacity, not yet started (they hide the round trip). */
  prefetch: number;
  /** Tries placed on it that take up room: not finished, not awaiting submitted children. */
  held: number;
  /** Whether it takes new tries now: connected, not draining, not stopping. */
  accepting: boolean;
}

/** A try placed on a member that has not started there. */
export interface WaitingTry {
  key: string;
  queue: string;
}

/** What stealing needs to know of a member that might give tries back. */
export interface VictimView extends MemberView {
  /** Tries it runs now that take up room. */
  running: number;
  /** Tries placed on it, not started, not already asked back: oldest first. */
  waiting: readonly WaitingTry[];
}

/** Free slots: capacity minus what it holds (negative while it holds prefetched tries). */
export const freeSlots = (m: MemberView): number => m.capacity - m.held;

/**
 * How many more tries a member may hold now.
 * @example roomOf({ id: "w", queues: ["default"], capacity: 2, prefetch: 2, held: 3, accepting: true }) // 1
 */
export function roomOf(m: MemberView): number {
  return m.accepting ? Math.max(0, m.capacity + m.prefetch - m.held) : 0;
}

/**
 * The member for a try of `queue`: among those serving it with room, the one with the most free
 * capacity (the first listed on a tie); null when none has room.
 * @example chooseMember([busy, idle], "default") === idle
 */
export function chooseMember<M extends MemberView>(members: readonly M[], queue: string): M | null {
  let best: M | null = null;
  for (const m of members) {
    if (!m.queues.includes(queue) || roomOf(m) === 0) continue;
    if (!best || freeSlots(m) > freeSlots(best)) best = m;
  }
  return best;
}

/**
 * Tries that really wait on a member: those beyond the slots it has free now (the oldest
 * waiting tries start in those slots; the newest wait behind running ones).
 */
export function excessOf(v: VictimView): number {
  return Math.max(0, v.waiting.length - Math.max(0, v.capacity - v.running));
}

/**
 * What an idle member should ask for: from the member whose waiting tries (of queues the thief
 * serves) exceed its free slots the most, the newest of them, as many as the thief has free
 * slots. Null when the thief has no free slot or nobody has tries waiting that it could run.
 * The victim decides: it gives back only what it has not started, so no try runs twice.
 * @example chooseSteal(idle, [loaded]) // { victim: loaded, keys: ["k7", "k6"] }
 */
export function chooseSteal<V extends VictimView>(thief: MemberView, victims: readonly V[]): { victim: V; keys: string[] } | null {
  const free = freeSlots(thief);
  if (!thief.accepting || free <= 0) return null;
  let best: { victim: V; take: WaitingTry[] } | null = null;
  for (const v of victims) {
    if (v.id === thief.id) continue;
    const excess = excessOf(v);
    if (excess === 0) continue;
    // The newest waiting tries wait longest; take those the thief can run.
    const take: WaitingTry[] = [];
    for (let i = v.waiting.length - 1, skipped = 0; i >= 0 && take.length + skipped < excess; i--) {
      const w = v.waiting[i]!;
      if (thief.queues.includes(w.queue)) take.push(w);
      else skipped++;
    }
    if (take.length === 0) continue;
    if (!best || take.length > best.take.length || (take.length === best.take.length && v.held / v.capacity > best.victim.held / best.victim.capacity)) {
      best = { victim: v, take };
    }
  }
  if (!best) return null;
  return { victim: best.victim, keys: best.take.slice(0, free).map((w) => w.key) };
}
