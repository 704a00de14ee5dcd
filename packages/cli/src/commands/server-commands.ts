// The long-running processes: `updraft standalone`, `scheduler`, `api` and `worker`.
// See src/program.ts for how a group registers its commands.
import type { Command } from "commander";
import { lazyAction, str } from "../command-kit.ts";

/** Registers `updraft standalone | scheduler | api | worker`. */
export function registerServerCommands(program: Command): void {
  program.command("standalone").description("migrate, parse DAGs, schedule, run tasks in threads, serve the API and UI on --port")
    .action(lazyAction(() => import("./standalone.ts"), async (m, ctx) => m.runServerProcess(await ctx.config(), true)));

  program.command("scheduler").description("the scheduler and its thread executor, without HTTP")
    .action(lazyAction(() => import("./standalone.ts"), async (m, ctx) => m.runServerProcess(await ctx.config(), false)));

  program.command("api").description("the HTTP API alone (runs it triggers are queued for the scheduler)")
    .action(lazyAction(() => import("./standalone.ts"), async (m, ctx) => m.runApiProcess(await ctx.config())));

  program.command("worker").description("a remote worker: runs tries of its queues in threads of its own (needs --server and --token)")
    .option("--concurrency <n>", "how many tries at once [UPDRAFT_WORKER_CONCURRENCY] (default: cores)")
    .option("--queues <a,b>", "the queues it serves [UPDRAFT_WORKER_QUEUES] (default default)")
    .option("--name <name>", "its name [UPDRAFT_WORKER_NAME] (default host-pid)")
    .action(lazyAction(() => import("./worker.ts"), async (m, ctx) => m.runWorkerProcess(await ctx.config(), {
      concurrency: str(ctx, "concurrency"), queues: str(ctx, "queues"), name: str(ctx, "name"),
    })));
}
