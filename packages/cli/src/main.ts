// The `updraft` command (DESIGN.md, Contract 3): builds the command tree (program.ts), runs the
// command, and turns any error into ONE line on stderr and an exit code: 0 success, 1 a run or
// task failed or a request was refused, 2 bad usage or a DAG that does not load. `--verbose`
// (anywhere on the line) adds the stack trace.
import { buildProgram, CommandLineError } from "./program.ts";
import { describeError, exitCodeOf } from "./errors.ts";
import { loadSettingSources } from "./settings-sources.ts";

const given = process.argv.slice(2);
// `updraft help dags trigger` is `updraft dags trigger --help` (commander's help command goes one level down only).
const argv = given[0] === "help" && given.length > 1 ? [...given.slice(1), "--help"] : given;
// Read before parsing, so an error in parsing itself is verbose too.
const verbose = argv.includes("--verbose") || argv.includes("-v");

try {
  // `.env` and updraft.config.* first, so every command and every flag default sees them.
  await loadSettingSources();
  await buildProgram().parseAsync(argv, { from: "user" });
} catch (err) {
  if (err instanceof CommandLineError && err.exitCode === 0) {
    // --help or --version, already printed.
    process.exit(0);
  }
  const code = err instanceof CommandLineError ? err.exitCode : exitCodeOf(err);
  const text = err instanceof CommandLineError && err.code === "commander.help" ? "" : `updraft: ${describeError(err, verbose)}\n`;
  process.stderr.write(text);
  // Exit now: a command that failed half-way may still hold threads or timers that would keep
  // the process alive (stderr is written synchronously to files, pipes and terminals).
  process.exit(code);
}
