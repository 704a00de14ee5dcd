// What the suites of the full app at `/` share: a real `updraft standalone` loaded with the
// repository's example DAGs (dags/*.ts, copied into its folder as they are) plus one DAG of this
// suite whose shell task writes log lines over a few seconds and can be held half-way until the
// test lets it go, two users made with `updraft users create` (an admin and a read-only one), and
// helpers to sign in through the form and to wait for runs through the REST API.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { REPO, startServer, type TestServer } from "../api/server.ts";

/** The example DAGs of the repository, by id (each is the default export of `dags/<file>.ts`). */
export const EXAMPLE_DAG_IDS = ["branching", "daily_sales", "dynamic_fanout", "file_sensor", "flaky_api", "shell_templates"] as const;

/** This suite's DAG. */
export const UI_DAG = "ui_e2e";

/** The users, with the password each signs in with. */
export const ADMIN = { name: "ada", password: "ada-password-1", role: "admin" } as const;
export const READER = { name: "rita", password: "rita-password-1", role: "read" } as const;

/** Generous: a noisy CI machine runs every suite at once. */
export const WAIT_MS = 60_000;

/**
 * `ui_e2e`: `prepare` → `tail_lines` → `finish`. `tail_lines` prints "<greeting> line 1..3" a
 * second apart; when the run's `hold` param is true it then waits (at most 3 minutes) for a file
 * named after the run in `gateDir` before it prints lines 4 and 5, so that a test can watch the
 * log grow while the task runs.
 */
function uiDag(gateDir: string): string {
  return `import { dag, task, shell, chain, param } from "@updraft/sdk";
export default dag({
  id: "${UI_DAG}", schedule: null, startDate: "2026-01-01", tags: ["e2e"], description: "Prints lines over a few seconds, for the browser suite.",
  params: {
    greeting: param("hello", { description: "The word each log line starts with." }),
    hold: param(false, { type: "boolean", description: "Wait half-way until the test lets the task go on." }),
  },
}, () => {
  const prepare = task("prepare", (ctx) => { ctx.log.info("greeting is " + String(ctx.params.greeting)); return String(ctx.params.greeting); });
  const tail = shell("tail_lines", {
    command: 'for i in 1 2 3; do echo "{{ params.greeting }} line $i"; sleep 1; done; '
      + 'if [ "{{ params.hold }}" = "true" ]; then n=0; while [ ! -f "${gateDir}/{{ run_id }}.go" ] && [ $n -lt 900 ]; do sleep 0.2; n=$((n+1)); done; fi; '
      + 'for i in 4 5; do echo "{{ params.greeting }} line $i"; sleep 1; done',
  });
  const finish = task("finish", (ctx) => ctx.log.info("all lines written"));
  chain(prepare(), tail, finish());
});
`;
}

export interface AppServer {
  server: TestServer;
  /** Where `tail_lines` looks for `<run_id>.go`. */
  gateDir: string;
  /** Lets a held `tail_lines` of this run go on. */
  release(runId: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the server with the example DAGs and this suite's, and makes the two users. */
export async function startAppServer(): Promise<AppServer> {
  const gateDir = await mkdtemp(join(tmpdir(), "updraft-ui-gate-"));
  const files: Record<string, string> = {};
  for (const f of (await readdir(join(REPO, "dags"))).filter((n) => n.endsWith(".ts"))) files[f] = await readFile(join(REPO, "dags", f), "utf8");
  files[`${UI_DAG}.ts`] = uiDag(gateDir);
  const server = await startServer({ dags: { files, dagIds: [...EXAMPLE_DAG_IDS, UI_DAG] } });
  try {
    for (const u of [ADMIN, READER]) {
      const r = await server.cli(["users", "create", u.name, "--role", u.role, "--password", u.password]);
      if (r.code !== 0) throw new Error(`updraft users create ${u.name}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    server,
    gateDir,
    release: (runId) => writeFile(join(gateDir, `${runId}.go`), "go\n"),
    stop: async () => {
      await server.stop();
      await rm(gateDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh browser context (own cookies and storage) of the README's size. `axe: true` lets
 * axeViolations() inject axe-core, which the app's Content-Security-Policy (script-src 'self')
 * otherwise blocks; the suites' other contexts keep the policy on.
 */
export async function newContext(browser: Browser, opts: { colorScheme?: "light" | "dark"; axe?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: opts.colorScheme ?? "light", reducedMotion: "reduce", bypassCSP: opts.axe === true });
}

/** Opens `/`, fills the sign-in form and waits for the app's top bar. */
export async function signIn(page: Page, baseUrl: string, user: { name: string; password: string }, path = "/"): Promise<void> {
  await page.goto(baseUrl + path);
  await page.getByLabel("Username").fill(user.name);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor({ timeout: WAIT_MS });
}

export interface RunInfo {
  dag_run_id: string;
  state: string;
  conf: Record<string, unknown>;
}

/** The run through the REST API (admin token). */
export async function getRun(server: TestServer, dagId: string, runId: string): Promise<RunInfo> {
  const r = await server.request("GET", `/api/v1/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}`);
  if (r.status !== 200) throw new Error(`GET run ${dagId}/${runId}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json as RunInfo;
}

/** The DAG's runs, newest first. */
export async function listRuns(server: TestServer, dagId: string): Promise<RunInfo[]> {
  const r = await server.request("GET", `/api/v1/dags/${dagId}/dagRuns?order_by=-start_date&limit=100`);
  expect(r.status, r.text).toBe(200);
  return (r.json as { dag_runs: RunInfo[] }).dag_runs;
}

/** Triggers a run through the REST API (for a logical date when given); answers its id. */
export async function triggerRun(server: TestServer, dagId: string, conf: Record<string, unknown> = {}, logicalDate?: string): Promise<string> {
  const r = await server.request("POST", `/api/v1/dags/${dagId}/dagRuns`, { body: logicalDate ? { conf, logical_date: logicalDate } : { conf } });
  if (r.status !== 200) throw new Error(`trigger ${dagId}: ${r.status} ${r.text.slice(0, 300)}`);
  return (r.json as RunInfo).dag_run_id;
}

/** Waits until the run is in one of `states` (a plain loop: it also serves beforeAll). */
export async function waitForRun(server: TestServer, dagId: string, runId: string, states: string[] = ["success"]): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  let state = "";
  for (;;) {
    state = (await getRun(server, dagId, runId)).state;
    if (states.includes(state)) return;
    if (Date.now() > deadline) throw new Error(`run ${dagId}/${runId} is still ${state} after ${WAIT_MS} ms (waiting for ${states.join(" or ")})`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

export interface TaskInstanceInfo {
  task_id: string;
  map_index: number;
  state: string | null;
  try_number: number;
}

/** A task instance of a run through the REST API. */
export async function getTaskInstance(server: TestServer, dagId: string, runId: string, taskId: string): Promise<TaskInstanceInfo> {
  const r = await server.request("GET", `/api/v1/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}/taskInstances/${taskId}`);
  expect(r.status, r.text).toBe(200);
  return r.json as TaskInstanceInfo;
}
