// `updraft init [dir] [--force]`: writes a DAG project of one's own (commands/init.ts).
// See src/program.ts for how a group registers its commands.
import type { Command } from "commander";
import { lazyAction } from "../command-kit.ts";

/** Registers `updraft init`. */
export function registerInitCommands(program: Command): void {
  program.command("init").description("write a DAG project here: package.json scripts, tsconfig.json, dags/example.ts, .gitignore")
    .argument("[dir]", "the project folder", ".")
    .option("-f, --force", "overwrite files that exist")
    .action(lazyAction(() => import("./init.ts"), (m, ctx) => m.initCommand(String(ctx.args[0] ?? "."), { force: ctx.opts.force === true })));
}
