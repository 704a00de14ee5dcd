// `updraft connections add | get | list | delete | import | export | test`; with --server, through
// the REST API. Implementation: commands/connections.ts.
// See src/program.ts for how a group registers its commands.
import { Option, type Command } from "commander";
import { lazyAction, outputOption, str } from "../command-kit.ts";

/** Registers `updraft connections` and its verbs. */
export function registerConnectionsCommands(program: Command): void {
  const connections = program.command("connections").description("manage connections (secrets are stored encrypted; UPDRAFT_CONN_<ID> in the environment wins)");
  const impl = () => import("./connections.ts");
  const arg = (ctx: { args: unknown[] }, i: number) => String(ctx.args[i]);

  connections.command("add").description("add a connection, from a URI, Airflow's JSON form or field by field").argument("<conn_id>", "the connection's id")
    .option("--conn-uri <uri>", "the whole connection as a URI, e.g. postgres://user:p%40ss@host:5432/db")
    .option("--conn-json <json>", "the whole connection as Airflow's JSON form")
    .option("--conn-type <type>", "its type, e.g. postgres, http")
    .option("--conn-description <text>", "what it is for")
    .option("--conn-host <host>", "host").option("--conn-login <login>", "login").option("--conn-password <password>", "password")
    .option("--conn-port <port>", "port").option("--conn-schema <schema>", "schema").option("--conn-extra <json>", "extra, a JSON object")
    .action(lazyAction(impl, async (m, ctx) => m.connectionsAdd(await ctx.config(), arg(ctx, 0), {
      connUri: str(ctx, "connUri"), connJson: str(ctx, "connJson"), connType: str(ctx, "connType"), connDescription: str(ctx, "connDescription"),
      connHost: str(ctx, "connHost"), connLogin: str(ctx, "connLogin"), connPassword: str(ctx, "connPassword"),
      connPort: str(ctx, "connPort"), connSchema: str(ctx, "connSchema"), connExtra: str(ctx, "connExtra"),
    })));

  connections.command("get").description("show a connection's fields (never its password)").argument("<conn_id>", "the connection's id").addOption(outputOption())
    .action(lazyAction(impl, async (m, ctx) => m.connectionsGet(await ctx.config(), arg(ctx, 0), ctx.output)));

  connections.command("list").description("list connections (without their secrets)").addOption(outputOption())
    .action(lazyAction(impl, async (m, ctx) => m.connectionsList(await ctx.config(), ctx.output)));

  connections.command("delete").description("delete a connection").argument("<conn_id>", "the connection's id")
    .action(lazyAction(impl, async (m, ctx) => m.connectionsDelete(await ctx.config(), arg(ctx, 0))));

  connections.command("import").description("add connections from a .json, .yaml or .env file (Airflow's formats)").argument("<file>", "the file (- for standard input, JSON)")
    .option("--overwrite", "replace connections that exist (default: skip them)")
    .addOption(new Option("--format <format>", "the file's format (default: from its extension)").choices(["json", "yaml", "env"]))
    .action(lazyAction(impl, async (m, ctx) => m.connectionsImport(await ctx.config(), arg(ctx, 0), { overwrite: ctx.opts.overwrite === true, format: str(ctx, "format") })));

  connections.command("export").description("write the stored connections, passwords included, to a file (mode 0600)").argument("<file>", "the file (- for standard output)")
    .addOption(new Option("--format <format>", "the file's format (default: from its extension)").choices(["json", "yaml", "env"]))
    .addOption(new Option("--serialization-format <format>", "for --format env: each connection as a URI or as JSON").choices(["uri", "json"]).default("uri"))
    .action(lazyAction(impl, async (m, ctx) => m.connectionsExport(await ctx.config(), arg(ctx, 0), { format: str(ctx, "format"), serializationFormat: str(ctx, "serializationFormat") })));

  connections.command("test").description("test a connection: TCP reachability of its host and port (hooks' own tests come later)").argument("<conn_id>", "the connection's id")
    .action(lazyAction(impl, async (m, ctx) => m.connectionsTest(await ctx.config(), arg(ctx, 0))));
}
