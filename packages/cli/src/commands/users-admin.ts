// `updraft users list | delete | reset-password` (Airflow's names), against the database. A
// deleted user, or one whose password was reset, is logged out of the web UI at once.
import { deleteUser, listUsers, recordEvent, setUserPassword } from "@updraft/store";
import type { Config } from "../config.ts";
import { NotFoundError, UsageError } from "../errors.ts";
import { withStore } from "./dags-admin.ts";
import { printTable } from "./output.ts";

/** `users list`: names, roles and creation times; never password hashes. */
export function usersList(config: Config, output?: string): Promise<number> {
  return withStore(config, async (store) => {
    printTable((await listUsers(store)).map((u) => ({ id: u.id, username: u.username, role: u.role, created_at: u.createdAt.toISOString() })), output, ["id", "username", "role", "created_at"]);
    return 0;
  });
}

/** `users delete USERNAME`; an unknown name exits 1. */
export function usersDelete(config: Config, username: string): Promise<number> {
  return withStore(config, async (store) => {
    if (!(await deleteUser(store, username))) throw new NotFoundError(`user "${username}"`);
    await recordEvent(store, { event: "cli_users_delete", owner: "cli", extra: { username } });
    console.log(`user ${username} deleted`);
    return 0;
  });
}

/** `users reset-password USERNAME [--password P]` (or UPDRAFT_PASSWORD); an unknown name exits 1. */
export function usersResetPassword(config: Config, username: string, password: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const pw = password ?? env.UPDRAFT_PASSWORD;
  if (!pw) throw new UsageError("users reset-password: give the new password with --password or UPDRAFT_PASSWORD");
  return withStore(config, async (store) => {
    if (!(await setUserPassword(store, username, pw))) throw new NotFoundError(`user "${username}"`);
    await recordEvent(store, { event: "cli_users_reset_password", owner: "cli", extra: { username } });
    console.log(`password of user ${username} changed; their open UI sessions were ended`);
    return 0;
  });
}
