// `updraft tasks …`: `tasks test DAG_ID TASK_ID [LOGICAL_DATE]` runs one task instance here,
// unrecorded, with its upstream tasks' XComs from the run of that logical date when there is one.
// See src/program.ts for how a group registers its commands.
import type { Command } from "commander";
import { lazyAction, outputOption, str } from "../command-kit.ts";
import { logicalDateOf } from "./dags-commands.ts";

/** Registers `updraft tasks` and its verbs. */
export function registerTasksCommands(program: Command): void {
  const tasks = program.command("tasks").description("test, inspect and clear task instances");

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

  // Airflow 2.10's inspection verbs and clear; each goes through the REST API with --server
  // (render excepted: the API does not give templates).
  const inspect = () => import("./tasks-inspect.ts");

  tasks.command("list").description("list a DAG's tasks").argument("<dag_id>", "the DAG")
    .option("-t, --tree", "print the DAG as a tree")
    .action(lazyAction(inspect, async (m, ctx) => m.tasksList(await ctx.config(), String(ctx.args[0]), { tree: ctx.opts.tree === true })));

  tasks.command("state").description("the state of a task instance")
    .argument("<dag_id>", "the DAG").argument("<task_id>", "the task").argument("<logical_date_or_run_id>", "the run: its id or its logical date")
    .option("--map-index <n>", "the map index of a mapped task's instance (default -1)")
    .action(lazyAction(inspect, async (m, ctx) => m.tasksState(await ctx.config(), String(ctx.args[0]), String(ctx.args[1]), String(ctx.args[2]), { mapIndex: str(ctx, "mapIndex") })));

  tasks.command("render").description("print a task's templated fields rendered for a logical date")
    .argument("<dag_id>", "the DAG").argument("<task_id>", "the task").argument("<logical_date_or_run_id>", "the logical date (or a run's id)")
    .option("--map-index <n>", "the map index (default -1)")
    .action(lazyAction(inspect, async (m, ctx) => m.tasksRender(await ctx.config(), String(ctx.args[0]), String(ctx.args[1]), String(ctx.args[2]), { mapIndex: str(ctx, "mapIndex") })));

  tasks.command("states-for-dag-run").description("the state of every task instance of a run")
    .argument("<dag_id>", "the DAG").argument("<logical_date_or_run_id>", "the run: its id or its logical date").addOption(outputOption())
    .action(lazyAction(inspect, async (m, ctx) => m.tasksStatesForDagRun(await ctx.config(), String(ctx.args[0]), String(ctx.args[1]), ctx.output)));

  tasks.command("failed-deps").description("why a task instance cannot run now: the dependencies the scheduler finds unmet")
    .argument("<dag_id>", "the DAG").argument("<task_id>", "the task").argument("<logical_date_or_run_id>", "the run: its id or its logical date")
    .option("--map-index <n>", "the map index (default -1)")
    .action(lazyAction(inspect, async (m, ctx) => m.tasksFailedDeps(await ctx.config(), String(ctx.args[0]), String(ctx.args[1]), String(ctx.args[2]), { mapIndex: str(ctx, "mapIndex") })));

  tasks.command("clear").description("clear task instances so they run again (asks first, unless -y)")
    .argument("<dag_id>", "the DAG")
    .option("-t, --task-regex <regex>", "only tasks whose id this regular expression matches")
    .option("-s, --start-date <date>", "only runs whose logical date is at or after this (ISO 8601)")
    .option("-e, --end-date <date>", "only runs whose logical date is at or before this (ISO 8601)")
    .option("-f, --only-failed", "only failed and upstream_failed instances")
    .option("-r, --only-running", "only running instances")
    .option("-d, --downstream", "with -t: also the tasks downstream of those it matches")
    .option("-u, --upstream", "with -t: also the tasks upstream of those it matches")
    .option("-y, --yes", "do not ask for confirmation")
    .action(lazyAction(() => import("./tasks-clear.ts"), async (m, ctx) => m.tasksClear(await ctx.config(), String(ctx.args[0]), {
      taskRegex: str(ctx, "taskRegex"), startDate: str(ctx, "startDate"), endDate: str(ctx, "endDate"),
      onlyFailed: ctx.opts.onlyFailed === true, onlyRunning: ctx.opts.onlyRunning === true,
      downstream: ctx.opts.downstream === true, upstream: ctx.opts.upstream === true, yes: ctx.opts.yes === true,
    })));
}
