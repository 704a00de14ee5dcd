// Where the next job goes, and when a waiting job is taken back. Prefetch (sending a busy thread
// its next job ahead of time) hides the round trip for short jobs, but a job that waits in a
// thread is stuck there if the job in front of it turns out long. So prefetch happens only while
// jobs are short on average, while no new thread is about to come up, and onto threads whose
// running jobs are not overdue; and an idle thread takes back a job waiting elsewhere.
// Pure functions over a minimal view of the threads, tested with tables.
import { ThreadState } from "./pool-thread.ts";

/** What placement needs to know of a job in a thread. */
export interface JobView {
  started: boolean;
  startedPerf: number;
  stealing: boolean;
  ending: Error | null;
  /** Open waits of a job that seceded (it waits on a task it submitted): while > 0 it holds no slot. */
  waits?: number;
}

/** Whether a job runs and holds one of its thread's slots (a seceded job does not). */
export const holdsSlot = (job: JobView): boolean => job.started && !job.waits;

/** Jobs of a thread that hold a slot or wait for one: all but the seceded ones. */
export function load(t: ThreadView): number {
  let n = 0;
  for (const job of t.jobs) if (!job.started || !job.waits) n++;
  return n;
}

/** What placement needs to know of a thread. */
export interface ThreadView<J extends JobView = JobView> {
  state: ThreadState;
  /** Unfinished jobs in dispatch order: those started run, the others wait, in order. */
  jobs: readonly J[];
}

export interface PlacementRules {
  concurrency: number;
  /** Jobs a thread may hold beyond `concurrency`. */
  prefetch: number;
  /** Prefetch only while the average job is at most this long. */
  prefetchBelowMs: number;
  /** A thread whose running job has run this long gets nothing more to wait behind it. */
  stallMs: number;
  avgDurationMs: number | null;
  /** A thread is starting: better wait for it than queue behind a running job. */
  growing: boolean;
  /** `performance.now()`. */
  now: number;
}

/** Whether the thread's running jobs (seceded ones aside) have run longer than `stallMs`. */
export function isStalled(t: ThreadView, rules: Pick<PlacementRules, "concurrency" | "stallMs" | "now">): boolean {
  for (const job of t.jobs) {
    if (holdsSlot(job) && rules.now - job.startedPerf > rules.stallMs) return true;
  }
  return false;
}

/**
 * How many unfinished jobs, seceded ones aside, a thread may hold now.
 * @example
 * roomFor({ state: "ready", jobs: [] }, { concurrency: 1, prefetch: 1, prefetchBelowMs: 50,
 *   stallMs: 200, avgDurationMs: 0.1, growing: false, now: 0 }); // 2
 */
export function roomFor(t: ThreadView, rules: PlacementRules): number {
  if (t.state !== ThreadState.ready) return 0;
  const short = rules.avgDurationMs !== null && rules.avgDurationMs <= rules.prefetchBelowMs;
  if (!short || rules.growing || rules.prefetch <= 0 || isStalled(t, rules)) return rules.concurrency;
  return rules.concurrency + rules.prefetch;
}

/**
 * The thread for the next job: the least loaded one with room, or null.
 * @example pickThread([busy, idle], rules) === idle
 */
export function pickThread<T extends ThreadView>(threads: readonly T[], rules: PlacementRules): T | null {
  let best: T | null = null;
  let bestLoad = Infinity;
  for (const t of threads) {
    const n = load(t);
    if (n >= roomFor(t, rules)) continue;
    if (!best || n < bestLoad) {
      best = t;
      bestLoad = n;
    }
    if (n === 0) break;
  }
  return best;
}

/**
 * A job waiting in a thread that should be taken back: one behind a stalled job, or — when some
 * ready thread has a free slot and nothing is queued — any waiting job. Null if none.
 * @example pickSteal([stalledWithWaiting, idle], 0, rules) // { from: stalledWithWaiting, job }
 */
export function pickSteal<T extends ThreadView>(
  threads: readonly T[],
  queued: number,
  rules: Pick<PlacementRules, "concurrency" | "stallMs" | "now">,
): { from: T; job: T["jobs"][number] } | null {
  const freeSlot = queued === 0 && threads.some((t) => t.state === ThreadState.ready && load(t) < rules.concurrency);
  for (const t of threads) {
    if (load(t) <= rules.concurrency) continue;
    if (!freeSlot && !isStalled(t, rules)) continue;
    for (const job of t.jobs) {
      if (!job.stealing && !job.ending && !job.started) return { from: t, job };
    }
  }
  return null;
}
