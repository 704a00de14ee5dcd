// `@updraft/worker/testing`: the test peer that speaks the server's side of the worker protocol,
// for tests of worker processes in other packages (`updraft worker` in @updraft/cli). Test-only.
export { TestServerPeer, sha256 } from "./test-server-peer.ts";
export type { TestServerPeerOptions, Received } from "./test-server-peer.ts";
