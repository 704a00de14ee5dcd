// `updraft config list | get-value`: the settings in effect and where each came from (a flag,
// the environment, `.env`, the settings file, or the default). Implementation:
// commands/config-view.ts. See src/program.ts for how a group registers its commands.
import type { Command } from "commander";
import { lazyAction, outputOption } from "../command-kit.ts";

/** Registers `updraft config` and its verbs. */
export function registerConfigCommands(program: Command): void {
  const config = program.command("config").description("show the settings in effect and where each came from");
  const impl = () => import("./config-view.ts");

  config.command("list").description("every setting: its value (secrets hidden) and its source").addOption(outputOption())
    .action(lazyAction(impl, async (m, ctx) => m.configList(await ctx.config(), ctx.opts, ctx.output)));

  config.command("get-value").description("one setting's value: by name (UPDRAFT_PORT) or by Airflow's section and option (webserver web_server_port)")
    .argument("<setting-or-section>", "a setting, or an Airflow section").argument("[option]", "the option, with a section")
    .action(lazyAction(impl, async (m, ctx) => m.configGetValue(await ctx.config(), ctx.opts, String(ctx.args[0]), ctx.args[1] === undefined ? undefined : String(ctx.args[1]))));
}
