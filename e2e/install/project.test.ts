// A DAG project of one's own, outside this repository, made as the README tells a newcomer: the
// packages built and packed (`npm pack`, as they would be published), installed with the system's
// npm into an empty folder, `npx updraft init`, then type checking, `dags test` and `standalone`.
// Everything runs as a user's shell would: the machine's own Node and npm first on PATH (Node 20
// here; @updraft/cli brings Node 24), nothing of the repository's environment (NODE_OPTIONS and
// its @updraft/source condition, npm_* variables, the repo's node_modules/.bin) leaking in.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPackages, packPackages } from "../../scripts/pack.ts";

const REPO = join(import.meta.dirname, "..", "..");
const STEP_MS = 300_000;

/** The environment of a user's shell: this process's, minus what the repository and npm add. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|UPDRAFT_|TURBO_)/i.test(key) || ["NODE_OPTIONS", "INIT_CWD", "NODE_ENV", "TEST", "NODE"].includes(key)) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? "").split(delimiter).filter((dir) => dir && !dir.startsWith(REPO)).join(delimiter);
  return env;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the project and returns its exit code and output (never rejects on a non-zero exit). */
function sh(cwd: string, env: NodeJS.ProcessEnv, command: string, args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, timeout: STEP_MS, maxBuffer: 32 << 20, killSignal: "SIGKILL" }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(new Error(`${command} ${args.join(" ")}: ${error.message}\n${stderr}`, { cause: error }));
      else resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
    });
  });
}

