// The TaskHost a try sees inside a thread: the comlink proxy of the scheduler's host, adapted so
// that log lines are never lost or reordered against the try's outcome, and so that a try
// waiting on a child it submitted gives up its slot meanwhile.
import type { Remote } from "comlink";
import type { LogLine, TaskHost } from "@updraft/worker";
import { secedingHost } from "../seceding-host.ts";

/**
 * Adapts the comlink proxy of the scheduler's TaskHost for runTask.
 *
 * `log` is fire-and-forget for runTask, but through comlink it is a call that the main thread
 * answers. Two things follow. Its promise is caught here: an unhandled rejection would kill the
 * thread. And log lines travel on the host's channel while the job's reply travels on the
 * thread's own port — two channels, no ordering between them — so `settled()` lets the job wait
 * until every line it sent has been received before its outcome is returned.
 *
 * @example
 * const { host, settled } = threadHost(remote);
 * const outcome = await runTask(assignment, host, signal);
 * await settled();
 */
export function threadHost(remote: Remote<TaskHost>): { host: TaskHost; settled: () => Promise<void> } {
  const pending = new Set<Promise<void>>();
  const host: TaskHost = {
    xcomPull: (q) => remote.xcomPull(q),
    variableGet: (key) => remote.variableGet(key),
    variableSet: (key, value) => remote.variableSet(key, value),
    connectionGet: (connId) => remote.connectionGet(connId),
    submit: (req) => remote.submit(req),
    log(key: string, lines: LogLine[]) {
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
