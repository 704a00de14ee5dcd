// `npm run bench` (part): start-up of the `updraft` command. Runs `updraft --help` and
// `updraft dags list` (one small DAG, a home migrated by a warm-up run) BENCH_CLI_RUNS times
// each (default 9) as separate processes, and prints the median and range of their wall time.
// BENCH_CLI_MAIN=path/to/main.ts runs that file with this Node instead of the `updraft` launcher
// (to compare with another version of the CLI).
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir, cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 9);
const REPO = resolve(import.meta.dirname, "..");
const LAUNCHER = join(REPO, "packages/cli/bin/updraft.js");
const MAIN = process.env.BENCH_CLI_MAIN;
const SOURCE = "--conditions=@updraft/source";

const DAG = `import { dag, task } from "@updraft/sdk";
export default dag({ id: "bench_cli" }, () => {
  task("hello", () => "hello")();
});
`;

/** Runs the CLI once; resolves with its wall time in ms, rejects on a non-zero exit. */
function timeOnce(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  // A main.ts run directly resolves @updraft/* to their sources, as the launcher arranges.
  const argv = MAIN ? [SOURCE, MAIN, ...args] : [LAUNCHER, ...args];
  const nodeOptions = MAIN ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} ${SOURCE}`.trim() } : {};
  return new Promise((resolveRun, reject) => {
    execFile(process.execPath, argv, { cwd: REPO, env: { ...process.env, ...env, ...nodeOptions }, maxBuffer: 8 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`updraft ${args.join(" ")} failed: ${err.message}\n${stderr}`));
      else resolveRun(performance.now() - started);
    });
  });
}

function summary(label: string, ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${label.padEnd(20)} median ${Math.round(median)} ms, range ${Math.round(sorted[0]!)}–${Math.round(sorted.at(-1)!)} ms (${ms.length} runs)`;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-bench-cli-"));
  try {
    await mkdir(join(dir, "dags"));
    await writeFile(join(dir, "dags", "bench_cli.ts"), DAG);
    const env = { UPDRAFT_DAGS_FOLDER: join(dir, "dags") };
    console.log(`CLI start-up (${MAIN ? MAIN : "bin/updraft.js"}, Node ${process.versions.node}, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)})`);
    // Warm-up: the OS's file cache, and a migrated database for `dags list`.
    await timeOnce(["--help"], env);
    await timeOnce(["dags", "list"], { ...env, UPDRAFT_HOME: join(dir, "home-warm") });
    const help: number[] = [];
    const list: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      help.push(await timeOnce(["--help"], env));
      // A home migrated once (by the warm-up), as on a machine in use.
      list.push(await timeOnce(["dags", "list"], { ...env, UPDRAFT_HOME: join(dir, "home-warm") }));
    }
    console.log(summary("updraft --help", help));
    console.log(summary("updraft dags list", list));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
