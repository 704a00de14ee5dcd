// Loads one bundled DAG file in a child process of its own (parse-child.ts), under two limits:
// a time limit after which the process is killed (Airflow's dagbag_import_timeout), and a memory
// cap on the whole process, on-heap (`--max-old-space-size` and the loader thread's heap limit)
// and off-heap (a watchdog on its resident memory). A breach becomes an import error naming the
// limit and its setting; nothing the file does at top level can take this process's memory.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SerializedDag } from "@updraft/sdk";
import { DagImportError } from "../errors.ts";
import type { LoaderRequest } from "./loader-thread.ts";
import type { ParseChildReply, ParseChildRequest } from "./parse-child.ts";

// parse-child.ts when running from the sources, parse-child.js once built (dist/).
const CHILD = fileURLToPath(new URL(import.meta.url.endsWith(".ts") ? "./parse-child.ts" : "./parse-child.js", import.meta.url));

export interface ParseLimits {
  timeoutMs: number;
  memoryMb: number;
}

/** How a parse failed: the file's own error, or a limit it broke (time, memory) or a crash. */
export type ParseFailureKind = "error" | "timeout" | "memory" | "crash";

export class ParseFailure extends DagImportError {
  readonly kind: ParseFailureKind;
  constructor(file: string, kind: ParseFailureKind, reason: string, options?: { cause?: unknown }) {
    super(file, reason, options);
    this.kind = kind;
  }
}

const STDERR_TAIL = 2_000;

/** When a load counts as slow, and whom to tell (once). */
export interface SlowWatch {
  /** CPU time the parse process may use before it is slow. */
  afterMs: number;
  onSlow: () => void;
}

/** How much longer than `afterMs` a load that uses no CPU (a blocking call) may run before it is slow. */
const BLOCKED_FACTOR = 4;
const WATCH_EVERY_MS = 200;
// Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s on every platform it runs on.
const TICKS_PER_SECOND = 100;

/** A process's CPU time (user and system) in ms from /proc, or undefined where there is no /proc. */
function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces), from field 3: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Calls `watch.onSlow` once the process has used `watch.afterMs` of CPU time, or has run
 * BLOCKED_FACTOR times as long by the clock (it may be blocked, using none). Slow means the file
 * does a lot of work, not that the machine is busy: a good file that waits for the CPU on a loaded
 * machine is not slow. Without /proc it is slow after `afterMs` by the clock. Returns a stop function.
 */
function watchSlow(pid: number | undefined, watch: SlowWatch): () => void {
  const started = performance.now();
  const timer = setInterval(() => {
    const wall = performance.now() - started;
    const cpu = pid === undefined ? undefined : cpuMs(pid);
    if ((cpu ?? wall) >= watch.afterMs || wall >= watch.afterMs * BLOCKED_FACTOR) {
      clearInterval(timer);
      watch.onSlow();
    }
  }, Math.min(WATCH_EVERY_MS, watch.afterMs));
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Loads `req` in a child process; `signal` abandons the load (the child is killed); `slow`, when
 * given, hears once the load has turned out slow (see watchSlow).
 */
export function loadDagFile(req: LoaderRequest, limits: ParseLimits, signal?: AbortSignal, slow?: SlowWatch): Promise<SerializedDag[]> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ParseFailure(req.file, "crash", "not loaded: the DAG processor stopped"));
      return;
    }
    // process.execPath: the Node that runs Updraft (Node 24 under the `updraft` launcher), which
    // strips TypeScript types as the loader thread always has.
    const child = spawn(process.execPath, [`--max-old-space-size=${limits.memoryMb}`, CHILD], {
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
    });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (s: string) => {
      stderr = (stderr + s).slice(-STDERR_TAIL);
    });
    const stopWatch = slow ? watchSlow(child.pid, slow) : () => undefined;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWatch();
      signal?.removeEventListener("abort", onAbort);
      child.kill("SIGKILL");
      fn();
    };
    const fail = (kind: ParseFailureKind, reason: string, cause?: unknown) => finish(() => reject(new ParseFailure(req.file, kind, reason, { cause })));
    const timer = setTimeout(
      () => fail("timeout", `did not finish loading within ${limits.timeoutMs}ms (UPDRAFT_PARSE_TIMEOUT; an endless loop or a blocking call at top level?); parse abandoned`),
      limits.timeoutMs,
    );
    child.on("message", (m: ParseChildReply) => {
      if (m.kind === "done") {
        if (m.reply.ok) finish(() => resolve(m.reply.ok ? m.reply.dags : []));
        else fail("error", `${m.reply.error.name}: ${m.reply.error.message}`, m.reply.error);
      } else if (m.kind === "memory") {
        fail("memory", `parsing used more than ${limits.memoryMb} MB (UPDRAFT_PARSE_MEMORY_MB); parse abandoned`);
      } else {
        fail("crash", `the parse process crashed: ${m.message}; parse abandoned`);
      }
    });
    child.once("error", (err) => fail("crash", `the parse process could not start: ${err.message}`, err));
    // "close", not "exit": a reply sent just before the child ended is read first.
    child.once("close", (code, signal) => {
      const last = stderr.trim().split("\n").slice(-3).join(" ").trim();
      // V8's own out-of-memory abort (the heap limit reached outside the loader thread).
      if (/heap out of memory|allocation failed/i.test(stderr)) fail("memory", `parsing used more than ${limits.memoryMb} MB (UPDRAFT_PARSE_MEMORY_MB); parse abandoned`);
      else fail("crash", `the parse process crashed (${signal ? `signal ${signal}` : `exit code ${code}`})${last ? `: ${last}` : ""}; parse abandoned`);
    });
    const onAbort = () => fail("crash", "not loaded: the DAG processor stopped");
    signal?.addEventListener("abort", onAbort, { once: true });
    const request: ParseChildRequest = { load: req, memoryMb: limits.memoryMb };
    child.send(request);
  });
}