const expectOk = (r: Result, what: string) => expect(r.code, `${what} exited ${r.code}\n${r.stdout}\n${r.stderr}`).toBe(0);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject).listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("a DAG project outside the repository, from the packed packages", () => {
  let root: string;
  let project: string;
  const env = userEnv();
  const npmFlags = ["--no-audit", "--no-fund", "--prefer-offline"];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "updraft-install-"));
    project = join(root, "my-dags");
    await mkdir(project);
    await buildPackages();
    const tarballs = await packPackages(join(root, "packs"), "npm");
    expect(tarballs.map((t) => t.slice(join(root, "packs").length + 1)).sort()).toEqual([
      "updraft-api-0.1.0.tgz", "updraft-cli-0.1.0.tgz", "updraft-executor-0.1.0.tgz", "updraft-scheduler-0.1.0.tgz",
      "updraft-sdk-0.1.0.tgz", "updraft-store-0.1.0.tgz", "updraft-ui-0.1.0.tgz", "updraft-worker-0.1.0.tgz",
    ]);
    // What a user types, with the tarballs in place of the registry's @updraft/* packages.
    expectOk(await sh(project, env, "npm", ["install", ...npmFlags, ...tarballs]), "npm install (tarballs)");
  }, 2 * STEP_MS);

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("runs on the machine's own Node and npm", async () => {
    const node = await sh(project, env, "node", ["--version"]);
    const updraft = await sh(project, env, "npx", ["updraft", "--version"]);
    expectOk(updraft, "npx updraft --version");
    expect(updraft.stdout.trim()).toBe("0.1.0");
    expect(node.stdout).toMatch(/^v\d+\./);
    // npx puts node_modules/.bin first on PATH, where node-<os>-<arch> linked Node 24; run the
    // launcher with the machine's own Node too (20 on the CI machine: it re-runs under 24).
    const direct = await sh(project, env, "node", [join(project, "node_modules", ".bin", "updraft"), "--version"]);
    expectOk(direct, `node ${node.stdout.trim()} node_modules/.bin/updraft --version`);
    expect(direct.stdout.trim()).toBe("0.1.0");
  }, STEP_MS);

  it("init writes the project's files, says what it wrote and keeps them on a second run", async () => {
    const init = await sh(project, env, "npx", ["updraft", "init"]);
    expectOk(init, "npx updraft init");
    expect(init.stdout).toMatch(/updated\s+package\.json\s+\(.*scripts start, test, typecheck/);
    for (const file of ["tsconfig.json", "dags/example.ts", ".gitignore"]) expect(init.stdout).toMatch(new RegExp(`wrote\\s+${file.replace(".", "\\.")}`));
    const pkg = JSON.parse(await readFile(join(project, "package.json"), "utf8")) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).toContain("@updraft/cli");
    expect(pkg.scripts).toMatchObject({ start: "updraft standalone", typecheck: "tsc --noEmit" });

    const again = await sh(project, env, "npx", ["updraft", "init"]);
    expectOk(again, "npx updraft init (again)");
    expect(again.stdout).toMatch(/kept\s+dags\/example\.ts\s+\(exists; --force overwrites it\)/);
    // The devDependencies init added (typescript, @types/node).
    expectOk(await sh(project, env, "npm", ["install", ...npmFlags]), "npm install (devDependencies)");
  }, 2 * STEP_MS);

  it("type-checks the DAGs against @updraft/sdk's declarations; a type error fails naming file and line", async () => {
    expectOk(await sh(project, env, "npx", ["tsc", "--noEmit"]), "npx tsc --noEmit");
    const broken = join(project, "dags", "broken.ts");
    await writeFile(broken, [
      'import { dag, task } from "@updraft/sdk";',
      'export default dag({ id: "broken", schedule: null }, () => {',
      '  task("t", (_ctx, n: number) => n * 2)("not a number");',
      "});",
      "",
    ].join("\n"));
    const failed = await sh(project, env, "npx", ["tsc", "--noEmit"]);
    await rm(broken);
    expect(failed.code, failed.stdout).not.toBe(0);
    expect(failed.stdout).toMatch(/dags\/broken\.ts\(3,\d+\): error TS\d+/);
  }, STEP_MS);

  it("dags test runs the example DAG and prints its tasks' states", async () => {
    const test = await sh(project, env, "npx", ["updraft", "dags", "test", "example"]);
    expectOk(test, "npx updraft dags test example");
    expect(test.stdout).toMatch(/extract\s+success\s+1\s+\[1,2,3,4\]/);
    expect(test.stdout).toMatch(/total\s+success\s+1\s+10/);
    expect(test.stdout).toMatch(/report\s+success/);
    expect(test.stdout).toMatch(/dag example run \S+: success/);
  }, STEP_MS);

  it("standalone schedules and runs a triggered run, serves the built UI, and stops on SIGTERM", async () => {
    const port = await freePort();
    let output = "";
    // Its own process group (npx, its shell, the server): SIGTERM to the group, as a terminal's
    // Ctrl-C or a supervisor does; npx alone does not pass a signal on.
    const server: ChildProcess = spawn("npx", ["updraft", "standalone", "--port", String(port)], {
      cwd: project, env, stdio: ["ignore", "pipe", "pipe"], detached: true,
    });
    server.stdout!.setEncoding("utf8").on("data", (s: string) => (output += s));
    server.stderr!.setEncoding("utf8").on("data", (s: string) => (output += s));
    const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
    const group = server.pid!;
    try {
      const token = await until("the admin token", STEP_MS, async () => /\b(updr_[\w-]+)/.exec(output)?.[1]);
      const base = `http://127.0.0.1:${port}`;
      const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
      const runId = await until("the API to trigger a run", STEP_MS, async () => {
        const res = await fetch(`${base}/api/v1/dags/example/dagRuns`, { method: "POST", headers, body: JSON.stringify({ conf: {} }) });
        return res.ok ? ((await res.json()) as { dag_run_id: string }).dag_run_id : undefined;
      });
      const state = await until(`run ${runId} to finish`, STEP_MS, async () => {
        const res = await fetch(`${base}/api/v1/dags/example/dagRuns/${encodeURIComponent(runId)}`, { headers });
        const run = (await res.json()) as { state: string };
        return run.state === "success" || run.state === "failed" ? run.state : undefined;
      });
      expect(state, output).toBe("success");
      const tasks = (await (await fetch(`${base}/api/v1/dags/example/dagRuns/${encodeURIComponent(runId)}/taskInstances`, { headers })).json()) as {
        task_instances: { task_id: string; state: string }[];
      };
      expect(tasks.task_instances.map((t) => `${t.task_id}:${t.state}`).sort()).toEqual(["extract:success", "report:success", "total:success"]);
      const ui = await fetch(`${base}/ui/updraft.js`);
      expect(ui.status).toBe(200);
      expect((await ui.text()).length).toBeGreaterThan(1000);
    } finally {
      process.kill(-group, "SIGTERM");
      const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), STEP_MS / 2))]);
      if (code === "hung") process.kill(-group, "SIGKILL");
      expect(code, output).not.toBe("hung");
    }
    await until("every process of the group to end", 60_000, async () => {
      try {
        process.kill(-group, 0);
        return undefined;
      } catch {
        return true;
      }
    });
    expect(output).toMatch(/shutting down/);
  }, 2 * STEP_MS);
});
