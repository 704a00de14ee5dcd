// Conformance of the run and task-instance routes (DESIGN.md, Contract 4): the CI trigger as a
// script written for Airflow sends it, trigger semantics, and every write route on runs and task
// instances done for real (notes, states, clear, batch lists, delete), plus a task instance's
// dependencies and links; each answer validated against Airflow 2.10's document. The sweeps over
// every route are in conformance-routes.test.ts.
import { describe, expect, it } from "vitest";
import { DAGS } from "./server.ts";
import { conformanceSuite, expectProblem, expectValid, req, RUN, step, T, waitForRunState, type Obj } from "./conformance-kit.ts";


describe("the CI trigger: the curl that works against Airflow", () => {
  it("POST /api/v1/dags/{dag_id}/dagRuns with {\"conf\": {}} creates a run that reaches success", async () => {
    const res = await req("POST", `/api/v1/dags/${DAGS.mapped}/dagRuns`, { auth: "trigger", rawBody: '{"conf": {}}', headers: { "content-type": "application/json" } });
    const run = expectValid(res, "trigger token, {conf: {}}");
    expect(run).toMatchObject({ dag_id: DAGS.mapped, run_type: "manual", external_trigger: true, conf: {} });
    expect(run.dag_run_id).toMatch(/^manual__/);
    expect(["queued", "running", "success"]).toContain(run.state);
    const done = await waitForRunState(DAGS.mapped, run.dag_run_id as string, ["success", "failed"]);
    expect(done.state).toBe("success");
    const tis = expectValid(await req("GET", `/api/v1/dags/${DAGS.mapped}/dagRuns/${encodeURIComponent(run.dag_run_id as string)}/taskInstances`, { auth: "read" }), "the triggered run");
    expect((tis.task_instances as Obj[]).map((t) => `${t.task_id}[${t.map_index}]=${t.state}`).sort()).toEqual(["collect[-1]=success", "double[0]=success", "double[1]=success", "double[2]=success"]);
  }, 90_000);

  it("with a run id, a logical date, conf and a note; the same run id again is a 409", async () => {
    const body = { dag_run_id: "conformance_manual_1", logical_date: "2026-03-01T00:00:00+00:00", conf: { region: "apac" }, note: "from the suite" };
    const run = expectValid(await req("POST", `/api/v1/dags/${DAGS.mapped}/dagRuns`, { auth: "trigger", body }), "full body");
    expect(run).toMatchObject({ dag_run_id: "conformance_manual_1", conf: { region: "apac" }, note: "from the suite" });
    expect(Date.parse(run.logical_date as string)).toBe(Date.parse(body.logical_date));
    expectProblem(await req("POST", `/api/v1/dags/${DAGS.mapped}/dagRuns`, { auth: "trigger", body }), 409);
    await waitForRunState(DAGS.mapped, "conformance_manual_1", ["success"]);
  }, 90_000);
});

describe("trigger semantics", () => {
  it("a run triggered on a paused DAG is created and stays queued, as in Airflow", async () => {
    const run = expectValid(await req("POST", `/api/v1/dags/${DAGS.paused}/dagRuns`, { auth: "trigger", body: { dag_run_id: "conformance_paused_run", conf: {} } }), "paused DAG");
    expect(run.state).toBe("queued");
    await new Promise((r) => setTimeout(r, 2_000));
    const again = expectValid(await req("GET", `/api/v1/dags/${DAGS.paused}/dagRuns/conformance_paused_run`, { auth: "read" }), "paused DAG, later");
    expect(again.state).toBe("queued");
  }, T);

  it("a second run with the same logical date is a 409, as Airflow's unique (dag_id, logical_date)", async () => {
    const body = { dag_run_id: "conformance_same_date_2", logical_date: "2026-03-01T00:00:00+00:00", conf: {} };
    expectProblem(await req("POST", `/api/v1/dags/${DAGS.mapped}/dagRuns`, { auth: "trigger", body }), 409);
  }, T);

  it("an unknown DAG is a 404 and a DAG that does not load is a 404 too", async () => {
    expectProblem(await req("POST", "/api/v1/dags/conformance_broken/dagRuns", { auth: "trigger", body: { conf: {} } }), 404);
  }, T);
});

