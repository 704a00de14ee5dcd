// Tests of user administration: listing without hashes, deleting, resetting a password; both
// changes end the user's UI sessions.
import { afterEach, describe, expect, it } from "vitest";
import { testStores } from "./test-support.ts";
import { createUser, verifyUser } from "./users.ts";
import { deleteUser, listUsers, setUserPassword } from "./user-admin.ts";
import { createSession, verifySession } from "./ui-sessions.ts";

const t = testStores();
afterEach(() => t.cleanup());

describe("user administration", () => {
  it("lists users by name without their password hashes", async () => {
    const store = await t.memory();
    await createUser(store, { username: "zed", password: "pw-zed-1", role: "read" });
    await createUser(store, { username: "ann", password: "pw-ann-1", role: "admin" });
    const users = await listUsers(store);
    expect(users.map((u) => [u.username, u.role])).toEqual([["ann", "admin"], ["zed", "read"]]);
    expect(JSON.stringify(users)).not.toContain("scrypt");
  });

  it("resets a password: the new one works, the old one and open sessions do not", async () => {
    const store = await t.memory();
    await createUser(store, { username: "ann", password: "old-pass", role: "edit" });
    const s = await createSession(store, { principal: "user:ann", scope: "edit", dags: null, tokenId: null });
    expect(await setUserPassword(store, "ann", "new-pass")).toBe(true);
    expect(await verifyUser(store, "ann", "old-pass")).toBeNull();
    expect(await verifyUser(store, "ann", "new-pass")).toMatchObject({ username: "ann" });
    expect(await verifySession(store, s.sessionId)).toBeNull();
    expect(await setUserPassword(store, "nobody", "x-pass")).toBe(false);
  });

  it("deletes a user and their sessions", async () => {
    const store = await t.memory();
    await createUser(store, { username: "ann", password: "pass-1", role: "edit" });
    const s = await createSession(store, { principal: "user:ann", scope: "edit", dags: null, tokenId: null });
    expect(await deleteUser(store, "ann")).toBe(true);
    expect(await deleteUser(store, "ann")).toBe(false);
    expect(await verifyUser(store, "ann", "pass-1")).toBeNull();
    expect(await verifySession(store, s.sessionId)).toBeNull();
  });
});
