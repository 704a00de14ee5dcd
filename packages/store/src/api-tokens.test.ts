// Tests of API tokens: only hashes at rest, verification honouring revocation and expiry,
// last-use tracking, and listings without hashes.
import { afterEach, describe, expect, it } from "vitest";
import { createToken, hashToken, listTokens, normalizeDagPatterns, revokeToken, verifyToken } from "./api-tokens.ts";
import { InvalidValueError } from "./errors.ts";
import type { TokenScope } from "./schema/auth.ts";
import { testStores } from "./test-support.ts";

const t = testStores();
afterEach(() => t.cleanup());

describe("api tokens", () => {
  it("creates a recognisable high-entropy token and stores only its sha256", async () => {
    const store = await t.memory();
    const { token, id } = await createToken(store, { name: "ci", scope: "trigger" });
    expect(token).toMatch(/^updr_[A-Za-z0-9_-]{43}$/);
    const rows = (await store.client.execute("SELECT * FROM api_token")).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.["token_hash"]).toBe(hashToken(token));
    expect(JSON.stringify(rows[0])).not.toContain(token.slice(5));
    expect(rows[0]?.["id"]).toBe(id);
    const other = await createToken(store, { name: "ci2", scope: "trigger" });
    expect(other.token).not.toBe(token);
  });

  it("verifies a valid token and reports its scope", async () => {
    const store = await t.memory();
    const { token, id } = await createToken(store, { name: "worker-1", scope: "worker" });
    expect(await verifyToken(store, token)).toEqual({ id, scope: "worker", dags: null, expiresAt: null });
  });

  it("rejects unknown, malformed and altered tokens", async () => {
    const store = await t.memory();
    const { token } = await createToken(store, { name: "ci", scope: "read" });
    const altered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    for (const bad of [altered, "updr_short", "", "Bearer " + token, token + " "]) {
      expect(await verifyToken(store, bad)).toBeNull();
    }
  });

  it("rejects a revoked token, and revoking twice reports nothing to revoke", async () => {
    const store = await t.memory();
    const { token, id } = await createToken(store, { name: "ci", scope: "edit" });
    expect(await revokeToken(store, id)).toBe(true);
    expect(await revokeToken(store, id)).toBe(false);
    expect(await revokeToken(store, 999)).toBe(false);
    expect(await verifyToken(store, token)).toBeNull();
  });

  it("accepts a token until it expires, and rejects it from then on", async () => {
    const store = await t.memory();
    const expiresAt = new Date("2030-01-01T00:00:00Z");
    const { token } = await createToken(store, { name: "temp", scope: "read", expiresAt });
    expect(await verifyToken(store, token, new Date("2029-12-31T23:59:59Z"))).not.toBeNull();
    expect(await verifyToken(store, token, expiresAt)).toBeNull();
    expect(await verifyToken(store, token, new Date("2031-01-01T00:00:00Z"))).toBeNull();
  });

  it("records the last use, at most once a minute", async () => {
    const store = await t.memory();
    const { token } = await createToken(store, { name: "ci", scope: "read" });
    expect((await listTokens(store))[0]?.lastUsedAt).toBeNull();
    const first = new Date("2030-01-01T00:00:00Z");
    await verifyToken(store, token, first);
    expect((await listTokens(store))[0]?.lastUsedAt).toEqual(first);
    await verifyToken(store, token, new Date(first.getTime() + 30_000));
    expect((await listTokens(store))[0]?.lastUsedAt).toEqual(first);
    const later = new Date(first.getTime() + 61_000);
    await verifyToken(store, token, later);
    expect((await listTokens(store))[0]?.lastUsedAt).toEqual(later);
  });

  it("lists tokens without their hashes", async () => {
    const store = await t.memory();
    await createToken(store, { name: "a", scope: "admin" });
    const { id } = await createToken(store, { name: "b", scope: "read" });
    await revokeToken(store, id);
    const list = await listTokens(store);
    expect(list.map((tk) => [tk.name, tk.scope, tk.revokedAt !== null])).toEqual([["a", "admin", false], ["b", "read", true]]);
    expect(Object.keys(list[0]!)).not.toContain("tokenHash");
  });

  it("refuses an unknown scope", async () => {
    const store = await t.memory();
    await expect(createToken(store, { name: "x", scope: "root" as TokenScope })).rejects.toThrow(InvalidValueError);
    await expect(createToken(store, { name: "x", scope: "toString" as TokenScope })).rejects.toThrow(/scope must be one of/);
  });

  it("stores a token's DAG id patterns, normalised, and returns them when it is verified and listed", async () => {
    const store = await t.memory();
    const { token, id } = await createToken(store, { name: "portal", scope: "read", dags: [" sales_*", "finance_daily", "sales_*"] });
    expect(await verifyToken(store, token)).toEqual({ id, scope: "read", dags: ["sales_*", "finance_daily"], expiresAt: null });
    expect((await listTokens(store))[0]?.dags).toEqual(["sales_*", "finance_daily"]);
  });

  it("refuses DAG patterns that are empty or not made of DAG id characters, and a DAG-restricted worker token", async () => {
    expect(() => normalizeDagPatterns([], "--dags")).toThrow(/--dags: give at least one/);
    expect(() => normalizeDagPatterns(["sales_*", "a b"], "--dags")).toThrow(/--dags: "a b" is not a DAG id pattern/);
    expect(() => normalizeDagPatterns(["%"])).toThrow(InvalidValueError);
    const store = await t.memory();
    await expect(createToken(store, { name: "w", scope: "worker", dags: ["x"] })).rejects.toThrow(/worker token cannot be restricted/);
  });
});
