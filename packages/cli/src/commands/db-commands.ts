// `updraft db …`: `db migrate` brings the metadata database up to date.
// See src/program.ts for how a group registers its commands.
import type { Command } from "commander";
import { lazyAction } from "../command-kit.ts";

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
}
