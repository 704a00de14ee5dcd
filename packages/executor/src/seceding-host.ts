// Dask's secede/rejoin for every executor: a TaskHost whose `submit` tells its executor that the
// calling try waits on a child (and holds no slot) until the child's answer is back.
import type { SubmitRequest, SubmitResult, TaskHost } from "@updraft/worker";

/**
 * Wraps `inner` so that each `submit` calls `secede(key)` first and the function it returns
 * (rejoin) once the answer is back, whether the child succeeded or not.
 * @example
 * const host = secedingHost(schedulerHost, (key) => { pool.secede(key); return () => pool.rejoin(key); });
 */
export function secedingHost(inner: TaskHost, secede: (key: string) => () => void): TaskHost {
  return {
    xcomPull: (q) => inner.xcomPull(q),
    variableGet: (key) => inner.variableGet(key),
    variableSet: (key, value) => inner.variableSet(key, value),
    connectionGet: (connId) => inner.connectionGet(connId),
    log: (key, lines) => inner.log(key, lines),
    ...(inner.logFile ? { logFile: (key: string) => inner.logFile!(key) } : {}),
    async submit(req: SubmitRequest): Promise<SubmitResult> {
      const rejoin = secede(req.key);
      try {
        return await inner.submit(req);
      } finally {
        rejoin();
      }
    },
  };
}
