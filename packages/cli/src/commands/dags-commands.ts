// `updraft dags …`: list, show, pause, unpause, list-import-errors, test, trigger, backfill, with
// Airflow's flags (`-c` conf, `-e` logical date, `-r` run id, `-s`/`-e` backfill dates, `-o`).
// With --server (or UPDRAFT_SERVER) the verbs that can go through the REST API do so.
// See src/program.ts for how a group registers its commands.
import { Option, type Command } from "commander";
import { lazyAction, outputOption, str, type CommandContext } from "../command-kit.ts";
import { UsageError } from "../errors.ts";

/**
 * `[logical_date]` positional or `-e/--logical-date`: the date and how it was given (for
 * messages), or a usage error when both are given and differ.
 */
export function logicalDateOf(ctx: CommandContext, positional: unknown): { logicalDate?: string; logicalDateLabel: string } {
  const flag = str(ctx, "logicalDate");
  const pos = typeof positional === "string" ? positional : undefined;
  if (flag !== undefined && pos !== undefined && flag !== pos) {
    throw new UsageError(`${ctx.cmd.name()}: the logical date is given twice, as "${pos}" and as --logical-date "${flag}"; give one`);
  }
  if (pos !== undefined) return { logicalDate: pos, logicalDateLabel: "logical_date" };
  return { ...(flag === undefined ? {} : { logicalDate: flag }), logicalDateLabel: "--logical-date" };
}

/** The implementation against the database here, or through a server's API with --server. */
function remoteOr<M>(load: () => Promise<M>, local: (m: M, ctx: CommandContext) => Promise<number>) {
  // The local module (store, scheduler) is imported only when the command runs here.
  return lazyAction(async () => undefined, async (_none, ctx) => {
    const config = await ctx.config();
    if (!config.server) return local(await load(), ctx);
    const remote = await import("./remote.ts");
    const id = typeof ctx.args[0] === "string" ? ctx.args[0] : undefined;
    return remote.remoteDags(config, ctx.cmd.name(), id, ctx.output);
  });
}

