// Loads one bundled DAG file in its own thread, with a time limit after which the thread is
// terminated (Airflow's dagbag_import_timeout).
import { Worker } from "node:worker_threads";
import type { SerializedDag } from "@updraft/sdk";
import { DagImportError } from "../errors.ts";
import type { LoaderReply, LoaderRequest } from "./loader-thread.ts";

const LOADER = new URL("./loader-thread.ts", import.meta.url);

export function loadDagFile(req: LoaderRequest, timeoutMs: number): Promise<SerializedDag[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOADER, { workerData: req, stdout: true, stderr: true });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(
      () => finish(() => reject(new DagImportError(req.file, `did not finish loading within ${timeoutMs}ms (an endless loop or a blocking call at top level?)`))),
      timeoutMs,
    );
    worker.once("message", (reply: LoaderReply) =>
      finish(() => {
        if (reply.ok) resolve(reply.dags);
        else reject(new DagImportError(req.file, `${reply.error.name}: ${reply.error.message}`, { cause: reply.error }));
      }),
    );
    worker.once("error", (err) => finish(() => reject(new DagImportError(req.file, `crashed while loading: ${err.message}`, { cause: err }))));
    worker.once("exit", (code) => finish(() => reject(new DagImportError(req.file, `exited with code ${code} while loading`))));
  });
}
