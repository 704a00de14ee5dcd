// The DAG parser's child process: one per parse, started by load-file.ts with
// `--max-old-space-size`. It imports the DAG bundle in a worker thread (loader-thread.ts) with the
// same heap limit, and keeps this main thread free to watch the whole process's resident memory
// (heap, Buffers and other off-heap allocations): past the cap it reports and kills itself. The
// main thread also notices when the parent is gone (its IPC channel closes) and exits, so a DAG
// file stuck in an endless loop never outlives the process that started its parse.
import { Worker } from "node:worker_threads";
import type { LoaderReply, LoaderRequest } from "./loader-thread.ts";

export interface ParseChildRequest {
  load: LoaderRequest;
  memoryMb: number;
}

export type ParseChildReply =
  | { kind: "done"; reply: LoaderReply }
  | { kind: "memory"; rssMb: number }
  | { kind: "crash"; message: string };

// loader-thread.ts when running from the sources, loader-thread.js once built (dist/).
const LOADER = new URL(import.meta.url.endsWith(".ts") ? "./loader-thread.ts" : "./loader-thread.js", import.meta.url);
const WATCH_MS = 25;

let sent = false;
function finish(reply: ParseChildReply): void {
  if (sent) return;
  sent = true;
  // SIGKILL: the worker may be in an endless loop or mid-allocation; nothing here needs cleaning up.
  const die = () => process.kill(process.pid, "SIGKILL");
  if (process.connected) process.send!(reply, undefined, {}, die);
  else die();
}

function start(req: ParseChildRequest): void {
  const cap = req.memoryMb * 1024 * 1024;
  const overCap = () => process.memoryUsage.rss() > cap;
  const watchdog = setInterval(() => {
    if (overCap()) finish({ kind: "memory", rssMb: Math.round(process.memoryUsage.rss() / 1024 / 1024) });
  }, WATCH_MS);
  const worker = new Worker(LOADER, {
    workerData: req.load, stdout: true, stderr: true,
    resourceLimits: { maxOldGenerationSizeMb: req.memoryMb },
  });
  worker.once("message", (reply: LoaderReply) => {
    clearInterval(watchdog);
    finish({ kind: "done", reply });
  });
  worker.once("error", (err: Error & { code?: string }) => {
    if (err.code === "ERR_WORKER_OUT_OF_MEMORY" || overCap()) finish({ kind: "memory", rssMb: Math.round(process.memoryUsage.rss() / 1024 / 1024) });
    else finish({ kind: "crash", message: `${err.name}: ${err.message}` });
  });
  worker.once("exit", (code) => finish({ kind: "crash", message: `the loader thread exited with code ${code}` }));
}

if (process.send) {
  process.once("disconnect", () => process.kill(process.pid, "SIGKILL"));
  process.once("message", (req: ParseChildRequest) => start(req));
}
