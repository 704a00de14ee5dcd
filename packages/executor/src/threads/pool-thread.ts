// One thread of the pool, seen from the main thread: the Worker, its comlink proxy, the private
// channel on which it reaches the host object, and the jobs sent to it in dispatch order. The
// pool decides; this class only does the thread's I/O and notices when it dies.
import { MessageChannel, Worker, type MessagePort, type ResourceLimits } from "node:worker_threads";
import { expose, wrap, type Remote } from "comlink";
import { nodeEndpoint } from "./node-endpoint.ts";
import type { AbortReason, JobReply, ThreadApi, ThreadBoot } from "./thread-protocol.ts";

/** Life of a pool thread. `draining`: takes no new jobs, retires once empty. */
export const ThreadState = {
  starting: "starting",
  ready: "ready",
  draining: "draining",
  stopping: "stopping",
  exited: "exited",
} as const;
export type ThreadState = (typeof ThreadState)[keyof typeof ThreadState];

/** What the pool tracks per job; the thread keeps the unfinished ones in dispatch order. */
export interface PoolJob<P, R> {
  readonly seq: number;
  readonly label: string;
  readonly key: string | undefined;
  readonly payload: P;
  readonly timeoutMs: number | null;
  readonly onStart: ((info: { thread: string; at: number }) => void) | undefined;
  readonly resolve: (value: R) => void;
  readonly reject: (err: Error) => void;
  thread: PoolThread<P, R> | null;
  /** Whether the pool counts the job as running in its thread. */
  started: boolean;
  /** Open waits of a started job that seceded (ctx.submit): while > 0 it holds no slot. */
  waits: number;
  /** When it started: epoch ms for events, and a monotonic clock for durations. */
  startedAt: number;
  startedPerf: number;
  /** Being taken back from a busy thread for an idle one. */
  stealing: boolean;
  /** Set once the job is being stopped (time-out, cancel, close): the error it will end with. */
  ending: Error | null;
  timer: NodeJS.Timeout | null;
  settled: boolean;
}

export interface PoolThreadOptions {
  name: string;
  entry: URL;
  concurrency: number;
  host: object | undefined;
  data: unknown;
  fence: SharedArrayBuffer;
  resourceLimits: ResourceLimits | undefined;
  /** Called once when the thread has exited, with the state it was in just before. */
  onExit: (code: number, previous: ThreadState) => void;
}

/**
 * A worker thread serving `serveThread()` jobs.
 *
 * @example
 * const t = new PoolThread<P, R>({ name: "thread-1", entry, concurrency: 1, host, data: null,
 *   resourceLimits: undefined, onExit: (code) => console.log("exited", code) });
 * await t.ready;
 * const reply = await t.send(1, payload);
 */
export class PoolThread<P, R> {
  readonly name: string;
  state: ThreadState = ThreadState.starting;
  /** Unfinished jobs, in the order they were sent: started ones run, the others wait in order. */
  readonly jobs: PoolJob<P, R>[] = [];
  jobsRun = 0;
  heapUsedMb = 0;
  idleSince = Date.now();
  /** The last uncaught error the thread reported, if any: it explains a crash. */
  lastError: Error | null = null;
  exitCode: number | null = null;
  /** Resolves when the thread serves jobs; rejects with the reason if it dies first. */
  readonly ready: Promise<void>;

  readonly #worker: Worker;
  readonly #remote: Remote<ThreadApi<P, R>>;
  readonly #run: Remote<ThreadApi<P, R>>["run"];
  readonly #hostPort: MessagePort | null;

  constructor(options: PoolThreadOptions) {
    this.name = options.name;
    let hostPort: MessagePort | null = null;
    let threadPort: MessagePort | null = null;
    if (options.host) {
      // One channel per thread, set up once: jobs then carry only their payload, and no comlink
      // proxy (each of which costs a MessageChannel) is created per job.
      const channel = new MessageChannel();
      hostPort = channel.port1;
      threadPort = channel.port2;
      expose(options.host, hostPort);
    }
    this.#hostPort = hostPort;
    const boot: ThreadBoot = { name: options.name, concurrency: options.concurrency, hostPort: threadPort, data: options.data, fence: options.fence };
    this.#worker = new Worker(options.entry, {
      name: options.name,
      workerData: boot,
      transferList: threadPort ? [threadPort] : [],
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
    this.#worker.on("error", (err) => {
      this.lastError = err;
    });
    this.#remote = wrap<ThreadApi<P, R>>(nodeEndpoint(this.#worker));
    // Cached: every property access on a comlink proxy builds a new Proxy and registers it with
    // a FinalizationRegistry, which is measurable at thousands of jobs per second.
    this.#run = this.#remote.run;
    const exited = new Promise<never>((_, reject) => {
      this.#worker.once("exit", (code) => {
        const previous = this.state;
        this.exitCode = code;
        this.state = ThreadState.exited;
        this.#hostPort?.close();
        reject(this.lastError ?? new Error(`exited with code ${code}`));
        options.onExit(code, previous);
      });
    });
    exited.catch(() => {});
    // comlink never settles a call whose thread died, so readiness races the exit.
    this.ready = Promise.race([this.#remote.ready().then(() => {}), exited]).then(() => {
      if (this.state === ThreadState.starting) this.state = ThreadState.ready;
      this.idleSince = Date.now();
    });
  }

  /** The id the Worker got from Node. */
  get threadId(): number {
    return this.#worker.threadId;
  }

  get alive(): boolean {
    return this.state !== ThreadState.exited && this.state !== ThreadState.stopping;
  }

  /** Sends one job. The promise never settles if the thread dies: the pool fails it on exit. */
  send(seq: number, payload: P): Promise<JobReply<R>> {
    return this.#run({ id: seq, payload }) as Promise<JobReply<R>>;
  }

  /** Asks the thread to abort a job's signal (or drop it if it waits there). */
  abort(seq: number, reason: AbortReason): void {
    if (this.state === ThreadState.exited) return;
    this.#remote.abort(seq, reason).catch(() => {});
  }

  /** Takes back a job that waits in the thread, unless it has started; resolves true if taken. */
  unqueue(seq: number): Promise<boolean> {
    if (this.state === ThreadState.exited) return Promise.resolve(false);
    return (this.#remote.unqueue(seq) as Promise<boolean>).catch(() => false);
  }

  /** Asks the thread for its heap size. */
  memory(): Promise<{ heapUsedMb: number; heapTotalMb: number }> {
    return this.#remote.memory() as Promise<{ heapUsedMb: number; heapTotalMb: number }>;
  }

  /** Stops the thread at once, whatever it is doing; resolves when it has exited. */
  async terminate(): Promise<void> {
    if (this.state === ThreadState.exited) return;
    this.state = ThreadState.stopping;
    this.#hostPort?.close();
    await this.#worker.terminate();
  }
}
