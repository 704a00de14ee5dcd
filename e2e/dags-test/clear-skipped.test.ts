// Clearing a skipped task downstream of a branch or a short circuit holds it to the decision that
// task recorded (Airflow's NotPreviouslySkippedDep, test_clear_skipped_downstream_task). The run
// is made by `updraft dags test`; the clear goes through the REST API of an `updraft standalone`
// on the same home, whose scheduler takes the cleared run up again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../api/server.ts";

const SOURCE = `import { dag, task, branch, shortCircuit } from "@updraft/sdk";
const leg = (id: string) => task(id, async () => id + " ran");
export const branched = dag({ id: "clear_branch", schedule: null, startDate: "2026-01-01" }, () => {
  const pick = branch("pick", async () => "left")();
  leg("left")().after(pick);
  leg("right")().after(pick);
});
export const gated = dag({ id: "clear_short_circuit", schedule: null, startDate: "2026-01-01" }, () => {
  const gate = shortCircuit("gate", async () => [])();
  leg("after")().after(gate);
});
`;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ dags: { files: { "clear_skipped.ts": SOURCE }, dagIds: ["clear_branch", "clear_short_circuit"] } });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

interface Tis { task_instances: Array<{ task_id: string; state: string | null; try_number: number }> }

async function testRun(dagId: string): Promise<{ runId: string; states: Record<string, [string | null, number]> }> {
  const r = await server.cli(["dags", "test", dagId, "--output", "json"]);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { run_id: string } & Tis;
  return { runId: out.run_id, states: Object.fromEntries(out.task_instances.map((t) => [t.task_id, [t.state, t.try_number]])) };
}

async function clearAndWait(dagId: string, runId: string, taskIds: string[]): Promise<Record<string, [string | null, number]>> {
  const cleared = await server.request("POST", `/api/v1/dags/${dagId}/clearTaskInstances`, {
    body: { dry_run: false, dag_run_id: runId, task_ids: taskIds, only_failed: false },
  });
  expect(cleared.status, cleared.text).toBe(200);
  const path = `/api/v1/dags/${dagId}/dagRuns/${encodeURIComponent(runId)}`;
  const end = Date.now() + 30_000;
  for (;;) {
    const r = await server.request("GET", path);
    const state = (r.json as { state?: string }).state;
    if (state === "success" || state === "failed") break;
    if (Date.now() > end) throw new Error(`run ${runId} still ${state} after the clear`);
    await new Promise((res) => setTimeout(res, 200));
  }
  const tis = await server.request("GET", `${path}/taskInstances`);
  return Object.fromEntries((tis.json as Tis).task_instances.map((t) => [t.task_id, [t.state, t.try_number]]));
}

describe("clearing a skipped task", () => {
  it("skips a cleared leg the branch did not follow again, instead of running it", async () => {
    const { runId, states } = await testRun("clear_branch");
    expect(states).toEqual({ pick: ["success", 1], left: ["success", 1], right: ["skipped", 0] });
    expect(await clearAndWait("clear_branch", runId, ["right"])).toEqual({ pick: ["success", 1], left: ["success", 1], right: ["skipped", 0] });
  }, 90_000);

  it("skips a cleared task a falsy short circuit skipped again", async () => {
    const { runId, states } = await testRun("clear_short_circuit");
    expect(states).toEqual({ gate: ["success", 1], after: ["skipped", 0] });
    expect(await clearAndWait("clear_short_circuit", runId, ["after"])).toEqual({ gate: ["success", 1], after: ["skipped", 0] });
  }, 90_000);
});
