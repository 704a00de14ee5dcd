// Asking before a destructive command (`db reset`, `db clean`): a question on a terminal, and a
// refusal when no one can answer (a pipe, CI) unless `-y` was given.
import { createInterface } from "node:readline/promises";
import { DomainError, UsageError } from "../errors.ts";

/**
 * Resolves when the user agreed (or `yes` was given); a "no" throws `UsageError` naming -y.
 * @example await confirm(`drop every table of ${url}?`, ctx.opts.yes === true, "db reset");
 */
export async function confirm(question: string, yes: boolean, command: string): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new UsageError(`${command}: not confirmed; pass -y to run it without a question (stdin is not a terminal)`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} [y/N] `)).trim().toLowerCase();
    if (answer !== "y" && answer !== "yes") throw new DomainError(`${command}: cancelled, nothing changed`);
  } finally {
    rl.close();
  }
}
