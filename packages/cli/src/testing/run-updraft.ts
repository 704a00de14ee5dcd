// For the CLI's tests: runs the real `updraft` command in a child process against a temp
// UPDRAFT_HOME (so a fresh embedded database), with only the UPDRAFT_* variables a test gives.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The launcher installed in the repository's node_modules. */
export const BIN = resolve(fileURLToPath(import.meta.url), "../../../../../node_modules/.bin/updraft");

/** How a command ended. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temp home and a way to run commands in it; `remove` deletes it. */
export interface CliHome {
  dir: string;
  run(args: string[], env?: Record<string, string>, input?: string): Promise<CliResult>;
  remove(): Promise<void>;
}

/**
 * @example
 * const home = await cliHome("connections");
 * const r = await home.run(["connections", "list", "-o", "json"]);
 */
export async function cliHome(name: string): Promise<CliHome> {
  const dir = await mkdtemp(join(tmpdir(), `updraft-${name}-cli-`));
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_")));
  return {
    dir,
    run(args, env = {}, input) {
      return new Promise((done) => {
        const child = execFile(BIN, [...args, "--home", dir], { cwd: dir, env: { ...base, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
          done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
        });
        child.stdin?.end(input ?? "");
      });
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