/** Registers `updraft dags` and its verbs. */
export function registerDagsCommands(program: Command): void {
  const dags = program.command("dags").description("list, test, trigger and manage DAGs");
  const admin = () => import("./dags-admin.ts");

  dags.command("list").description("list the DAGs the DAGs folder defines").addOption(outputOption())
    .action(remoteOr(admin, async (m, ctx) => m.dagsList(await ctx.config(), ctx.output)));

  dags.command("show").description("show a DAG's tasks and schedule").argument("<dag_id>", "the DAG").addOption(outputOption())
    .action(remoteOr(admin, async (m, ctx) => m.dagsShow(await ctx.config(), String(ctx.args[0]), ctx.output)));

  dags.command("pause").description("pause a DAG: no new runs are scheduled").argument("<dag_id>", "the DAG")
    .action(remoteOr(admin, async (m, ctx) => m.dagsSetPaused(await ctx.config(), String(ctx.args[0]), true)));

  dags.command("unpause").description("unpause a DAG").argument("<dag_id>", "the DAG")
    .action(remoteOr(admin, async (m, ctx) => m.dagsSetPaused(await ctx.config(), String(ctx.args[0]), false)));

  dags.command("list-import-errors").description("list the DAG files that do not load, and why").addOption(outputOption())
    .action(remoteOr(admin, async (m, ctx) => m.dagsListImportErrors(await ctx.config(), ctx.output)));

  dags.command("test").description("run one whole DAG run in this process and print a summary (exit 1 if it fails)")
    .argument("<dag_id>", "the DAG")
    .argument("[logical_date]", "the run's logical date (ISO 8601; default now)")
    .option("-e, --logical-date <date>", "the run's logical date (same as the positional)")
    .option("-c, --conf <json>", "the run's conf, a JSON object")
    .addOption(outputOption())
    .action(remoteOr(() => import("./dags-test.ts"), async (m, ctx) => m.dagsTest(await ctx.config(), String(ctx.args[0]), {
      ...logicalDateOf(ctx, ctx.args[1]), conf: str(ctx, "conf"), output: ctx.output,
    })));

  dags.command("trigger").description("queue a run of a DAG for the scheduler (with --wait, follow it to its end)")
    .argument("<dag_id>", "the DAG")
    .option("-c, --conf <json>", "the run's conf, a JSON object")
    .option("-e, --logical-date <date>", "the run's logical date (ISO 8601; default now)")
    .option("-r, --run-id <id>", "the run's id (default manual__<logical date>)")
    .option("--wait", "follow the run and exit 0 if it succeeds, 1 if it fails")
    .action(lazyAction(() => import("./dags-trigger.ts"), async (m, ctx) => {
      const config = await ctx.config();
      const opts = { conf: str(ctx, "conf"), logicalDate: str(ctx, "logicalDate"), runId: str(ctx, "runId"), wait: ctx.opts.wait === true };
      if (config.server) return (await import("./remote.ts")).remoteTrigger(config, String(ctx.args[0]), opts);
      return m.dagsTrigger(config, String(ctx.args[0]), opts);
    }));

  dags.command("backfill").description("queue a run for every interval from the start date to the end date, and follow them")
    .argument("<dag_id>", "the DAG")
    .option("-s, --start-date <date>", "the first logical date (ISO 8601)")
    .option("-e, --end-date <date>", "the last logical date (ISO 8601)")
    .addOption(new Option("--from <date>", "same as --start-date").hideHelp())
    .addOption(new Option("--to <date>", "same as --end-date").hideHelp())
    .option("-c, --conf <json>", "the runs' conf, a JSON object")
    .action(remoteOr(() => import("./dags-trigger.ts"), async (m, ctx) => {
      const from = str(ctx, "startDate") ?? str(ctx, "from");
      const to = str(ctx, "endDate") ?? str(ctx, "to");
      if (!from || !to) throw new UsageError("dags backfill: give -s/--start-date and -e/--end-date");
      return m.dagsBackfill(await ctx.config(), String(ctx.args[0]), { from, to, conf: str(ctx, "conf") });
    }));

  // Airflow 2.10's inspection and maintenance verbs; each goes through the REST API with --server.
  const runs = () => import("./dags-runs.ts");
  const maintain = () => import("./dags-maintain.ts");

  dags.command("list-runs").description("list a DAG's runs, newest first")
    .requiredOption("-d, --dag-id <dag_id>", "the DAG")
    .option("--state <state>", "only runs in this state (queued, running, success, failed)")
    .option("--no-backfill", "leave out backfill runs")
    .option("-s, --start-date <date>", "only runs whose logical date is at or after this (ISO 8601)")
    .option("-e, --end-date <date>", "only runs whose logical date is at or before this (ISO 8601)")
    .addOption(outputOption())
    .action(lazyAction(runs, async (m, ctx) => m.dagsListRuns(await ctx.config(), String(ctx.opts.dagId), {
      state: str(ctx, "state"), noBackfill: ctx.opts.backfill === false, startDate: str(ctx, "startDate"), endDate: str(ctx, "endDate"), output: ctx.output,
    })));

  dags.command("state").description("the state of a DAG's run at a logical date (and its conf)")
    .argument("<dag_id>", "the DAG").argument("<logical_date>", "the run's logical date (ISO 8601)")
    .action(lazyAction(runs, async (m, ctx) => m.dagsState(await ctx.config(), String(ctx.args[0]), String(ctx.args[1]))));

  dags.command("next-execution").description("the logical date of the DAG's next scheduled run(s)")
    .argument("<dag_id>", "the DAG")
    .option("-n, --num-executions <n>", "how many to print (default 1)")
    .action(lazyAction(runs, async (m, ctx) => m.dagsNextExecution(await ctx.config(), String(ctx.args[0]), { numExecutions: str(ctx, "numExecutions") })));

  dags.command("details").description("a DAG's fields, as the REST API's DAG object").argument("<dag_id>", "the DAG").addOption(outputOption())
    .action(lazyAction(maintain, async (m, ctx) => m.dagsDetails(await ctx.config(), String(ctx.args[0]), ctx.output)));

  dags.command("delete").description("delete a DAG's runs, task instances, XComs and metadata (its file stays)")
    .argument("<dag_id>", "the DAG")
    .option("-y, --yes", "do not ask for confirmation")
    .action(lazyAction(maintain, async (m, ctx) => m.dagsDelete(await ctx.config(), String(ctx.args[0]), { yes: ctx.opts.yes === true })));

  dags.command("reserialize").description("parse every DAG file now and write what it defines (with --server: ask the server to)")
    .action(lazyAction(maintain, async (m, ctx) => m.dagsReserialize(await ctx.config())));

  dags.command("report").description("per DAG file: parse time, DAG and task counts").addOption(outputOption())
    .action(lazyAction(maintain, async (m, ctx) => m.dagsReport(await ctx.config(), ctx.output)));
}
