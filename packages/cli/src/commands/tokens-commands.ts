// `updraft tokens create | list | revoke`: API bearer tokens.
// See src/program.ts for how a group registers its commands.
import { Option, type Command } from "commander";
import { lazyAction, outputOption, str } from "../command-kit.ts";

/** Registers `updraft tokens` and its verbs. */
export function registerTokensCommands(program: Command): void {
  const tokens = program.command("tokens").description("manage API tokens (stored as hashes)");
  const impl = () => import("./tokens.ts");

  tokens.command("create").description("create a token and print it on stdout (shown only this once)")
    .addOption(new Option("--scope <scope>", "what it may do").choices(["read", "trigger", "edit", "admin", "worker"]).makeOptionMandatory())
    .option("--name <name>", "a name to recognise it by")
    .option("--dags <patterns>", "restrict it to DAG ids matching these patterns, e.g. 'sales_*,finance_daily'")
    .option("--expires <when>", "a duration (30d, 12h, 90m, 2w) or an ISO date-time")
    .action(lazyAction(impl, async (m, ctx) => m.tokensCommand(await ctx.config(), "create", [], {
      ...(str(ctx, "scope") === undefined ? {} : { scope: str(ctx, "scope") }),
      ...(str(ctx, "name") === undefined ? {} : { name: str(ctx, "name") }),
      ...(str(ctx, "expires") === undefined ? {} : { expires: str(ctx, "expires") }),
      ...(str(ctx, "dags") === undefined ? {} : { dags: str(ctx, "dags") }),
    }, ctx.output)));

  tokens.command("list").description("list tokens (never their values)").addOption(outputOption())
    .action(lazyAction(impl, async (m, ctx) => m.tokensCommand(await ctx.config(), "list", [], {}, ctx.output)));

  tokens.command("revoke").description("revoke a token").argument("<id>", "its id, as `tokens list` shows")
    .action(lazyAction(impl, async (m, ctx) => m.tokensCommand(await ctx.config(), "revoke", ctx.args.map(String), {}, ctx.output)));
}
