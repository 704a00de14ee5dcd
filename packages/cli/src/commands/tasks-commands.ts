// `updraft tasks …`: `tasks test DAG_ID TASK_ID [LOGICAL_DATE]` runs one task instance here,
// unrecorded, with its upstream tasks' XComs from the run of that logical date when there is one.
// See src/program.ts for how a group registers its commands.
import type { Command } from "commander";
import { lazyAction, str } from "../command-kit.ts";
import { logicalDateOf } from "./dags-commands.ts";

/** Registers `updraft tasks` and its verbs. */
export function registerTasksCommands(program: Command): void {
  const tasks = program.command("tasks").description("test task instances");

  tasks.command("test").description("run one task instance in this process, without recording its state (exit 1 if it fails)")
    .argument("<dag_id>", "the DAG")
    .argument("<task_id>", "the task")
    .argument("[logical_date]", "the logical date (ISO 8601; default now); upstream XComs come from that date's latest run")
    .option("-e, --logical-date <date>", "the logical date (same as the positional)")
    .option("--map-index <n>", "the map index of a mapped task (default 0)")
    .option("-c, --conf <json>", "the run's conf, a JSON object")
    .action(lazyAction(() => import("./tasks-test.ts"), async (m, ctx) => m.tasksTest(await ctx.config(), String(ctx.args[0]), String(ctx.args[1]), {
      ...logicalDateOf(ctx, ctx.args[2]), mapIndex: str(ctx, "mapIndex"), conf: str(ctx, "conf"),
    })));
}
