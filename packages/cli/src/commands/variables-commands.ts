// `updraft variables get | set | list | delete | import | export`; with --server, through the REST
// API. Implementation: commands/variables-admin.ts.
// See src/program.ts for how a group registers its commands.
import { Option, type Command } from "commander";
import { lazyAction, outputOption, str } from "../command-kit.ts";

/** Registers `updraft variables` and its verbs. */
export function registerVariablesCommands(program: Command): void {
  const variables = program.command("variables").description("manage variables (values are stored encrypted)");
  const impl = () => import("./variables-admin.ts");
  const arg = (ctx: { args: unknown[] }, i: number) => String(ctx.args[i]);

  variables.command("get").description("print a variable's value").argument("<key>", "the variable").addOption(outputOption())
    .action(lazyAction(impl, async (m, ctx) => m.variablesGet(await ctx.config(), arg(ctx, 0), ctx.output)));
  variables.command("set").description("set a variable").argument("<key>", "the variable").argument("<value>", "its value")
    .option("--description <text>", "what it is for")
    .action(lazyAction(impl, async (m, ctx) => m.variablesSet(await ctx.config(), arg(ctx, 0), arg(ctx, 1), str(ctx, "description"))));
  variables.command("list").description("list variables (keys and descriptions)").addOption(outputOption())
    .action(lazyAction(impl, async (m, ctx) => m.variablesList(await ctx.config(), ctx.output)));
  variables.command("delete").description("delete a variable").argument("<key>", "the variable")
    .action(lazyAction(impl, async (m, ctx) => m.variablesDelete(await ctx.config(), arg(ctx, 0))));
  variables.command("import").description("set variables from a JSON file ({\"key\": value}, Airflow's format)").argument("<file>", "the file (- for standard input)")
    .addOption(new Option("--action-on-existing-key <action>", "what to do with a key that exists").choices(["overwrite", "skip", "fail"]).default("overwrite"))
    .action(lazyAction(impl, async (m, ctx) => m.variablesImport(await ctx.config(), arg(ctx, 0), str(ctx, "actionOnExistingKey"))));
  variables.command("export").description("write every variable to a JSON file ({\"key\": value}, Airflow's format)").argument("<file>", "the file (- for standard output)")
    .action(lazyAction(impl, async (m, ctx) => m.variablesExport(await ctx.config(), arg(ctx, 0))));
}
