// `updraft db …`: `db migrate` brings the metadata database up to date; `db check`, `db reset`
// and `db clean` (implementation: commands/db-maintain.ts) check it, rebuild it, trim it.
// See src/program.ts for how a group registers its commands.
import type { Command } from "commander";
import { lazyAction, outputOption, str } from "../command-kit.ts";

/** Registers `updraft db` and its verbs. */
export function registerDbCommands(program: Command): void {
  const db = program.command("db").description("manage the metadata database");

  db.command("migrate").description("create the database or apply new migrations to it")
    .action(lazyAction(() => import("../runtime.ts"), async (m, ctx) => {
      const config = await ctx.config();
      await (await m.openConfiguredStore(config)).close();
      console.log(`database ${config.dbUrl} is up to date`);
      return 0;
    }));

  const impl = () => import("./db-maintain.ts");
  db.command("check").description("connect to the database and report its schema's migrations").addOption(outputOption())
    .action(lazyAction(impl, async (m, ctx) => m.dbCheck(await ctx.config(), ctx.output)));

  db.command("reset").description("drop every table and migrate again (asks first)").option("-y, --yes", "do not ask")
    .action(lazyAction(impl, async (m, ctx) => m.dbReset(await ctx.config(), ctx.opts.yes === true)));

  db.command("clean").description("delete finished runs, their task instances, tries, XComs and logs, event log rows and ended jobs older than a timestamp")
    .option("--clean-before-timestamp <ts>", "delete rows older than this (ISO date-time; required)")
    .option("--tables <a,b>", "only these tables: dag_run, task_instance, task_instance_history, xcom, log, job")
    .option("--dry-run", "count what would go and delete nothing")
    .option("--batch-size <n>", "rows per transaction (default 100)")
    .option("-y, --yes", "do not ask").addOption(outputOption())
    .action(lazyAction(impl, async (m, ctx) => m.dbClean(await ctx.config(), {
      cleanBeforeTimestamp: str(ctx, "cleanBeforeTimestamp"), tables: str(ctx, "tables"), dryRun: ctx.opts.dryRun === true,
      yes: ctx.opts.yes === true, batchSize: str(ctx, "batchSize"),
    }, ctx.output)));
}
