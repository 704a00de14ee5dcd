// Runs a shell task's command with bash: stdout and stderr go to the try's log line by line, the
// last stdout line is the result, exit 99 means skip, any other non-zero exit fails the try.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { ShellSpec } from "@updraft/sdk";
import { ShellCommandError } from "./errors.ts";
import { taskEnvironment, type TaskLog } from "./task-log.ts";

export const SKIP_EXIT_CODE = 99;

export interface ShellResult {
  exitCode: number;
  lastLine: string | null;
}

export function runShell(command: string, spec: ShellSpec, extraEnv: Record<string, string>, log: TaskLog, signal: AbortSignal): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    log.write("info", `Running command: ${command}`);
    const child = spawn("bash", ["-c", command], {
      cwd: spec.cwd ?? undefined,
      env: { ...taskEnvironment(), ...extraEnv, ...spec.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let lastLine: string | null = null;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    };
    signal.addEventListener("abort", killGroup, { once: true });
    createInterface({ input: child.stdout }).on("line", (line) => {
      log.write("info", line);
      // The XCom is the line as the log shows it: a secret the command printed is masked in both.
      if (line.trim() !== "") lastLine = log.redact(line);
    });
    createInterface({ input: child.stderr }).on("line", (line) => log.write("warn", line));
    child.on("error", (err) => reject(new ShellCommandError(`could not start bash for the command: ${err.message}`, { cause: err })));
    child.on("close", (code, sig) => {
      signal.removeEventListener("abort", killGroup);
      log.write("info", `Command exited with ${sig ? `signal ${sig}` : `return code ${code}`}`);
      resolve({ exitCode: code ?? 128, lastLine });
    });
  });
}
