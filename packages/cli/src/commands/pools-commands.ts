// `updraft pools set | get | list | delete | import | export`; with --server, through the REST
// API. Implementation: commands/pools-admin.ts.
// See src/program.ts for how a group registers its commands.
import type { Command } from "commander";
import { lazyAction, outputOption } from "../command-kit.ts";

/** Registers `updraft pools` and its verbs. */
export function registerPoolsCommands(program: Command): void {
  const pools = program.command("pools").description("manage pools (slots shared by the tasks that name them)");
  const impl = () => import("./pools-admin.ts");
  const arg = (ctx: { args: unknown[] }, i: number) => (ctx.args[i] === undefined ? undefined : String(ctx.args[i]));

  pools.command("set").description("create a pool or change its slots").argument("<name>", "the pool")
    .argument("<slots>", "how many tasks at once (-1: no limit)").argument("[description]", "what it is for")
    .option("--include-deferred", "deferred tasks count against the pool")
    .action(lazyAction(impl, async (m, ctx) => m.poolsSet(await ctx.config(), arg(ctx, 0)!, arg(ctx, 1)!, arg(ctx, 2), ctx.opts.includeDeferred === true ? true : undefined)));

  pools.command("get").description("show a pool").argument("<name>", "the pool").addOption(outputOption())
    .action(lazyAction(impl, async (m, ctx) => m.poolsGet(await ctx.config(), arg(ctx, 0)!, ctx.output)));

  pools.command("list").description("list pools").addOption(outputOption())
    .action(lazyAction(impl, async (m, ctx) => m.poolsList(await ctx.config(), ctx.output)));

  pools.command("delete").description("delete a pool (not default_pool)").argument("<name>", "the pool")
    .action(lazyAction(impl, async (m, ctx) => m.poolsDelete(await ctx.config(), arg(ctx, 0)!)));

  pools.command("import").description("create or update pools from a JSON file (Airflow's format)").argument("<file>", "the file (- for standard input)")
    .action(lazyAction(impl, async (m, ctx) => m.poolsImport(await ctx.config(), arg(ctx, 0)!)));

  pools.command("export").description("write every pool to a JSON file (Airflow's format)").argument("<file>", "the file (- for standard output)")
    .action(lazyAction(impl, async (m, ctx) => m.poolsExport(await ctx.config(), arg(ctx, 0)!)));
}
