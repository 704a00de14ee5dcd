// Tests of connections: password and extra encrypted at rest, decrypted on read, duplicates
// refused unless replacing.
import { afterEach, describe, expect, it } from "vitest";
import { addConnection, deleteConnection, getConnection, listConnections } from "./connections.ts";
import { AlreadyExistsError, InvalidValueError } from "./errors.ts";
import { testStores } from "./test-support.ts";

const t = testStores();
afterEach(() => t.cleanup());

const PG = {
  connId: "pg",
  connType: "postgres",
  host: "db.internal",
  schema: "sales",
  login: "etl",
  password: "s3cret-pa55",
  port: 5432,
  extra: '{"sslmode":"require","token":"xyz-extra-secret"}',
};

describe("connections", () => {
  it("stores password and extra only as ciphertext when a secret key is given", async () => {
    const store = await t.memory({ secretKey: "k1" });
    await addConnection(store, PG);
    const raw = (await store.client.execute("SELECT * FROM connection WHERE conn_id = 'pg'")).rows[0];
    expect(raw).toMatchObject({ host: "db.internal", login: "etl", is_encrypted: 1, is_extra_encrypted: 1 });
    expect(String(raw?.["password"])).not.toContain("s3cret-pa55");
    expect(String(raw?.["extra"])).not.toContain("xyz-extra-secret");
    expect(await getConnection(store, "pg")).toEqual({ description: null, ...PG });
  });

  it("stores plaintext without a key", async () => {
    const store = await t.memory();
    await addConnection(store, PG);
    const raw = (await store.client.execute("SELECT password, is_encrypted FROM connection")).rows[0];
    expect(raw).toMatchObject({ password: "s3cret-pa55", is_encrypted: 0 });
    expect((await getConnection(store, "pg"))?.password).toBe("s3cret-pa55");
  });

  it("leaves absent secrets null and unflagged", async () => {
    const store = await t.memory({ secretKey: "k1" });
    await addConnection(store, { connId: "http_api", connType: "http", host: "api.example.com" });
    const raw = (await store.client.execute("SELECT password, extra, is_encrypted, is_extra_encrypted FROM connection")).rows[0];
    expect(raw).toMatchObject({ password: null, extra: null, is_encrypted: 0, is_extra_encrypted: 0 });
    expect(await getConnection(store, "http_api")).toMatchObject({ password: null, extra: null, port: null });
  });

  it("refuses a duplicate id unless asked to replace", async () => {
    const store = await t.memory({ secretKey: "k1" });
    await addConnection(store, PG);
    await expect(addConnection(store, PG)).rejects.toThrow(AlreadyExistsError);
    await expect(addConnection(store, PG)).rejects.toThrow('connection "pg" already exists');
    await addConnection(store, { ...PG, password: "rotated" }, { replace: true });
    expect((await getConnection(store, "pg"))?.password).toBe("rotated");
  });

  it("validates the id and port", async () => {
    const store = await t.memory();
    await expect(addConnection(store, { connId: "bad id", connType: "http" })).rejects.toThrow(InvalidValueError);
    await expect(addConnection(store, { connId: "p", connType: "http", port: 70_000 })).rejects.toThrow(/port must be/);
  });

  it("lists decrypted connections by id and deletes them", async () => {
    const store = await t.memory({ secretKey: "k1" });
    await addConnection(store, { ...PG, connId: "pg_b" });
    await addConnection(store, { ...PG, connId: "pg_a" });
    const all = await listConnections(store);
    expect(all.map((c) => [c.connId, c.password])).toEqual([["pg_a", PG.password], ["pg_b", PG.password]]);
    expect(await deleteConnection(store, "pg_a")).toBe(true);
    expect(await deleteConnection(store, "pg_a")).toBe(false);
    expect(await getConnection(store, "pg_a")).toBeNull();
  });
});