describe("write routes on runs and task instances, for real, validated against Airflow's spec", () => {
  step("PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/setNote", "sets a note", async () => {
    const r = expectValid(await req("PATCH", `/api/v1/dags/${DAGS.mapped}/dagRuns/${RUN.mapped}/setNote`, { body: { note: "checked" } }), "note");
    expect(r.note).toBe("checked");
  });
  step("PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}", "marks a run failed", async () => {
    const r = expectValid(await req("PATCH", `/api/v1/dags/${DAGS.mapped}/dagRuns/conformance_manual_1`, { body: { state: "failed" } }), "state");
    expect(r.state).toBe("failed");
  });
  step("POST /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/clear", "dry run lists the task instances; a real clear runs the run again", async () => {
    const dry = expectValid(await req("POST", `/api/v1/dags/${DAGS.mapped}/dagRuns/conformance_manual_1/clear`, { body: { dry_run: true } }), "dry run");
    expect(Array.isArray(dry.task_instances), JSON.stringify(dry)).toBe(true);
    const real = expectValid(await req("POST", `/api/v1/dags/${DAGS.mapped}/dagRuns/conformance_manual_1/clear`, { body: { dry_run: false } }), "clear");
    expect(real.dag_run_id ?? real.task_instances).toBeDefined();
    const done = await waitForRunState(DAGS.mapped, "conformance_manual_1", ["success", "failed"]);
    expect(done.state).toBe("success");
  }, 90_000);
  step("POST /api/v1/dags/{dag_id}/clearTaskInstances", "dry run names the failed instances", async () => {
    const r = expectValid(await req("POST", `/api/v1/dags/${DAGS.fails}/clearTaskInstances`, { body: { dry_run: true, dag_run_id: RUN.fails, only_failed: true } }), "dry run");
    expect((r.task_instances as Obj[]).map((t) => t.task_id).sort()).toEqual(expect.arrayContaining(["boom"]));
  });
  step("POST /api/v1/dags/{dag_id}/updateTaskInstancesState", "dry run", async () => {
    const r = expectValid(await req("POST", `/api/v1/dags/${DAGS.fails}/updateTaskInstancesState`, { body: { dry_run: true, task_id: "boom", dag_run_id: RUN.fails, new_state: "success" } }), "dry run");
    expect((r.task_instances as Obj[]).map((t) => t.task_id)).toContain("boom");
  });
  step("PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}", "dry run", async () => {
    const r = expectValid(await req("PATCH", `/api/v1/dags/${DAGS.fails}/dagRuns/${RUN.fails}/taskInstances/boom`, { body: { dry_run: true, new_state: "success" } }), "dry run");
    expect(r.task_id).toBe("boom");
  });
  step("PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}", "dry run", async () => {
    const r = expectValid(await req("PATCH", `/api/v1/dags/${DAGS.mapped}/dagRuns/${RUN.mapped}/taskInstances/double/0`, { body: { dry_run: true, new_state: "failed" } }), "dry run");
    expect(r.task_id).toBe("double");
  });
  step("POST /api/v1/dags/~/dagRuns/list", "lists runs of several DAGs (a read token is enough)", async () => {
    const r = expectValid(await req("POST", "/api/v1/dags/~/dagRuns/list", { auth: "read", body: { dag_ids: [DAGS.mapped, DAGS.fails], states: ["failed"] } }), "batch");
    expect((r.dag_runs as Obj[]).every((x) => x.state === "failed")).toBe(true);
    expect((r.dag_runs as Obj[]).map((x) => x.dag_run_id)).toContain(RUN.fails);
  });
  step("POST /api/v1/dags/~/dagRuns/~/taskInstances/list", "lists task instances (a read token is enough)", async () => {
    const r = expectValid(await req("POST", "/api/v1/dags/~/dagRuns/~/taskInstances/list", { auth: "read", body: { dag_ids: [DAGS.fails] } }), "batch");
    expect((r.task_instances as Obj[]).length).toBeGreaterThanOrEqual(2);
  });
  step("DELETE /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}", "deletes a run", async () => {
    await waitForRunState(DAGS.mapped, "conformance_manual_1", ["success", "failed"]);
    expectValid(await req("DELETE", `/api/v1/dags/${DAGS.mapped}/dagRuns/conformance_manual_1`), "delete", 204);
    expectProblem(await req("GET", `/api/v1/dags/${DAGS.mapped}/dagRuns/conformance_manual_1`, { auth: "read" }), 404);
  });
  step("PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/setNote", "sets a task instance's note", async () => {
    const ti = expectValid(await req("PATCH", `/api/v1/dags/${DAGS.fails}/dagRuns/${RUN.fails}/taskInstances/boom/setNote`, { auth: "edit", body: { note: "why it failed" } }), "note");
    expect(ti).toMatchObject({ task_id: "boom", map_index: -1, note: "why it failed" });
    expect(expectValid(await req("GET", `/api/v1/dags/${DAGS.fails}/dagRuns/${RUN.fails}/taskInstances/boom`, { auth: "read" }), "after").note).toBe("why it failed");
    expectProblem(await req("PATCH", `/api/v1/dags/${DAGS.fails}/dagRuns/${RUN.fails}/taskInstances/boom/setNote`, { auth: "trigger", body: { note: "x" } }), 403);
  });
  step("PATCH /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}/setNote", "sets a mapped instance's note", async () => {
    const ti = expectValid(await req("PATCH", `/api/v1/dags/${DAGS.mapped}/dagRuns/${RUN.mapped}/taskInstances/double/2/setNote`, { auth: "edit", body: { note: "third" } }), "note");
    expect(ti).toMatchObject({ task_id: "double", map_index: 2, note: "third" });
    expectProblem(await req("PATCH", `/api/v1/dags/${DAGS.mapped}/dagRuns/${RUN.mapped}/taskInstances/double/7/setNote`, { auth: "edit", body: { note: "x" } }), 404);
  });
});

