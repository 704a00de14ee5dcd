// Administration of users (Airflow's `users list | delete | reset-password`): list them without
// their hashes, delete one, set a new password. Both changes end the user's open UI sessions, so a
// removed user or an old password stops working at once.
import { asc, eq } from "drizzle-orm";
import { InvalidValueError } from "./errors.ts";
import type { Store } from "./open-store.ts";
import { abUser, uiSession, type TokenScope } from "./schema/auth.ts";
import { hashPassword } from "./users.ts";

/** A user as `listUsers` shows it: never the password hash. */
export interface UserEntry {
  id: number;
  username: string;
  role: TokenScope;
  createdAt: Date;
}

/** The principal a user's UI session carries (see ui-sessions.ts). */
const principalOf = (username: string): string => `user:${username}`;

/**
 * Every user by name.
 * @example (await listUsers(store)).map((u) => u.username) // ["admin", "ops"]
 */
export async function listUsers(store: Store, opts: { limit?: number; offset?: number } = {}): Promise<UserEntry[]> {
  return store.db
    .select({ id: abUser.id, username: abUser.username, role: abUser.role, createdAt: abUser.createdAt })
    .from(abUser)
    .orderBy(asc(abUser.username))
    .limit(opts.limit ?? -1)
    .offset(opts.offset ?? 0);
}

/**
 * Deletes user `username` and ends their UI sessions; false when there is no such user.
 * @example if (!(await deleteUser(store, "ops"))) console.error("no user ops");
 */
export async function deleteUser(store: Store, username: string): Promise<boolean> {
  return store.write(async (tx) => {
    const deleted = await tx.delete(abUser).where(eq(abUser.username, username)).returning({ id: abUser.id });
    if (deleted.length === 0) return false;
    await tx.delete(uiSession).where(eq(uiSession.principal, principalOf(username)));
    return true;
  });
}

/**
 * Sets a new password for `username` (a fresh salted scrypt hash) and ends their UI sessions;
 * false when there is no such user.
 * @example await setUserPassword(store, "admin", process.env.UPDRAFT_PASSWORD!);
 */
export async function setUserPassword(store: Store, username: string, password: string): Promise<boolean> {
  if (password.length === 0) throw new InvalidValueError(`user "${username}": password must not be empty`);
  const passwordHash = await hashPassword(password);
  return store.write(async (tx) => {
    const updated = await tx.update(abUser).set({ passwordHash }).where(eq(abUser.username, username)).returning({ id: abUser.id });
    if (updated.length === 0) return false;
    await tx.delete(uiSession).where(eq(uiSession.principal, principalOf(username)));
    return true;
  });
}
