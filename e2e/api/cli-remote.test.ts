// The command line against a running server, as a CI job uses it: `dags trigger --wait` follows
// the run over the event stream and returns its outcome as the exit code.
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAGS, UPDRAFT, startServer, type TestServer } from "./server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

function remote(args: string[], token: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // No TTY: progress comes as plain lines, as in a CI log.
    execFile(UPDRAFT, [...args, "--server", server.baseUrl, "--token", token], { timeout: 60_000, env: { ...process.env, UPDRAFT_SERVER: "", UPDRAFT_TOKEN: "" } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("updraft against a server", { timeout: 90_000 }, () => {
  it("triggers a run, follows it live and exits 0 when it succeeds", async () => {
    const r = await remote(["dags", "trigger", DAGS.mapped, "--conf", '{"region": "us"}', "--wait"], server.tokens.trigger);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/queued run manual__\S+ of dag conformance_mapped/);
    expect(r.stdout).toMatch(/run manual__\S+: success/);
    expect(r.stderr).toMatch(/ success/); // the tasks' progress lines
  });

  it("exits 1 when the run fails and prints the failed task's log tail", async () => {
    const r = await remote(["dags", "trigger", DAGS.fails, "--wait"], server.tokens.trigger);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/: failed/);
    expect(r.stderr).toContain("--- log of boom (try 1)");
    expect(r.stderr).toContain("boom on purpose");
  });

  it("exits 1 for an unknown DAG (a refused request) and 2 for a read-only or bad token, naming the reason", async () => {
    const unknown = await remote(["dags", "trigger", "no_such_dag", "--wait"], server.tokens.trigger);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining("DAG with dag_id: 'no_such_dag' not found")]);
    const readOnly = await remote(["dags", "trigger", DAGS.mapped], server.tokens.read);
    expect([readOnly.code, readOnly.stderr]).toEqual([2, expect.stringContaining('needs the "trigger" scope')]);
    const bad = await remote(["dags", "list"], "updr_not-a-token");
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("401")]);
  });

  it("lists and pauses DAGs and manages variables through the API", async () => {
    const list = await remote(["dags", "list", "--output", "json"], server.tokens.read);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ dag_id: string }>).map((d) => d.dag_id)).toContain(DAGS.mapped);
    expect((await remote(["dags", "pause", DAGS.shell], server.tokens.edit)).code).toBe(0);
    const dag = await server.request("GET", `/api/v1/dags/${DAGS.shell}`, { auth: "read" });
    expect((dag.json as { is_paused: boolean }).is_paused).toBe(true);
    expect((await remote(["dags", "unpause", DAGS.shell], server.tokens.edit)).code).toBe(0);
    expect((await remote(["variables", "set", "remote_key", "remote value"], server.tokens.edit)).code).toBe(0);
    // A variable's value needs the edit scope; a read token sees the keys only.
    const got = await remote(["variables", "get", "remote_key"], server.tokens.edit);
    expect(got.stdout.trim()).toBe("remote value");
    expect((await remote(["variables", "get", "remote_key"], server.tokens.read)).code).not.toBe(0);
  });
});
