// Tests of key rotation: previous keys still decrypt, rotateSecrets moves every secret to the
// current key in one transaction, and afterwards the old key alone opens nothing.
import { afterEach, describe, expect, it } from "vitest";
import { addConnection, getConnection } from "./connections.ts";
import { DecryptionError } from "./errors.ts";
import { rotateSecrets } from "./rotate-secrets.ts";
import { SecretBox } from "./secret-box.ts";
import { testStores } from "./test-support.ts";
import { getVariable, setVariable } from "./variables.ts";

const t = testStores();
afterEach(() => t.cleanup());

async function seeded(dir: string, key?: string) {
  const store = await t.open(`file:${dir}/u.db`, key ? { secretKey: key } : {});
  await setVariable(store, "api_key", "v-secret");
  await setVariable(store, "region", "eu");
  await addConnection(store, { connId: "pg", connType: "postgres", host: "db", password: "pw-1", extra: '{"token":"t-1"}' });
  await addConnection(store, { connId: "web", connType: "http", host: "example.com" });
  await store.close();
}

describe("rotateSecrets", () => {
  it("re-encrypts every secret under the new key; the old key then opens nothing", async () => {
    const dir = await t.tempDir();
    await seeded(dir, "old-key");
    const rotating = await t.open(`file:${dir}/u.db`, { secretKey: "new-key", previousSecretKeys: ["old-key"] });
    // During the rotation both keys read.
    expect(await getVariable(rotating, "api_key")).toBe("v-secret");
    expect(await rotateSecrets(rotating)).toEqual({ variables: 2, connections: 1, unchanged: 0 });
    // A second run has nothing left to do.
    expect(await rotateSecrets(rotating)).toEqual({ variables: 0, connections: 0, unchanged: 3 });
    await rotating.close();

    const fresh = await t.open(`file:${dir}/u.db`, { secretKey: "new-key" });
    expect(await getVariable(fresh, "api_key")).toBe("v-secret");
    expect(await getConnection(fresh, "pg")).toMatchObject({ password: "pw-1", extra: '{"token":"t-1"}' });
    const old = await t.open(`file:${dir}/u.db`, { secretKey: "old-key" });
    await expect(getVariable(old, "api_key")).rejects.toThrow(DecryptionError);
    await expect(getConnection(old, "pg")).rejects.toThrow('connection "pg" password cannot be decrypted');
  });

  it("encrypts values a store without a key left in plaintext", async () => {
    const dir = await t.tempDir();
    await seeded(dir);
    const store = await t.open(`file:${dir}/u.db`, { secretKey: "k" });
    expect(await rotateSecrets(store)).toEqual({ variables: 2, connections: 1, unchanged: 0 });
    const raw = (await store.client.execute("SELECT val, is_encrypted FROM variable WHERE key = 'api_key'")).rows[0];
    expect(raw).toMatchObject({ is_encrypted: 1 });
    expect(String(raw?.["val"])).not.toContain("v-secret");
    expect(await getVariable(store, "api_key")).toBe("v-secret");
  });

  it("changes nothing when one value opens under no key", async () => {
    const dir = await t.tempDir();
    await seeded(dir, "old-key");
    const other = await t.open(`file:${dir}/u.db`, { secretKey: "third" });
    await setVariable(other, "zz_other", "under-third");
    await other.close();
    const store = await t.open(`file:${dir}/u.db`, { secretKey: "new-key", previousSecretKeys: ["old-key"] });
    await expect(rotateSecrets(store)).rejects.toThrow('variable "zz_other" cannot be decrypted');
    // The transaction rolled back: the old key still opens what it wrote.
    const old = await t.open(`file:${dir}/u.db`, { secretKey: "old-key" });
    expect(await getVariable(old, "api_key")).toBe("v-secret");
  });
});

describe("SecretBox with previous keys", () => {
  it("decrypts with a previous key and writes with the current one", () => {
    const sealed = new SecretBox("old").encrypt("x", "ctx");
    const box = new SecretBox("new", ["old"]);
    expect(box.decrypt(sealed, "ctx")).toBe("x");
    expect(box.isCurrent(sealed, "ctx")).toBe(false);
    expect(box.isCurrent(box.encrypt("x", "ctx"), "ctx")).toBe(true);
    expect(() => new SecretBox("new").decrypt(sealed, "ctx")).toThrow(DecryptionError);
  });
});
