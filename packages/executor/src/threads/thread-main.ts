// The entry module of the threads executor's worker threads: each job is one try, run by the
// worker runtime's `runTask` with the host proxy the pool handed over at spawn (adapted by
// thread-host.ts) and the job's own AbortSignal, aborted on time-out or cancel.
import type { Remote } from "comlink";
import { loadBundle, runTask, taskAssignmentSchema, type TaskAssignment, type TaskHost, type TaskOutcome } from "@updraft/worker";
import { stopped } from "../outcomes.ts";
import { serveThread } from "./thread-runtime.ts";
import { seceding, threadHost } from "./thread-host.ts";

let adapted: { remote: Remote<TaskHost>; host: TaskHost; settled: () => Promise<void> } | null = null;

serveThread<TaskAssignment, TaskOutcome, TaskHost>({
  async run(assignment, { signal, host: remote, secede, fenced }) {
    if (adapted?.remote !== remote) adapted = { remote, ...threadHost(remote) };
    // Every boundary is a protocol: the assignment is checked on receipt, versioned by `v`.
    const checked = taskAssignmentSchema.safeParse(assignment);
    if (!checked.success) {
      return { status: "failed", retryable: false, error: { name: "ProtocolError", message: `assignment rejected by the thread: ${checked.error.message}` } };
    }
    // The bundle first (runTask reports its errors): a try handed over just before a freeze, whose
    // bundle loads only after it, must not start once the scheduler's lease deadline has passed.
    await loadBundle(checked.data.bundle.hash, checked.data.bundle.path ?? "").catch(() => undefined);
    if (fenced()) return stopped(checked.data, "threads", false);
    const outcome = await runTask(checked.data, seceding(adapted.host, secede), signal);
    // The outcome must not overtake the try's last log lines (see threadHost).
    await adapted.settled();
    return outcome;
  },
});
