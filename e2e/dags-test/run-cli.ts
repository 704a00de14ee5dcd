// Helpers for the `updraft dags test` acceptance suite: run the real CLI as a subprocess, each
// test with a fresh home (so a fresh embedded database), and parse its `--output json` result.
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname, isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = "/work/main";
export const UPDRAFT = join(REPO, "node_modules/.bin/updraft");
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

/** Generous per-test timeout: each run spawns worker threads. */
export const TEST_TIMEOUT = 60_000;

export interface TaskInstanceOut {
  task_id: string;
  map_index: number;
  state: string;
  try_number: number;
  return_value: unknown;
}

export interface DagTestOut {
  dag_id: string;
  run_id: string;
  state: string;
  task_instances: TaskInstanceOut[];
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall-clock duration, for reporting only; never asserted. */
  ms: number;
}

/** Runs `updraft <args>`; never rejects on a non-zero exit code. */
export function runCli(args: string[], opts: { timeoutMs?: number } = {}): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      UPDRAFT,
      args,
      { cwd: REPO, timeout: opts.timeoutMs ?? 55_000, maxBuffer: 32 * 1024 * 1024, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const ms = Date.now() - started;
        if (error && typeof error.code !== "number") {
          reject(new Error(`updraft ${args.join(" ")} did not exit normally (${error.message})\nstderr:\n${stderr}`));
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr, ms });
      },
    );
  });
}

/** A fresh UPDRAFT_HOME, i.e. a new embedded database. */
export async function freshHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), "updraft-dags-test-"));
}

export async function removeHome(home: string): Promise<void> {
  await rm(home, { recursive: true, force: true });
}

/**
 * A DAG folder of its own, outside the fixtures, holding `fileName` with the content of a
 * fixture file: for tests that change a DAG file between (or during) runs. Remove it with removeHome.
 */
export async function ownDagsFolder(fixtureFile: string, fileName: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-dags-folder-"));
  await copyFile(join(FIXTURES, fixtureFile), join(dir, fileName));
  return dir;
}

/** Replaces `fileName` in a folder made by ownDagsFolder with the content of another fixture file. */
export async function replaceDagFile(dir: string, fixtureFile: string, fileName: string): Promise<void> {
  await copyFile(join(FIXTURES, fixtureFile), join(dir, fileName));
}

export interface DagsTestOptions {
  /** Fixture folder name under fixtures/ (the --dags-folder), or an absolute path to a folder elsewhere. */
  folder: string;
  home?: string;
  conf?: unknown;
  logicalDate?: string;
  timeoutMs?: number;
}

export interface DagsTestResult extends CliResult {
  /** Parsed `--output json` (undefined when stdout is not JSON, e.g. exit code 2). */
  json: DagTestOut | undefined;
  home: string;
}

/** `updraft dags test <dagId> --dags-folder fixtures/<folder> --home <home> --output json`. */
export async function dagsTest(dagId: string, opts: DagsTestOptions): Promise<DagsTestResult> {
  const home = opts.home ?? (await freshHome());
  const folder = isAbsolute(opts.folder) ? opts.folder : join(FIXTURES, opts.folder);
  const args = ["dags", "test", dagId, "--dags-folder", folder, "--home", home, "--output", "json"];
  if (opts.conf !== undefined) args.push("--conf", JSON.stringify(opts.conf));
  if (opts.logicalDate !== undefined) args.push("--logical-date", opts.logicalDate);
  const result = await runCli(args, opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs });
  let json: DagTestOut | undefined;
  try {
    json = JSON.parse(result.stdout) as DagTestOut;
  } catch {
    json = undefined;
  }
  if (opts.home === undefined) await removeHome(home);
  return { ...result, json, home };
}

/** Compact form of one task instance for exact comparison. */
export interface Ti {
  task_id: string;
  map_index: number;
  state: string;
  try_number: number;
  return_value: unknown;
}

/** Builds the expected row; map_index defaults to -1 (unmapped) and return_value to null. */
export function ti(
  task_id: string,
  state: string,
  try_number: number,
  return_value: unknown = null,
  map_index = -1,
): Ti {
  return { task_id, map_index, state, try_number, return_value };
}

/** Task instances in a stable order (task_id, then map_index), keeping exactly the contract's fields. */
export function sortedTis(out: DagTestOut | undefined): Ti[] {
  if (!out) throw new Error("no JSON output");
  return out.task_instances
    .map((t) => ({
      task_id: t.task_id,
      map_index: t.map_index,
      state: t.state,
      try_number: t.try_number,
      return_value: t.return_value === undefined ? null : t.return_value,
    }))
    .sort((a, b) => (a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : a.map_index - b.map_index));
}

/** Expected rows sorted the same way as sortedTis. */
export function sortTis(rows: Ti[]): Ti[] {
  return [...rows].sort((a, b) =>
    a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : a.map_index - b.map_index,
  );
}

/** Describes a result for assertion messages. */
export function describe(r: CliResult): string {
  return `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
}
