// `updraft connections add | list | delete`.
// See src/program.ts for how a group registers its commands.
import type { Command } from "commander";
import { lazyAction, outputOption, str } from "../command-kit.ts";

/** Registers `updraft connections` and its verbs. */
export function registerConnectionsCommands(program: Command): void {
  const connections = program.command("connections").description("manage connections (secrets are stored encrypted)");
  const impl = () => import("./variables.ts");

  connections.command("add").description("add a connection").argument("<conn_id>", "the connection's id")
    .requiredOption("--conn-type <type>", "its type, e.g. postgres, http")
    .option("--conn-host <host>", "host").option("--conn-login <login>", "login").option("--conn-password <password>", "password")
    .option("--conn-port <port>", "port").option("--conn-schema <schema>", "schema").option("--conn-extra <json>", "extra, a JSON object")
    .action(lazyAction(impl, async (m, ctx) => m.connectionsCommand(await ctx.config(), "add", ctx.args.map(String), {
      "conn-type": str(ctx, "connType"), "conn-host": str(ctx, "connHost"), "conn-login": str(ctx, "connLogin"),
      "conn-password": str(ctx, "connPassword"), "conn-port": str(ctx, "connPort"), "conn-schema": str(ctx, "connSchema"),
      "conn-extra": str(ctx, "connExtra"),
    }, ctx.output)));

  connections.command("list").description("list connections (without their secrets)").addOption(outputOption())
    .action(lazyAction(impl, async (m, ctx) => m.connectionsCommand(await ctx.config(), "list", [], {}, ctx.output)));

  connections.command("delete").description("delete a connection").argument("<conn_id>", "the connection's id")
    .action(lazyAction(impl, async (m, ctx) => m.connectionsCommand(await ctx.config(), "delete", ctx.args.map(String), {}, ctx.output)));
}
