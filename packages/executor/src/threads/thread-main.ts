// The entry module of the threads executor's worker threads: each job is one try, run by the
// worker runtime's `runTask` with the host proxy the pool handed over at spawn (adapted by
// thread-host.ts) and the job's own AbortSignal, aborted on time-out or cancel.
import type { Remote } from "comlink";
import { runTask, taskAssignmentSchema, type TaskAssignment, type TaskHost, type TaskOutcome } from "@updraft/worker";
import { serveThread } from "./thread-runtime.ts";
import { seceding, threadHost } from "./thread-host.ts";

let adapted: { remote: Remote<TaskHost>; host: TaskHost; settled: () => Promise<void> } | null = null;

serveThread<TaskAssignment, TaskOutcome, TaskHost>({
  async run(assignment, { signal, host: remote, secede }) {
    if (adapted?.remote !== remote) adapted = { remote, ...threadHost(remote) };
    // Every boundary is a protocol: the assignment is checked on receipt, versioned by `v`.
    const checked = taskAssignmentSchema.safeParse(assignment);
    if (!checked.success) {
      return { status: "failed", retryable: false, error: { name: "ProtocolError", message: `assignment rejected by the thread: ${checked.error.message}` } };
    }
    const outcome = await runTask(checked.data, seceding(adapted.host, secede), signal);
    // The outcome must not overtake the try's last log lines (see threadHost).
    await adapted.settled();
    return outcome;
  },
});
