// `updraft pools set | list | delete`.
// See src/program.ts for how a group registers its commands.
import type { Command } from "commander";
import { lazyAction, outputOption } from "../command-kit.ts";

/** Registers `updraft pools` and its verbs. */
export function registerPoolsCommands(program: Command): void {
  const pools = program.command("pools").description("manage pools (slots shared by the tasks that name them)");
  const impl = () => import("./variables.ts");

  pools.command("set").description("create a pool or change its slots").argument("<name>", "the pool")
    .argument("<slots>", "how many tasks at once (-1: no limit)").argument("[description]", "what it is for")
    .action(lazyAction(impl, async (m, ctx) => m.poolsCommand(await ctx.config(), "set", ctx.args.filter((a) => a !== undefined).map(String), ctx.output)));

  pools.command("list").description("list pools").addOption(outputOption())
    .action(lazyAction(impl, async (m, ctx) => m.poolsCommand(await ctx.config(), "list", [], ctx.output)));

  pools.command("delete").description("delete a pool (not default_pool)").argument("<name>", "the pool")
    .action(lazyAction(impl, async (m, ctx) => m.poolsCommand(await ctx.config(), "delete", ctx.args.map(String), ctx.output)));
}
