// The host side of running tries: a remote worker's `request` frames served by the scheduler's
// TaskHost, and the host given to the local member's threads, which tells the executor while a
// try awaits its submitted children (so that it does not count against the threads' capacity).
import type { HostCall, TaskHost } from "@updraft/worker";
import { secedingHost } from "../seceding-host.ts";

/**
 * Performs one host call of a running try.
 * @example await callHost(host, { call: "variableGet", args: { key: "region" } }) // "eu"
 */
export async function callHost(host: TaskHost, request: HostCall): Promise<unknown> {
  switch (request.call) {
    case "xcomPull":
      return host.xcomPull(request.args);
    case "variableGet":
      return host.variableGet(request.args.key);
    case "variableSet":
      return host.variableSet(request.args.key, request.args.value);
    case "connectionGet":
      return host.connectionGet(request.args.connId);
    case "submit":
      return host.submit(request.args);
    default:
      return request satisfies never;
  }
}

/**
 * A TaskHost that reports each `submit` of a try while it is outstanding: `awaiting(key, +1)`
 * when it is made, `awaiting(key, -1)` once its answer is back.
 * @example const local = new ThreadsExecutor({ host: awaitingHost(host, (key, d) => count(key, d)) });
 */
export function awaitingHost(inner: TaskHost, awaiting: (key: string, delta: 1 | -1) => void): TaskHost {
  return secedingHost(inner, (key) => {
    awaiting(key, 1);
    return () => awaiting(key, -1);
  });
}