describe("why a task instance is not running, and its links", () => {
  it("GET …/dependencies names the instance's state for one that ended, in Airflow's shape", async () => {
    const boom = expectValid(await req("GET", `/api/v1/dags/${DAGS.fails}/dagRuns/${RUN.fails}/taskInstances/boom/dependencies`, { auth: "read" }), "failed task");
    expect((boom.dependencies as Obj[]).map((d) => d.name)).toContain("Task Instance State");
    const mapped = expectValid(await req("GET", `/api/v1/dags/${DAGS.mapped}/dagRuns/${RUN.mapped}/taskInstances/double/0/dependencies`, { auth: "read" }), "mapped");
    expect((mapped.dependencies as Obj[])[0]?.reason).toContain("'success'");
  }, T);

  it("GET …/dependencies names the run's state and the paused DAG for a run that waits on a paused DAG", async () => {
    const run = expectValid(await req("POST", `/api/v1/dags/${DAGS.paused}/dagRuns`, { auth: "trigger", body: { dag_run_id: "conformance_deps_run", conf: {} } }), "queued run");
    expect(run.state).toBe("queued");
    const d = expectValid(await req("GET", `/api/v1/dags/${DAGS.paused}/dagRuns/conformance_deps_run/taskInstances/noop/dependencies`, { auth: "read" }), "queued");
    expect((d.dependencies as Obj[]).map((x) => x.name)).toEqual(expect.arrayContaining(["Dagrun Running", "Dag Not Paused"]));
  }, T);

  it("GET …/links is an empty list (no operator defines extra links yet)", async () => {
    expect(expectValid(await req("GET", `/api/v1/dags/${DAGS.mapped}/dagRuns/${RUN.mapped}/taskInstances/collect/links`, { auth: "read" }), "links")).toEqual({ extra_links: [] });
  }, T);
});

// Last: its checks run after every test above, and it stops the server.
conformanceSuite("runs");
