// Tests of a remote worker's TaskHost for connections: UPDRAFT_CONN_<ID> on the worker's machine
// answers without a round trip; any other id becomes a `request` frame to the server.
import { describe, expect, it } from "vitest";
import type { WorkerMessage } from "./messages.ts";
import { SocketHost } from "./socket-host.ts";

function host(env: Record<string, string>) {
  const sent: WorkerMessage[] = [];
  const h = new SocketHost({ send: (m) => (sent.push(m), true), log: () => undefined, secede: () => undefined }, env);
  return { h, sent };
}

describe("SocketHost.connectionGet", () => {
  it("answers from the worker's environment without asking the server", async () => {
    const { h, sent } = host({ UPDRAFT_CONN_WAREHOUSE: "postgres://etl:s%3Acret@wh.internal:5432/sales" });
    expect(await h.connectionGet("warehouse")).toMatchObject({ connId: "warehouse", connType: "postgres", host: "wh.internal", login: "etl", password: "s:cret", port: 5432, schema: "sales" });
    expect(sent).toEqual([]);
  });

  it("asks the server for a connection the environment does not hold", async () => {
    const { h, sent } = host({});
    const pending = h.connectionGet("pg");
    expect(sent).toHaveLength(1);
    const frame = sent[0] as Extract<WorkerMessage, { type: "request" }>;
    expect(frame).toMatchObject({ type: "request", request: { call: "connectionGet", args: { connId: "pg" } } });
    const answer = { connId: "pg", connType: "postgres", host: "db", schema: null, login: null, password: null, port: null, extra: {} };
    h.answer({ v: frame.v, type: "response", id: frame.id, result: { ok: true, value: answer } });
    expect(await pending).toEqual(answer);
  });
});
