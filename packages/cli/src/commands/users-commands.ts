// `updraft users create | list | delete | reset-password`: users for HTTP Basic and the web UI's
// login (list, delete and reset-password: commands/users-admin.ts).
// See src/program.ts for how a group registers its commands.
import { Option, type Command } from "commander";
import { lazyAction, outputOption, str } from "../command-kit.ts";

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

  const admin = () => import("./users-admin.ts");
  users.command("list").description("list users (names and roles)").addOption(outputOption())
    .action(lazyAction(admin, async (m, ctx) => m.usersList(await ctx.config(), ctx.output)));
  users.command("delete").description("delete a user (and end their UI sessions)").argument("<username>", "the user's name")
    .action(lazyAction(admin, async (m, ctx) => m.usersDelete(await ctx.config(), String(ctx.args[0]))));
  users.command("reset-password").description("set a user's password (and end their UI sessions)").argument("<username>", "the user's name")
    .option("--password <password>", "the new password (or UPDRAFT_PASSWORD)")
    .action(lazyAction(admin, async (m, ctx) => m.usersResetPassword(await ctx.config(), String(ctx.args[0]), str(ctx, "password"))));
}
