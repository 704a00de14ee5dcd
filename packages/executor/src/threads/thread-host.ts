// The TaskHost a try sees inside a thread: the comlink proxy of the scheduler's host, adapted so
// that log lines are written by the thread itself when the try has a log file (thread-log-files.ts),
// are never lost or reordered against the try's outcome otherwise, and so that a try waiting on a
// child it submitted gives up its slot meanwhile.
import type { Remote } from "comlink";
import type { LogLine, TaskAssignment, TaskHost } from "@updraft/worker";
import { secedingHost } from "../seceding-host.ts";
import type { ThreadLogFiles } from "./thread-log-files.ts";

/**
 * What the threads executor sends a thread for one try: the assignment, and the file the
 * scheduler registered for the try's log (TaskHost.logFile), which the thread appends to itself.
 */
export interface ThreadTry {
  assignment: TaskAssignment;
  /** null: the host keeps no file for the try; its lines go to `host.log`. */
  logFile: string | null;
}

/**
 * Adapts the comlink proxy of the scheduler's TaskHost for runTask.
 *
 * `log` first offers the lines to `files`: a try whose log file the thread holds has them appended
 * there, synchronously, and nothing crosses to the main thread. Otherwise (no file, or a file that
 * cannot be written) they go to the host, and the rest of this comment applies.
 *
 * `log` is fire-and-forget for runTask, but through comlink it is a call that the main thread
 * answers. Two things follow. Its promise is caught here: an unhandled rejection would kill the
 * thread. And log lines travel on the host's channel while the job's reply travels on the
 * thread's own port — two channels, no ordering between them — so `settled()` lets the job wait
 * until every line it sent has been received before its outcome is returned.
 *
 * @example
 * const { host, settled } = threadHost(remote, files);
 * files.expect(assignment.key, logFile);
 * const outcome = await runTask(assignment, host, signal);
 * files.close(assignment.key);
 * await settled();
 */
export function threadHost(remote: Remote<TaskHost>, files: ThreadLogFiles): { host: TaskHost; settled: () => Promise<void> } {
  const pending = new Set<Promise<void>>();
  const host: TaskHost = {
    xcomPull: (q) => remote.xcomPull(q),
    variableGet: (key) => remote.variableGet(key),
    variableSet: (key, value) => remote.variableSet(key, value),
    connectionGet: (connId) => remote.connectionGet(connId),
    submit: (req) => remote.submit(req),
    log(key: string, lines: LogLine[]) {
      if (files.write(key, lines)) return;
      const sent: Promise<void> = remote.log(key, lines).then(
        () => {},
        () => {},
      );
      pending.add(sent);
      void sent.then(() => pending.delete(sent));
    },
  };
  const settled = async (): Promise<void> => {
    while (pending.size > 0) await Promise.all(pending);
  };
  return { host, settled };
}

/**
 * The host one job sees: `submit` secedes the job from its thread's slot while the child runs
 * (Dask's secede/rejoin), so a pool whose every slot holds a waiting parent still runs children.
 * @example const outcome = await runTask(assignment, seceding(host, ctx.secede), signal);
 */
export function seceding(host: TaskHost, secede: () => () => void): TaskHost {
  return secedingHost(host, () => secede());
}
