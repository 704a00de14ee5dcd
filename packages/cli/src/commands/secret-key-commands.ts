// `updraft rotate-secret-key`: re-encrypt stored secrets under a new key (Airflow's
// rotate-fernet-key). Implementation: commands/secret-key.ts.
// See src/program.ts for how a group registers its commands.
import type { Command } from "commander";
import { lazyAction } from "../command-kit.ts";

/** Registers `updraft rotate-secret-key`. */
export function registerSecretKeyCommands(program: Command): void {
  program.command("rotate-secret-key")
    .description("re-encrypt variables and connection secrets under a new key, in one transaction (UPDRAFT_SECRET_KEY + UPDRAFT_SECRET_KEY_PREVIOUS, or a new <home>/secret_key)")
    .action(lazyAction(() => import("./secret-key.ts"), async (m, ctx) => m.rotateSecretKey(await ctx.config())));
}
