// Tests of variables: plain and encrypted storage, decryption on read, listing and deletion.
import { afterEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { InvalidValueError, SecretKeyMissingError } from "./errors.ts";
import { byteLimitFromEnv, DEFAULT_MAX_VARIABLE_BYTES } from "./limits.ts";
import { deleteVariable, getVariable, listVariables, setVariable } from "./variables.ts";
import { testStores } from "./test-support.ts";

const t = testStores();
afterEach(() => t.cleanup());

async function rawVariable(store: Awaited<ReturnType<typeof t.memory>>, key: string) {
  const rows = await store.client.execute({ sql: "SELECT val, is_encrypted FROM variable WHERE key = ?", args: [key] });
  return rows.rows[0];
}

describe("variables", () => {
  it("stores values as they are without a secret key", async () => {
    const store = await t.memory();
    await setVariable(store, "s3_bucket", "sales-eu", { description: "where exports go" });
    expect(await getVariable(store, "s3_bucket")).toBe("sales-eu");
    expect(await rawVariable(store, "s3_bucket")).toMatchObject({ val: "sales-eu", is_encrypted: 0 });
  });

  it("keeps only ciphertext at rest with a secret key, and reads back the plaintext", async () => {
    const store = await t.memory({ secretKey: "k1" });
    await setVariable(store, "api_key", "sk-live-123456");
    const raw = await rawVariable(store, "api_key");
    expect(raw?.["is_encrypted"]).toBe(1);
    expect(String(raw?.["val"])).not.toContain("sk-live-123456");
    expect(await getVariable(store, "api_key")).toBe("sk-live-123456");
  });

  it("needs the key to read an encrypted value after reopening", async () => {
    const dir = await t.tempDir();
    const url = `file:${join(dir, "updraft.db")}`;
    const withKey = await t.open(url, { secretKey: "k1" });
    await setVariable(withKey, "api_key", "sk-live-123456");
    const withoutKey = await t.open(url);
    await expect(getVariable(withoutKey, "api_key")).rejects.toThrow(SecretKeyMissingError);
    const again = await t.open(url, { secretKey: "k1" });
    expect(await getVariable(again, "api_key")).toBe("sk-live-123456");
  });

  it("replaces a value and keeps the description unless given", async () => {
    const store = await t.memory({ secretKey: "k1" });
    await setVariable(store, "k", "1", { description: "first" });
    await setVariable(store, "k", "2");
    expect(await listVariables(store)).toEqual([{ key: "k", value: "2", description: "first", isEncrypted: true }]);
  });

  it("lists by key in pages, and deletes", async () => {
    const store = await t.memory();
    for (const key of ["c", "a", "b"]) await setVariable(store, key, key.toUpperCase());
    expect((await listVariables(store)).map((v) => v.key)).toEqual(["a", "b", "c"]);
    expect((await listVariables(store, { limit: 1, offset: 1 })).map((v) => v.value)).toEqual(["B"]);
    expect(await deleteVariable(store, "a")).toBe(true);
    expect(await deleteVariable(store, "a")).toBe(false);
    expect(await getVariable(store, "a")).toBeNull();
  });

  it("refuses a value larger than UPDRAFT_MAX_VARIABLE_BYTES (512 KiB by default), naming the limit", async () => {
    const store = await t.memory();
    await setVariable(store, "big", "x".repeat(DEFAULT_MAX_VARIABLE_BYTES));
    const tooBig = setVariable(store, "big", "é".repeat(DEFAULT_MAX_VARIABLE_BYTES / 2 + 1));
    await expect(tooBig).rejects.toThrow(InvalidValueError);
    await expect(tooBig).rejects.toThrow(`variable "big": the value is ${DEFAULT_MAX_VARIABLE_BYTES + 2} bytes, more than the limit of ${DEFAULT_MAX_VARIABLE_BYTES} bytes (UPDRAFT_MAX_VARIABLE_BYTES)`);
    expect((await getVariable(store, "big"))?.length).toBe(DEFAULT_MAX_VARIABLE_BYTES);
    process.env.UPDRAFT_MAX_VARIABLE_BYTES = "10";
    try {
      await expect(setVariable(store, "small", "01234567890")).rejects.toThrow(/11 bytes, more than the limit of 10 bytes/);
      await setVariable(store, "small", "0123456789");
    } finally {
      delete process.env.UPDRAFT_MAX_VARIABLE_BYTES;
    }
  });

  it("reads a byte limit from the environment, refusing one that is not a whole number", () => {
    expect(byteLimitFromEnv("X", 7, {})).toBe(7);
    expect(byteLimitFromEnv("X", 7, { X: " 2048 " })).toBe(2048);
    expect(() => byteLimitFromEnv("X", 7, { X: "1MiB" })).toThrow(`X: expected a whole number of bytes of at least 1, got "1MiB"`);
    expect(() => byteLimitFromEnv("X", 7, { X: "0" })).toThrow(/X: expected/);
  });
});
