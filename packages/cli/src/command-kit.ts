// The pieces every command group (src/commands/*-commands.ts) uses to declare its commands on
// commander: the global settings flags, `--output`, and `lazyAction`, which imports a command's
// module only when that command runs (so `updraft --help` never loads the store or scheduler).
// This file must stay light: it imports commander and nothing of Updraft's other packages.
import { Option, type Command } from "commander";
import type { Config } from "./config.ts";
import { UsageError } from "./errors.ts";

/** The formats `--output` / `-o` accepts; `table` is the default. */
export const OUTPUT_FORMATS = ["table", "json", "yaml", "plain"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * `-o, --output <format>` for a command that prints data: an unknown format is refused (exit 2).
 * @example cmd.addOption(outputOption());
 */
export function outputOption(): Option {
  return new Option("-o, --output <format>", "how to print the result").choices(OUTPUT_FORMATS).default("table");
}

/**
 * The settings every command takes, each a flag or an environment variable (DESIGN.md, Contract
 * 3; config.ts reads them). Declared on the program and on every command, so they may come
 * before or after the command's name.
 */
export const SETTINGS = [
  { flags: "--home <dir>", env: "UPDRAFT_HOME", description: "Updraft's home: database, logs, bundles (default .updraft)" },
  { flags: "--db-url <url>", env: "UPDRAFT_DB_URL", description: "metadata database (default file:<home>/updraft.db)" },
  { flags: "--dags-folder <dir>", env: "UPDRAFT_DAGS_FOLDER", description: "where DAG files are (default dags)" },
  { flags: "--port <n>", env: "UPDRAFT_PORT", description: "HTTP port of standalone and api (default 8080)" },
  { flags: "--executor <name>", env: "UPDRAFT_EXECUTOR", description: "threads (default) or sequential" },
  { flags: "--server <url>", env: "UPDRAFT_SERVER", description: "a running server: commands go through its REST API" },
  { flags: "--token <token>", env: "UPDRAFT_TOKEN", description: "bearer token for --server" },
  { flags: "--local-queues <a,b>", env: "UPDRAFT_LOCAL_QUEUES", description: "queues the server's own threads serve (default default)" },
  { flags: "--worker-timeout <duration>", env: "UPDRAFT_WORKER_TIMEOUT", description: "a silent remote worker is lost after this (default 30s)" },
  { flags: "--worker-heartbeat <duration>", env: "UPDRAFT_WORKER_HEARTBEAT", description: "how often remote workers heartbeat" },
] as const;

/** Adds the settings and `--verbose` to a command; `hidden` keeps them out of its own help. */
export function addSettings(cmd: Command, hidden: boolean): void {
  for (const s of SETTINGS) {
    const option = new Option(s.flags, `${s.description} [${s.env}]`);
    cmd.addOption(hidden ? option.hideHelp() : option);
  }
  const verbose = new Option("-v, --verbose", "print stack traces of errors");
  cmd.addOption(hidden ? verbose.hideHelp() : verbose);
}

/** What a command's implementation gets: its arguments, its options, the configuration. */
export interface CommandContext {
  /** The commander command that is running (for its name in messages). */
  cmd: Command;
  /** Positional arguments, in declaration order (a variadic one is an array). */
  args: unknown[];
  /** The command's options over the global ones (the nearest wins), camelCased by commander. */
  opts: Record<string, unknown>;
  /** `-o` / `--output`, checked. */
  output: OutputFormat;
  /** The configuration from the settings flags and environment; a bad setting is a UsageError. */
  config(): Promise<Config>;
}

/** Options of the command and its ancestors; a value given nearer the command wins. */
export function mergedOptions(cmd: Command): Record<string, unknown> {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  const merged: Record<string, unknown> = {};
  for (const c of chain) {
    for (const [key, value] of Object.entries(c.opts())) {
      // A default (like --output's table) does not override a value the user gave further out.
      if (value === undefined) continue;
      if (c.getOptionValueSource(key) === "default" && merged[key] !== undefined) continue;
      merged[key] = value;
    }
  }
  return merged;
}

/** The settings flags as config.ts's loadConfig takes them. */
function configFlags(opts: Record<string, unknown>): Record<string, string | undefined> {
  const s = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    home: s(opts.home), "db-url": s(opts.dbUrl), "dags-folder": s(opts.dagsFolder), port: s(opts.port), server: s(opts.server),
    token: s(opts.token), executor: s(opts.executor), "local-queues": s(opts.localQueues),
    "worker-timeout": s(opts.workerTimeout), "worker-heartbeat": s(opts.workerHeartbeat),
  };
}

/** Builds the context of a running command (commander passes the command last to an action). */
export function commandContext(cmd: Command): CommandContext {
  const opts = mergedOptions(cmd);
  let config: Promise<Config> | undefined;
  return {
    cmd,
    args: cmd.processedArgs,
    opts,
    output: (opts.output as OutputFormat | undefined) ?? "table",
    config: () => (config ??= import("./config.ts").then(({ loadConfig }) => {
      try {
        return loadConfig(configFlags(opts));
      } catch (err) {
        throw new UsageError((err as Error).message, { cause: err });
      }
    })),
  };
}

/**
 * An action that imports the command's module only when the command runs, then calls it; the
 * number it returns is the exit code (0 success, 1 a run or task failed).
 * @example
 * group.command("list").addOption(outputOption())
 *   .action(lazyAction(() => import("./dags-admin.ts"), async (m, ctx) => m.dagsList(await ctx.config(), ctx.output)));
 */
export function lazyAction<M>(load: () => Promise<M>, run: (module: M, ctx: CommandContext) => Promise<number> | number): (...params: unknown[]) => Promise<void> {
  return async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const ctx = commandContext(cmd);
    const module = await load();
    process.exitCode = await run(module, ctx);
  };
}

/**
 * A string option's value from the context (undefined when not given).
 * @example str(ctx, "conf") // '{"a": 1}'
 */
export function str(ctx: CommandContext, key: string): string | undefined {
  const v = ctx.opts[key];
  return typeof v === "string" ? v : undefined;
}

/** The command's full name, e.g. `dags trigger`, for messages. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}
