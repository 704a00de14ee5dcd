// `updraft completion bash|zsh|fish`: prints a shell completion script generated from the
// command tree. See src/program.ts for how a group registers its commands.
import { Argument, type Command } from "commander";
import { lazyAction } from "../command-kit.ts";

/** Registers `updraft completion`. */
export function registerCompletionCommand(program: Command): void {
  program.command("completion").description("print a shell completion script (bash: source <(updraft completion bash))")
    .addArgument(new Argument("<shell>", "the shell").choices(["bash", "zsh", "fish"]))
    .action(lazyAction(() => import("../completion.ts"), (m, ctx) => {
      let root = ctx.cmd;
      while (root.parent) root = root.parent;
      process.stdout.write(m.completionScript(root, String(ctx.args[0]) as "bash" | "zsh" | "fish"));
      return 0;
    }));
}
