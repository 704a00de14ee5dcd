// `updraft tokens create|list|revoke` (API bearer tokens, stored as hashes, optionally restricted
// to DAG id patterns for a portal) and `updraft users create` (users for HTTP Basic, as Airflow
// clients send, and for the web UI's login).
import {
  createToken, createUser, InvalidValueError, AlreadyExistsError, listTokens, normalizeDagPatterns, recordEvent, revokeToken, TokenScope,
} from "@updraft/store";
import type { Config } from "../config.ts";
import { DuplicateError, NotFoundError, UsageError } from "../errors.ts";
import { withStore } from "./dags-admin.ts";
import { printTable } from "./output.ts";
import { parseLogicalDate } from "./parse-flags.ts";

const SCOPES = Object.values(TokenScope).join("|");

export interface TokenFlags {
  scope?: string;
  name?: string;
  expires?: string;
  dags?: string;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/**
 * `--expires`: a duration from now (`30d`, `12h`, `90m`, `2w`) or an ISO date-time.
 * @example parseExpiry("30d", new Date("2026-01-01T00:00:00Z")) // 2026-01-31T00:00:00Z
 */
export function parseExpiry(text: string | undefined, now: Date = new Date()): Date | null {
  if (text === undefined) return null;
  const m = /^\s*(\d{1,6})\s*([mhdw])\s*$/.exec(text);
  if (m) {
    const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    if (ms === 0) throw new UsageError(`--expires: "${text}" is no time at all; give e.g. 30d, 12h or an ISO date`);
    return new Date(now.getTime() + ms);
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) throw new UsageError(`--expires: "${text}" is neither a duration (30d, 12h, 90m, 2w) nor an ISO date-time`);
  return parseLogicalDate(text, "--expires") ?? null;
}

/** `--dags 'sales_*,finance_daily'`: the DAG id patterns, checked. */
function dagPatterns(text: string | undefined): string[] | null {
  if (text === undefined) return null;
  try {
    return normalizeDagPatterns(text.split(",").filter((p) => p.trim() !== ""), "--dags");
  } catch (err) {
    if (err instanceof InvalidValueError) throw new UsageError(err.message);
    throw err;
  }
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
      const expiresAt = parseExpiry(flags.expires);
      if (expiresAt && expiresAt.getTime() <= Date.now()) throw new UsageError(`--expires: ${expiresAt.toISOString()} is in the past`);
      const dags = dagPatterns(flags.dags);
      if (dags && scope === "worker") throw new UsageError("--dags: a worker token cannot be restricted to DAGs (workers run whatever they are assigned)");
      const name = flags.name ?? `${scope} token`;
      if (name.trim() === "") throw new UsageError("--name must not be empty");
      return withStore(config, async (store) => {
        const { token, id } = await createToken(store, { name, scope, expiresAt, dags });
        await recordEvent(store, { event: "cli_tokens_create", owner: "cli", extra: { token_id: id, name, scope, dags } });
        process.stdout.write(`${token}\n`);
        const details = [`scope ${scope}`, ...(dags ? [`DAGs ${dags.join(", ")}`] : []), ...(expiresAt ? [`expires ${expiresAt.toISOString()}`] : [])];
        console.error(`token ${id} ("${name}", ${details.join(", ")}) created; it is shown only this once`);
        return 0;
      });
    }
    case "list":
      return withStore(config, async (store) => {
        const now = Date.now();
        printTable((await listTokens(store)).map((t) => ({
          id: t.id, name: t.name, scope: t.scope, dags: t.dags ? t.dags.join(",") : "*",
          status: t.revokedAt ? "revoked" : t.expiresAt && t.expiresAt.getTime() <= now ? "expired" : "active",
          created_at: t.createdAt.toISOString(), expires_at: t.expiresAt?.toISOString() ?? null, last_used_at: t.lastUsedAt?.toISOString() ?? null,
        })), output);
        return 0;
      });
    case "revoke": {
      const text = args[0];
      if (text === undefined || !/^\d+$/.test(text)) throw new UsageError("usage: updraft tokens revoke ID (the id `updraft tokens list` shows)");
      return withStore(config, async (store) => {
        if (!(await revokeToken(store, Number(text)))) throw new NotFoundError(`token ${text}`, "or it is already revoked");
        await recordEvent(store, { event: "cli_tokens_revoke", owner: "cli", extra: { token_id: Number(text) } });
        console.log(`token ${text} revoked`);
        return 0;
      });
    }
    default:
      throw new UsageError(`usage: updraft tokens create --scope ${SCOPES} [--name N] [--dags 'sales_*,finance_daily'] [--expires 30d|12h|ISO] | list | revoke ID`);
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
      if (err instanceof AlreadyExistsError) throw new DuplicateError(`user "${username}"`, { cause: err });
      if (err instanceof InvalidValueError) throw new UsageError(err.message);
      throw err;
    }
    await recordEvent(store, { event: "cli_users_create", owner: "cli", extra: { username, role } });
    console.log(`user ${username} created with role ${role}`);
    return 0;
  });
}
