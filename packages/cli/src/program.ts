// The `updraft` command tree (DESIGN.md, Contract 3), declared on commander. Every command group
// lives in its own file and registers itself here; nothing of a command's implementation loads
// until that command runs, so `updraft --help` and `updraft dags list` start fast.
//
// HOW TO ADD A COMMAND (the registration pattern)
//
// 1. A group is one file, `src/commands/<group>-commands.ts`, exporting
//    `register<Group>Commands(program: Command): void` and importing only commander,
//    `../command-kit.ts` and `../errors.ts` (never the store, scheduler or the implementation).
//    Add a verb to an existing group by adding to its file; a new group gets a new file and one
//    line in GROUPS below.
// 2. Declare the verb with its arguments, options (Airflow's short flags where Airflow has them)
//    and a one-line description; a command that prints data adds `outputOption()`
//    (`-o, --output table|json|yaml|plain`). Settings (--home, --db-url, --server …) and
//    --verbose are added to every command by this file: do not declare them.
// 3. Its action is `lazyAction(() => import("./<impl>.ts"), async (m, ctx) => m.fn(...))`: the
//    implementation module is imported when the command runs. `ctx.args` are the positional
//    arguments, `ctx.opts` the options (camelCase), `ctx.output` the checked format,
//    `await ctx.config()` the configuration. Return the exit code (0, or 1 for a failed run).
// 4. In the implementation, print data with `printTable`/`printData` of `commands/output.ts`
//    (every format in one place) and throw the classes of `src/errors.ts`: UsageError (exit 2)
//    for bad input, NotFoundError / DuplicateError / RefusedError (exit 1) for a refused request.
//    main.ts prints `updraft: <message>` on one line (the stack with --verbose).
// 5. Shell completion (`updraft completion bash|zsh|fish`) is generated from this tree: a new
//    command or option appears in it without more work.
//
// Example (commands/pools-commands.ts):
//
//   export function registerPoolsCommands(program: Command): void {
//     const pools = program.command("pools").description("manage pools");
//     pools.command("list").description("list pools").addOption(outputOption())
//       .action(lazyAction(() => import("./pools-admin.ts"), async (m, ctx) => m.poolsList(await ctx.config(), ctx.output)));
//   }
import { Command, CommanderError } from "commander";
import { addSettings, commandPath } from "./command-kit.ts";
import { VERSION } from "./version.ts";
import { registerInitCommands } from "./commands/init-commands.ts";
import { registerServerCommands } from "./commands/server-commands.ts";
import { registerDbCommands } from "./commands/db-commands.ts";
import { registerDagsCommands } from "./commands/dags-commands.ts";
import { registerTasksCommands } from "./commands/tasks-commands.ts";
import { registerVariablesCommands } from "./commands/variables-commands.ts";
import { registerConnectionsCommands } from "./commands/connections-commands.ts";
import { registerPoolsCommands } from "./commands/pools-commands.ts";
import { registerTokensCommands } from "./commands/tokens-commands.ts";
import { registerUsersCommands } from "./commands/users-commands.ts";
import { registerSecretKeyCommands } from "./commands/secret-key-commands.ts";
import { registerConfigCommands } from "./commands/config-commands.ts";
import { registerCompletionCommand } from "./commands/completion-command.ts";

/** The command groups, in the order `updraft --help` lists them. */
const GROUPS: Array<(program: Command) => void> = [
  registerInitCommands,
  registerServerCommands,
  registerDbCommands,
  registerDagsCommands,
  registerTasksCommands,
  registerVariablesCommands,
  registerConnectionsCommands,
  registerPoolsCommands,
  registerTokensCommands,
  registerUsersCommands,
  registerSecretKeyCommands,
  registerConfigCommands,
  registerCompletionCommand,
];

/**
 * A usage error found by commander (unknown option or command, a missing argument, a value not
 * among the choices): exit code 2 (0 for --help and --version), one line naming the command.
 */
export class CommandLineError extends Error {
  override name = "CommandLineError";
  readonly exitCode: number;
  /** commander's code, e.g. `commander.unknownOption`, `commander.helpDisplayed`. */
  readonly code: string;
  constructor(command: string, err: CommanderError) {
    // commander's "error: unknown option '--confx'\n(Did you mean --conf?)" as one line.
    let text = err.message.replace(/^error: /, "").replace(/\s*\n\s*\(Did you mean/, " (did you mean").replace(/\s*\n\s*/g, " ").trim();
    // "option '-o, --output <format>' argument 'xml' is invalid. Allowed choices are a, b." (or a command-argument's)
    const choice = /^(?:option '(?:-\w, )?(--[\w-]+)[^']*'|command-argument value '([^']*)' is invalid for) argument '([^']*)'(?: is invalid)?\. Allowed choices are (.*)\.$/.exec(text);
    if (choice) text = choice[1] ? `${choice[1]}: "${choice[3]}" is not one of ${choice[4]}` : `${choice[3]}: "${choice[2]}" is not one of ${choice[4]}`;
    super(command ? `${command}: ${text}` : text);
    this.code = err.code;
    this.exitCode = err.exitCode === 0 ? 0 : 2;
  }
}

/**
 * Builds the whole command tree. Parse with `await program.parseAsync(argv, { from: "user" })`;
 * commander's own errors are thrown as CommandLineError, the commands' errors as they are.
 * @example await buildProgram().parseAsync(["dags", "list", "-o", "json"], { from: "user" });
 */
export function buildProgram(): Command {
  const program = new Command("updraft")
    .description(`Updraft ${VERSION}: a workflow orchestrator (Airflow's model, in TypeScript)`)
    .version(VERSION, "--version", "print the version")
    .helpCommand("help [command...]", "help for a command")
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    // Errors are printed by main.ts, on one line.
    .configureOutput({ outputError: () => undefined });
  addSettings(program, false);
  for (const register of GROUPS) register(program);
  finish(program);
  return program;
}

/** Every command below the program: the settings (hidden in its help) and one-line errors. */
function finish(cmd: Command): void {
  if (cmd.parent) addSettings(cmd, true);
  cmd.configureOutput({ outputError: () => undefined });
  cmd.exitOverride((err) => {
    throw new CommandLineError(commandPath(cmd), err);
  });
  for (const sub of cmd.commands) finish(sub);
}
