// Runs inside a short-lived worker thread: imports one DAG bundle, builds its DAGs and returns
// their serialized form. A thread per file keeps a DAG file's top-level code (an infinite loop,
// a crash, a global side effect) away from the scheduler and from every other file.
import { parentPort, workerData } from "node:worker_threads";
import { toErrorData, type SerializedDag } from "@updraft/sdk";
import { loadBundle } from "@updraft/worker";
import { parseSchedule } from "../timing/schedule.ts";

export interface LoaderRequest {
  file: string;
  bundlePath: string;
  hash: string;
}

export type LoaderReply = { ok: true; dags: SerializedDag[] } | { ok: false; error: { name: string; message: string; stack?: string } };

async function load(req: LoaderRequest): Promise<LoaderReply> {
  try {
    const dags = await loadBundle(req.hash, req.bundlePath);
    return { ok: true, dags: [...dags.values()].map((d) => d.serialize(parseSchedule)) };
  } catch (err) {
    return { ok: false, error: toErrorData(err) };
  }
}

if (parentPort) {
  const reply = await load(workerData as LoaderRequest);
  parentPort.postMessage(reply);
}
