// comlink's Node adapter, typed. Node's `Worker` and `parentPort` speak EventEmitter (`on`/`off`,
// the message itself as the argument) where comlink expects a DOM-style endpoint; comlink 4.4.2
// ships the adapter as `comlink/dist/esm/node-adapter.mjs`. The package has no `exports` map and
// no `.d.mts` beside that file, so under `moduleResolution: nodenext` TypeScript finds no types
// for it (TS7016): we import it untyped and give it the signature from the UMD declarations.
// (Importing the UMD build instead types wrongly: its `export default` is really `module.exports`.)
import type { Endpoint } from "comlink";
import type { NodeEndpoint } from "comlink/dist/umd/node-adapter.js";
// @ts-expect-error -- comlink ships no declaration for the ESM build of its node adapter.
import nodeAdapter from "comlink/dist/esm/node-adapter.mjs";

/**
 * Wraps a Node `Worker` or `parentPort` as a comlink endpoint.
 *
 * @example
 * const api = wrap<ThreadApi<P, R>>(nodeEndpoint(new Worker(entry)));
 * expose(api, nodeEndpoint(parentPort!));
 */
export const nodeEndpoint: (nep: NodeEndpoint) => Endpoint = nodeAdapter as (nep: NodeEndpoint) => Endpoint;

export type { NodeEndpoint };
