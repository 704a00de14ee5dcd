// `updraft tokens create|list|revoke` (API bearer tokens, stored as hashes) and
// `updraft users create` (users for HTTP Basic, as Airflow clients send).
import { createToken, createUser, InvalidValueError, AlreadyExistsError, listTokens, recordEvent, revokeToken, TokenScope } from "@updraft/store";
import type { Config } from "../config.ts";
import { UsageError } from "../errors.ts";
import { withStore } from "./dags-admin.ts";
import { printTable } from "./output.ts";
import { parseLogicalDate } from "./parse-flags.ts";

const SCOPES = Object.values(TokenScope).join("|");

export interface TokenFlags {
  scope?: string;
  name?: string;
  expires?: string;
}

function scopeOf(value: string | undefined, flag: string): TokenScope {
  if (value === undefined) throw new UsageError(`${flag} is required: one of ${SCOPES}`);
  if (!Object.hasOwn(TokenScope, value)) throw new UsageError(`${flag}: expected one of ${SCOPES}, got "${value}"`);
  return value as TokenScope;
}

/**
 * `tokens create` prints the token alone on stdout (so `TOKEN=$(updraft tokens create …)` works);
 * it is never shown again, since only its sha256 is stored.
 */
export function tokensCommand(config: Config, sub: string | undefined, args: string[], flags: TokenFlags, output?: string): Promise<number> {
  switch (sub) {
    case "create": {
      const scope = scopeOf(flags.scope, "--scope");
      const expiresAt = parseLogicalDate(flags.expires, "--expires") ?? null;
      if (expiresAt && expiresAt.getTime() <= Date.now()) throw new UsageError(`--expires: ${expiresAt.toISOString()} is in the past`);
      const name = flags.name ?? `${scope} token`;
      if (name.trim() === "") throw new UsageError("--name must not be empty");
      return withStore(config, async (store) => {
        const { token, id } = await createToken(store, { name, scope, expiresAt });
        await recordEvent(store, { event: "cli_tokens_create", owner: "cli", extra: { token_id: id, name, scope } });
        process.stdout.write(`${token}\n`);
        console.error(`token ${id} ("${name}", scope ${scope}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ""}) created; it is shown only this once`);
        return 0;
      });
    }
    case "list":
      return withStore(config, async (store) => {
        const now = Date.now();
        printTable((await listTokens(store)).map((t) => ({
          id: t.id, name: t.name, scope: t.scope,
          status: t.revokedAt ? "revoked" : t.expiresAt && t.expiresAt.getTime() <= now ? "expired" : "active",
          created_at: t.createdAt.toISOString(), expires_at: t.expiresAt?.toISOString() ?? null, last_used_at: t.lastUsedAt?.toISOString() ?? null,
        })), output);
        return 0;
      });
    case "revoke": {
      const text = args[0];
      if (text === undefined || !/^\d+$/.test(text)) throw new UsageError("usage: updraft tokens revoke ID (the id `updraft tokens list` shows)");
      return withStore(config, async (store) => {
        if (!(await revokeToken(store, Number(text)))) throw new UsageError(`token ${text} does not exist or is already revoked`);
        await recordEvent(store, { event: "cli_tokens_revoke", owner: "cli", extra: { token_id: Number(text) } });
        console.log(`token ${text} revoked`);
        return 0;
      });
    }
    default:
      throw new UsageError(`usage: updraft tokens create --scope ${SCOPES} [--name N] [--expires ISO] | list | revoke ID`);
  }
}

export interface UserFlags {
  role?: string;
  password?: string;
}

/** `users create USERNAME --role R --password P`; the password may come from UPDRAFT_PASSWORD instead. */
export function usersCommand(config: Config, sub: string | undefined, args: string[], flags: UserFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (sub !== "create") throw new UsageError(`usage: updraft users create USERNAME --role ${SCOPES} --password P (or UPDRAFT_PASSWORD)`);
  const username = args[0];
  if (!username) throw new UsageError(`usage: updraft users create USERNAME --role ${SCOPES} --password P (or UPDRAFT_PASSWORD)`);
  const role = scopeOf(flags.role, "--role");
  const password = flags.password ?? env.UPDRAFT_PASSWORD;
  if (!password) throw new UsageError("users create: give the password with --password or UPDRAFT_PASSWORD");
  return withStore(config, async (store) => {
    try {
      await createUser(store, { username, password, role });
    } catch (err) {
      if (err instanceof AlreadyExistsError || err instanceof InvalidValueError) throw new UsageError(err.message);
      throw err;
    }
    await recordEvent(store, { event: "cli_users_create", owner: "cli", extra: { username, role } });
    console.log(`user ${username} created with role ${role}`);
    return 0;
  });
}
