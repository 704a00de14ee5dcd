// The dags/tasks inspection and maintenance verbs against a running server (`--server URL --token
// T`, through the REST API): `updraft standalone` on 127.0.0.1 and the real command as a child
// process. Lists page past the API's 100 entries; clear goes through clearTaskInstances with its
// scheduler; failed-deps through …/dependencies; reserialize through parseDagFile.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dagRun, openStore } from "@updraft/store";
import { DAGS, UPDRAFT, startServer, type CliResult, type TestServer } from "./server.ts";

let server: TestServer;
let failedRun: string;

function remote(args: string[], token: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(UPDRAFT, [...args, "--server", server.baseUrl, "--token", token], { timeout: 120_000, env: { ...process.env, UPDRAFT_SERVER: "", UPDRAFT_TOKEN: "" } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  server = await startServer();
  // 150 finished runs of the shell DAG, written as another process would: more than one API page.
  const store = await openStore({ url: `file:${join(server.home, "updraft.db")}` });
  try {
    await store.write((tx) => tx.insert(dagRun).values(Array.from({ length: 150 }, (_, i) => {
      const logicalDate = new Date(Date.UTC(2025, 0, 1, 6) + i * 86_400_000);
      return { dagId: DAGS.shell, runId: `backfill__${logicalDate.toISOString()}`, runType: "backfill" as const, state: "success" as const, logicalDate };
    })));
  } finally {
    await store.close();
  }
  const trigger = await remote(["dags", "trigger", DAGS.fails, "-e", "2026-02-01T00:00:00Z", "--wait"], server.tokens.trigger);
  expect(trigger.code, trigger.stderr).toBe(1);
  failedRun = /queued run (\S+)/.exec(trigger.stdout)![1]!;
}, 420_000);
afterAll(async () => {
  await server?.stop();
});

describe("dags and tasks verbs against a server", { timeout: 300_000 }, () => {
  it("lists every run of a DAG past the API's page of 100, newest first, and filters them", async () => {
    const all = await remote(["dags", "list-runs", "-d", DAGS.shell, "-o", "json"], server.tokens.read);
    expect(all.code, all.stderr).toBe(0);
    const runs = JSON.parse(all.stdout) as Array<{ run_id: string; execution_date: string; state: string }>;
    expect(runs.length).toBeGreaterThanOrEqual(150);
    expect(runs.map((r) => r.execution_date)).toEqual(runs.map((r) => r.execution_date).sort().reverse());
    const noBackfill = JSON.parse((await remote(["dags", "list-runs", "-d", DAGS.shell, "--no-backfill", "-o", "json"], server.tokens.read)).stdout) as unknown[];
    expect(noBackfill.length).toBe(runs.length - 150);
    const ranged = JSON.parse((await remote(["dags", "list-runs", "-d", DAGS.shell, "-s", "2025-01-01", "-e", "2025-01-10T23:00:00Z", "-o", "json"], server.tokens.read)).stdout) as unknown[];
    expect(ranged).toHaveLength(10);
    const failed = await remote(["dags", "list-runs", "-d", DAGS.fails, "--state", "failed"], server.tokens.read);
    expect(failed.stdout).toContain(failedRun);
  });

  it("prints a run's state, the next executions and a DAG's details", async () => {
    expect((await remote(["dags", "state", DAGS.fails, "2026-02-01T00:00:00Z"], server.tokens.read)).stdout).toBe("failed\n");
    expect((await remote(["dags", "state", DAGS.fails, "2001-01-01"], server.tokens.read)).stdout).toBe("None\n");
    const next = await remote(["dags", "next-execution", DAGS.shell, "-n", "2"], server.tokens.read);
    expect(next.code, next.stderr).toBe(0);
    const [a, b] = next.stdout.trim().split("\n");
    expect(a).toMatch(/^\d{4}-\d\d-\d\dT06:00:00\+00:00$/);
    expect(Date.parse(b!) - Date.parse(a!)).toBe(86_400_000);
    const details = JSON.parse((await remote(["dags", "details", DAGS.shell, "-o", "json"], server.tokens.read)).stdout) as Array<{ dag_id: string }>;
    expect(details[0]!.dag_id).toBe(DAGS.shell);
    const unknown = await remote(["dags", "details", "no_such_dag"], server.tokens.read);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining("404")]);
  });

  it("lists tasks, prints instance states, and says why an instance cannot run", async () => {
    expect((await remote(["tasks", "list", DAGS.fails, "--tree"], server.tokens.read)).stdout).toBe("<Task(task): boom>\n    <Task(task): after>\n");
    expect((await remote(["tasks", "state", DAGS.fails, "after", failedRun], server.tokens.read)).stdout).toBe("upstream_failed\n");
    expect((await remote(["tasks", "state", DAGS.fails, "boom", "2026-02-01T00:00:00Z"], server.tokens.read)).stdout).toBe("failed\n");
    const states = JSON.parse((await remote(["tasks", "states-for-dag-run", DAGS.fails, failedRun, "-o", "json"], server.tokens.read)).stdout) as Array<{ task_id: string; state: string }>;
    expect(states.map((s) => [s.task_id, s.state]).sort()).toEqual([["after", "upstream_failed"], ["boom", "failed"]]);
    const deps = await remote(["tasks", "failed-deps", DAGS.fails, "after", failedRun], server.tokens.read);
    expect(deps.code, deps.stderr).toBe(0);
    expect(deps.stdout).toMatch(/^Task instance dependencies not met:\n/);
    expect(deps.stdout).toContain("Dagrun Running: Task instance's dagrun was not in the 'running' state but in the state 'failed'.");
  });

  it("lists what clear would do, asks, and with -y clears so the scheduler runs them again", async () => {
    const asked = await remote(["tasks", "clear", DAGS.fails, "-f"], server.tokens.edit);
    expect(asked.code).toBe(2);
    expect(asked.stdout).toContain("You are about to delete these 2 tasks:");
    expect(asked.stdout).toContain(`<TaskInstance: ${DAGS.fails}.boom ${failedRun}>`);
    const cleared = await remote(["tasks", "clear", DAGS.fails, "-t", "^boom$", "-d", "-y"], server.tokens.edit);
    expect([cleared.code, cleared.stdout], cleared.stderr).toEqual([0, "2 task instance(s) cleared\n"]);
    // The scheduler runs the cleared run again: boom fails again.
    for (let i = 0; i < 120; i++) {
      const s = await remote(["dags", "state", DAGS.fails, "2026-02-01T00:00:00Z"], server.tokens.read);
      if (s.stdout === "failed\n" && i > 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const tries = await server.request("GET", `/api/v1/dags/${DAGS.fails}/dagRuns/${encodeURIComponent(failedRun)}/taskInstances/boom`, { auth: "read" });
    expect((tries.json as { try_number: number }).try_number).toBe(2);
    expect((await remote(["tasks", "clear", DAGS.fails, "-y"], server.tokens.read)).stderr).toContain("edit");
  });

  it("asks the server to parse every DAG file, and deletes a DAG", async () => {
    const re = await remote(["dags", "reserialize"], server.tokens.edit);
    expect(re.code, re.stderr).toBe(0);
    expect(re.stdout).toMatch(/^requested a parse of \d+ DAG file\(s\) on /);
    const del = await remote(["dags", "delete", DAGS.paused, "-y"], server.tokens.edit);
    expect([del.code, del.stdout], del.stderr).toEqual([0, `Removed dag ${DAGS.paused} and its records on ${server.baseUrl}\n`]);
    expect((await remote(["dags", "delete", DAGS.paused], server.tokens.edit)).code).toBe(2); // not confirmed: no terminal
  });

  it("says that report and render run where the DAG files are", async () => {
    const report = await remote(["dags", "report"], server.tokens.read);
    expect([report.code, report.stderr]).toEqual([2, expect.stringContaining("runs where the DAG files are")]);
    expect((await remote(["tasks", "render", DAGS.shell, "hello", "2026-01-01"], server.tokens.read)).code).toBe(2);
  });
});
