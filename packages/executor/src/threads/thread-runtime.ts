// The thread side of the pool. An entry module calls `serveThread(handler)` once; this exposes
// the `ThreadApi` through comlink on `parentPort`, keeps the host proxy the pool handed over at
// spawn, runs up to `concurrency` jobs at once (later ones wait here, in arrival order: that is
// the pool's prefetch; a job that seceded to wait on other work does not count), gives each job
// its own AbortController, and reports the heap with each reply so the pool can recycle a thread
// that grew too large.
import { getHeapStatistics } from "node:v8";
import { isMainThread, parentPort, threadId, workerData } from "node:worker_threads";
import { expose, wrap, type Remote } from "comlink";
import { nodeEndpoint } from "./node-endpoint.ts";
import type { AbortReason, JobContext, JobReply, JobRequest, ThreadApi, ThreadBoot } from "./thread-protocol.ts";
import { toErrorData } from "@updraft/sdk";

/** The code a thread runs for each job. */
export interface ThreadHandler<P, R, H> {
  run(payload: P, ctx: JobContext<Remote<H>>): Promise<R> | R;
}

const MB = 1024 * 1024;

interface Waiting<P, R> {
  job: JobRequest<P>;
  resolve: (reply: JobReply<R>) => void;
}

function abortError(reason: AbortReason): Error {
  const err = new Error(reason.message);
  err.name = reason.name;
  return err;
}

/**
 * Serves jobs in this worker thread. Call it once, at the top level of the pool's entry module.
 *
 * @example
 * // my-entry.ts
 * serveThread<{ n: number }, number, MyHost>({
 *   async run({ n }, { signal, host }) { await host.log(`squaring ${n}`); return n * n; },
 * });
 */
export function serveThread<P, R, H>(handler: ThreadHandler<P, R, H>): void {
  if (isMainThread || !parentPort) throw new Error("serveThread() must be called inside a worker thread started by ThreadPool");
  const boot = workerData as ThreadBoot;
  // Held for the thread's whole life: if comlink's FinalizationRegistry saw this proxy collected
  // it would send RELEASE, and the main side would close the host port under running jobs.
  const host = (boot.hostPort ? wrap<H>(boot.hostPort) : undefined) as Remote<H>;
  const running = new Map<number, AbortController>();
  /** Running jobs that seceded (they wait on something else), with how many waits each has open. */
  const seceded = new Map<number, number>();
  const waiting: Waiting<P, R>[] = [];
  const holdingSlots = (): number => running.size - seceded.size;
  const fence = new BigInt64Array(boot.fence);
  /** Past the pool's fence (the scheduler's lease deadline): start nothing more. */
  const fenced = (): boolean => performance.timeOrigin + performance.now() > Number(Atomics.load(fence, 0));

  const startWaiting = (): void => {
    while (waiting.length > 0 && holdingSlots() < boot.concurrency) {
      const next = waiting.shift()!;
      if (fenced()) next.resolve({ kind: "dropped", id: next.job.id });
      else void start(next.job, next.resolve);
    }
  };

  const secede = (id: number): (() => void) => {
    if (!running.has(id)) return () => {};
    const open = seceded.get(id) ?? 0;
    seceded.set(id, open + 1);
    if (open === 0) startWaiting();
    let rejoined = false;
    return () => {
      if (rejoined) return;
      rejoined = true;
      const left = seceded.get(id);
      if (left === undefined) return; // the job has ended
      if (left <= 1) seceded.delete(id);
      else seceded.set(id, left - 1);
    };
  };

  const start = async (job: JobRequest<P>, resolve: (reply: JobReply<R>) => void): Promise<void> => {
    const controller = new AbortController();
    running.set(job.id, controller);
    let reply: JobReply<R>;
    try {
      const ctx: JobContext<Remote<H>> = { signal: controller.signal, host, thread: boot.name, data: boot.data, secede: () => secede(job.id), fenced };
      const value = await handler.run(job.payload, ctx);
      reply = { kind: "done", id: job.id, value, heapUsedMb: getHeapStatistics().used_heap_size / MB };
    } catch (err) {
      reply = { kind: "threw", id: job.id, error: toErrorData(err), heapUsedMb: getHeapStatistics().used_heap_size / MB };
    }
    running.delete(job.id);
    seceded.delete(job.id);
    // Start the next waiting job before replying, so the slot never idles for a round trip.
    startWaiting();
    resolve(reply);
  };

  const unqueue = (id: number): boolean => {
    const at = waiting.findIndex((w) => w.job.id === id);
    if (at < 0) return false;
    const [dropped] = waiting.splice(at, 1);
    dropped?.resolve({ kind: "dropped", id });
    return true;
  };

  const api: ThreadApi<P, R> = {
    ready: () => ({ name: boot.name, threadId }),
    run(job) {
      return new Promise<JobReply<R>>((resolve) => {
        if (fenced()) resolve({ kind: "dropped", id: job.id });
        else if (holdingSlots() < boot.concurrency) void start(job, resolve);
        else waiting.push({ job, resolve });
      });
    },
    abort(id, reason) {
      const controller = running.get(id);
      if (!controller) return unqueue(id);
      controller.abort(abortError(reason));
      return true;
    },
    unqueue,
    memory() {
      const heap = getHeapStatistics();
      return { heapUsedMb: heap.used_heap_size / MB, heapTotalMb: heap.total_heap_size / MB };
    },
  };
  expose(api, nodeEndpoint(parentPort));
}
