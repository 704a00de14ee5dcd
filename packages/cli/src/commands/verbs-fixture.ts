// Test fixture for the dags/tasks verbs: a temp UPDRAFT_HOME with a real libSQL store, a DAGs
// folder holding an example DAG, one real run of it (the runtime's engine: DAG processor, worker
// threads, scheduler) and a way to capture what a verb prints. Not exported from the package.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vi } from "vitest";
import type { Store } from "@updraft/store";
import { loadConfig, type Config } from "../config.ts";
import { openConfiguredStore, openEngine } from "../runtime.ts";

/** An ETL DAG with a templated shell task, and a failing branch so that there is something to clear. */
export const ETL_DAG = `import { dag, task, shell, chain } from "@updraft/sdk";
export default dag({ id: "etl", schedule: "@daily", startDate: "2020-01-01", catchup: true, params: { bucket: "s3://b" }, tags: ["t"] }, () => {
  const extract = task("extract", () => 3);
  const load = shell("load", { command: "echo {{ params.bucket }}/{{ ds }} {{ run_id }}", env: { TARGET: "{{ ds_nodash }}" } });
  const boom = task("boom", () => { throw new Error("boom on purpose"); });
  const after = task("after_boom", () => 1);
  chain(extract(), load);
  chain(boom(), after());
});
`;

export const MANUAL_DAG = `import { dag, task } from "@updraft/sdk";
export default dag({ id: "manual_only", schedule: null }, () => { task("t", () => 1)(); });
`;

export interface VerbsHome {
  dir: string;
  config: Config;
  /** A store on the home's database, closed by `cleanup`. */
  store: Store;
  /** The run id of the real run, at logical date 2026-03-01 (it fails: `boom` fails). */
  runId: string;
  cleanup(): Promise<void>;
}

/** Builds the home and runs one run of `etl` to its end. */
export async function verbsHome(): Promise<VerbsHome> {
  const dir = await mkdtemp(join(tmpdir(), "updraft-verbs-"));
  const dags = join(dir, "dags");
  await mkdir(dags);
  await writeFile(join(dags, "etl.ts"), ETL_DAG);
  await writeFile(join(dags, "manual.ts"), MANUAL_DAG);
  // Only the test's settings: no UPDRAFT_* of the environment.
  const config = loadConfig({ home: join(dir, "home"), "dags-folder": dags }, {});
  const engine = await openEngine(config, { scheduleRuns: false, maxThreads: 2 });
  let runId: string;
  try {
    await engine.processor.processAll();
    await engine.executor.start();
    await engine.scheduler.start();
    ({ runId } = await engine.scheduler.triggerRun("etl", { logicalDate: new Date("2026-03-01T00:00:00Z"), conf: { who: "test" } }));
    await engine.scheduler.waitForRun("etl", runId);
  } finally {
    await engine.processor.close();
    await engine.close();
  }
  const store = await openConfiguredStore(config);
  return {
    dir, config, store, runId,
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What a verb printed and returned. */
export interface Captured {
  code: number;
  out: string;
  err: string;
}

/** Runs a verb, collecting what it writes to stdout (console.log included) and stderr. */
export async function capture(fn: () => Promise<number>): Promise<Captured> {
  let out = "";
  let err = "";
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true)),
    vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void (out += `${a.map(String).join(" ")}\n`)),
    vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void (err += `${a.map(String).join(" ")}\n`)),
  ];
  try {
    const code = await fn();
    return { code, out, err };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}
