// A scheduler in a process of its own, for tests that need two processes on one database:
// `node scheduler-process.ts <db-url> <home> [--run]` starts an exclusive scheduler (with
// `--run`, a started threads executor, so it runs tasks), prints `ready <pid>` on stdout, and
// stops cleanly when its stdin closes. `spawnSchedulerProcess` runs it and waits for `ready`;
// `kill()` ends it with SIGKILL, as a crash would.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { ThreadsExecutor } from "@updraft/executor";
import { openStore } from "@updraft/store";
import { Scheduler } from "../core/scheduler.ts";
import { SchedulerTaskHost } from "../core/task-host.ts";
import { TaskLogWriter } from "../core/task-logs.ts";

export interface SchedulerProcess {
  readonly pid: number;
  /** Closes its stdin and waits for it to exit. */
  stop(): Promise<void>;
  /** SIGKILL, and waits for it to exit: the scheduler commits nothing more. */
  kill(): Promise<void>;
}

/** Starts a scheduler in a child process on `dbUrl` (already migrated) and resolves once it holds its claim. */
export async function spawnSchedulerProcess(dbUrl: string, home: string, opts: { runTasks?: boolean } = {}): Promise<SchedulerProcess> {
  const args = [fileURLToPath(import.meta.url), dbUrl, home, ...(opts.runTasks ? ["--run"] : [])];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  let stdout = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (s: string) => {
      stdout += s;
      if (stdout.includes("ready ")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`scheduler process exited with code ${code} before it was ready:\n${stderr}`)));
  });
  return {
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.stdin!.end();
      await exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    },
  };
}

async function main(dbUrl: string, home: string, runTasks: boolean): Promise<void> {
  const store = await openStore({ url: dbUrl });
  const logs = new TaskLogWriter();
  const host = new SchedulerTaskHost(store, logs);
  const executor = new ThreadsExecutor({ host, minThreads: runTasks ? 1 : 0, maxThreads: runTasks ? 2 : 1 });
  const scheduler = new Scheduler({ store, executor, host, logs, home, sweepMs: 100, exclusive: true, scheduleRuns: false });
  if (runTasks) await executor.start();
  await scheduler.start();
  process.stdout.write(`ready ${process.pid}\n`);
  process.stdin.resume();
  await once(process.stdin, "end");
  await scheduler.stop(); // stops the executor too, if it was started
  await store.close();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dbUrl, home, flag] = process.argv.slice(2);
  await main(dbUrl!, home!, flag === "--run");
}
