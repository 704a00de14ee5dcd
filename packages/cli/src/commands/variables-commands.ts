// `updraft variables get | set | list | delete`; with --server, through the REST API.
// See src/program.ts for how a group registers its commands.
import type { Command } from "commander";
import { lazyAction, outputOption, type CommandContext } from "../command-kit.ts";

/** Runs a verb here (commands/variables.ts) or, with --server, through the server's API. */
function verb(sub: string) {
  return lazyAction(() => import("./variables.ts"), async (m, ctx: CommandContext) => {
    const config = await ctx.config();
    const args = ctx.args.map(String);
    if (config.server) return (await import("./remote.ts")).remoteVariables(config, sub, args, ctx.output);
    return m.variablesCommand(config, sub, args, ctx.output);
  });
}

/** Registers `updraft variables` and its verbs. */
export function registerVariablesCommands(program: Command): void {
  const variables = program.command("variables").description("manage variables (values are stored encrypted)");
  variables.command("get").description("print a variable's value").argument("<key>", "the variable").action(verb("get"));
  variables.command("set").description("set a variable").argument("<key>", "the variable").argument("<value>", "its value").action(verb("set"));
  variables.command("list").description("list variables (keys and descriptions)").addOption(outputOption()).action(verb("list"));
  variables.command("delete").description("delete a variable").argument("<key>", "the variable").action(verb("delete"));
}
