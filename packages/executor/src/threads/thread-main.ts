// The entry module of the threads executor's worker threads: each job is one try, run by the
// worker runtime's `runTask` with the host proxy the pool handed over at spawn (adapted by
// thread-host.ts) and the job's own AbortSignal, aborted on time-out or cancel. The try's log
// lines are appended to its file by this thread (thread-log-files.ts).
import type { Remote } from "comlink";
import { loadBundle, runTask, taskAssignmentSchema, type TaskHost, type TaskOutcome } from "@updraft/worker";
import { stopped } from "../outcomes.ts";
import { serveThread } from "./thread-runtime.ts";
import { seceding, threadHost, type ThreadTry } from "./thread-host.ts";
import { ThreadLogFiles } from "./thread-log-files.ts";

const files = new ThreadLogFiles();
let adapted: { remote: Remote<TaskHost>; host: TaskHost; settled: () => Promise<void> } | null = null;

serveThread<ThreadTry, TaskOutcome, TaskHost>({
  async run(job, { signal, host: remote, secede, fenced }) {
    if (adapted?.remote !== remote) adapted = { remote, ...threadHost(remote, files) };
    // Every boundary is a protocol: the assignment is checked on receipt, versioned by `v`.
    const checked = taskAssignmentSchema.safeParse(job.assignment);
    if (!checked.success) {
      return { status: "failed", retryable: false, error: { name: "ProtocolError", message: `assignment rejected by the thread: ${checked.error.message}` } };
    }
    if (job.logFile !== null && typeof job.logFile !== "string") {
      return { status: "failed", retryable: false, error: { name: "ProtocolError", message: `try "${checked.data.key}": logFile must be a path or null, got ${typeof job.logFile}` } };
    }
    // The bundle first (runTask reports its errors): a try handed over just before a freeze, whose
    // bundle loads only after it, must not start once the scheduler's lease deadline has passed.
    await loadBundle(checked.data.bundle.hash, checked.data.bundle.path ?? "").catch(() => undefined);
    if (fenced()) return stopped(checked.data, "threads", false);
    const { key } = checked.data;
    files.expect(key, job.logFile);
    let outcome: TaskOutcome;
    try {
      outcome = await runTask(checked.data, seceding(adapted.host, secede), signal);
    } finally {
      // Every line is on disk (runTask flushed synchronously) and the file closed before the
      // outcome leaves the thread: a committed end always has its complete log.
      files.close(key);
    }
    // Lines that went to the host instead must not be overtaken by the outcome (see threadHost).
    await adapted.settled();
    return outcome;
  },
});
