// `updraft users create`: users for HTTP Basic and the web UI's login.
// See src/program.ts for how a group registers its commands.
import { Option, type Command } from "commander";
import { lazyAction, str } from "../command-kit.ts";

/** Registers `updraft users` and its verbs. */
export function registerUsersCommands(program: Command): void {
  const users = program.command("users").description("manage users of the web UI and HTTP Basic");

  users.command("create").description("create a user").argument("<username>", "the user's name")
    .addOption(new Option("--role <role>", "what the user may do").choices(["read", "trigger", "edit", "admin", "worker"]).makeOptionMandatory())
    .option("--password <password>", "the password (or UPDRAFT_PASSWORD)")
    .action(lazyAction(() => import("./tokens.ts"), async (m, ctx) => m.usersCommand(await ctx.config(), "create", ctx.args.map(String), {
      ...(str(ctx, "role") === undefined ? {} : { role: str(ctx, "role") }),
      ...(str(ctx, "password") === undefined ? {} : { password: str(ctx, "password") }),
    })));
}
