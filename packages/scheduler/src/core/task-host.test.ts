// Tests of the scheduler's TaskHost for connections: UPDRAFT_CONN_<ID> in the environment wins
// over the database (Airflow's secrets backends order), the database answers otherwise, and a
// malformed variable fails the lookup naming the variable.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addConnection, migrateStore, openStore, type Store } from "@updraft/store";
import { SchedulerTaskHost } from "./task-host.ts";
import { TaskLogWriter } from "./task-logs.ts";

let store: Store;

beforeEach(async () => {
  store = await openStore({ url: ":memory:", secretKey: "k" });
  await migrateStore(store);
  await addConnection(store, { connId: "pg", connType: "postgres", host: "db-from-store", password: "store-pw", extra: '{"sslmode":"require"}' });
  await addConnection(store, { connId: "only_db", connType: "http", host: "api.internal", port: 8443 });
});

afterEach(async () => {
  await store.close();
});

describe("SchedulerTaskHost.connectionGet", () => {
  it("takes UPDRAFT_CONN_<ID> before the database", async () => {
    const host = new SchedulerTaskHost(store, new TaskLogWriter(), { UPDRAFT_CONN_PG: "postgres://u:p%40ss@env-host:5432/db?sslmode=disable" });
    expect(await host.connectionGet("pg")).toEqual({
      connId: "pg", connType: "postgres", host: "env-host", schema: "db", login: "u", password: "p@ss", port: 5432, extra: { sslmode: "disable" },
    });
    expect(await host.connectionGet("only_db")).toMatchObject({ connType: "http", host: "api.internal", port: 8443, extra: {} });
    expect(await host.connectionGet("nowhere")).toBeUndefined();
  });

  it("reads the JSON form", async () => {
    const host = new SchedulerTaskHost(store, new TaskLogWriter(), { UPDRAFT_CONN_API: '{"conn_type": "http", "host": "h", "password": "tok", "extra": {"api_key": "k1"}}' });
    expect(await host.connectionGet("api")).toMatchObject({ connType: "http", host: "h", password: "tok", extra: { api_key: "k1" } });
  });

  it("names the variable, not its value, when it does not parse", async () => {
    const host = new SchedulerTaskHost(store, new TaskLogWriter(), { UPDRAFT_CONN_PG: "nonsense-with-secret" });
    await expect(host.connectionGet("pg")).rejects.toThrow(/^UPDRAFT_CONN_PG: /);
    await expect(host.connectionGet("pg")).rejects.not.toThrow(/nonsense-with-secret/);
  });
});
