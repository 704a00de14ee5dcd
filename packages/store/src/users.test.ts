// Tests of users for HTTP Basic: salted scrypt hashes at rest, verification, duplicates.
import { scryptSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { AlreadyExistsError, InvalidValueError } from "./errors.ts";
import { checkPassword, createUser, hashPassword, verifyUser } from "./users.ts";
import { testStores } from "./test-support.ts";

const t = testStores();
afterEach(() => t.cleanup());

describe("users", () => {
  it("stores a salted scrypt hash, never the password", async () => {
    const store = await t.memory();
    await createUser(store, { username: "admin", password: "correct horse", role: "admin" });
    await createUser(store, { username: "admin2", password: "correct horse", role: "admin" });
    const rows = (await store.client.execute("SELECT password_hash FROM ab_user ORDER BY id")).rows.map((r) => String(r[0]));
    for (const hash of rows) {
      expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(hash).not.toContain("correct horse");
    }
    expect(rows[0]).not.toBe(rows[1]);
  });

  it("verifies the right password and refuses a wrong one or an unknown user", async () => {
    const store = await t.memory();
    const { id } = await createUser(store, { username: "ops", password: "s3cret", role: "edit" });
    expect(await verifyUser(store, "ops", "s3cret")).toEqual({ id, username: "ops", role: "edit" });
    expect(await verifyUser(store, "ops", "S3cret")).toBeNull();
    expect(await verifyUser(store, "nobody", "s3cret")).toBeNull();
  });

  it("refuses a taken name, an empty password, a colon in the name and an unknown role", async () => {
    const store = await t.memory();
    await createUser(store, { username: "ops", password: "a", role: "read" });
    await expect(createUser(store, { username: "ops", password: "b", role: "read" })).rejects.toThrow(AlreadyExistsError);
    await expect(createUser(store, { username: "x", password: "", role: "read" })).rejects.toThrow(InvalidValueError);
    await expect(createUser(store, { username: "a:b", password: "p", role: "read" })).rejects.toThrow(/no ":"/);
    await expect(createUser(store, { username: "y", password: "p", role: "god" as "admin" })).rejects.toThrow(/role must be one of/);
  });

  it("checks hashes made with other parameters, and refuses malformed ones", async () => {
    expect(await checkPassword("pw", await hashPassword("pw"))).toBe(true);
    const salt = Buffer.from("0123456789abcdef");
    const cheaper = `scrypt$1024$8$2$${salt.toString("base64")}$${scryptSync("pw", salt, 32, { N: 1024, r: 8, p: 2 }).toString("base64")}`;
    expect(await checkPassword("pw", cheaper)).toBe(true);
    expect(await checkPassword("px", cheaper)).toBe(false);
    expect(await checkPassword("pw", "scrypt$1024$8$1$c2FsdA==$")).toBe(false);
    expect(await checkPassword("pw", "plain:pw")).toBe(false);
  });
});
