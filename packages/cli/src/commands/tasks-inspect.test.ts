// `tasks list | state | render | states-for-dag-run | failed-deps` against a real store in a temp
// home, after a real run of an example DAG (extract → load succeed; boom fails, after_boom is
// upstream_failed).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tasksFailedDeps, tasksList, tasksRender, tasksState, tasksStatesForDagRun, treeView } from "./tasks-inspect.ts";
import { capture, verbsHome, type VerbsHome } from "./verbs-fixture.ts";

let home: VerbsHome;
beforeAll(async () => {
  home = await verbsHome();
}, 180_000);
afterAll(() => home?.cleanup());

describe("tasks verbs", { timeout: 60_000 }, () => {
  it("lists the task ids sorted, or the DAG as Airflow's tree", async () => {
    expect((await capture(() => tasksList(home.config, "etl", {}))).out).toBe("after_boom\nboom\nextract\nload\n");
    expect((await capture(() => tasksList(home.config, "etl", { tree: true }))).out).toBe(
      "<Task(task): boom>\n    <Task(task): after_boom>\n<Task(task): extract>\n    <Task(shell): load>\n");
    // A task below two roots appears under each.
    expect(treeView([
      { id: "a", kind: "task", upstream: [], downstream: ["c"] }, { id: "b", kind: "task", upstream: [], downstream: ["c"] },
      { id: "c", kind: "task", upstream: ["a", "b"], downstream: [] },
    ])).toEqual(["<Task(task): a>", "    <Task(task): c>", "<Task(task): b>", "    <Task(task): c>"]);
  });

  it("prints an instance's state by run id or by logical date, and names what does not exist", async () => {
    expect((await capture(() => tasksState(home.config, "etl", "load", home.runId, {}))).out).toBe("success\n");
    expect((await capture(() => tasksState(home.config, "etl", "after_boom", "2026-03-01T00:00:00+00:00", {}))).out).toBe("upstream_failed\n");
    await expect(tasksState(home.config, "etl", "nope", home.runId, {})).rejects.toMatchObject({ name: "NotFoundError", message: expect.stringContaining('task "nope" in dag "etl" does not exist') });
    await expect(tasksState(home.config, "etl", "load", "2001-01-01", {})).rejects.toMatchObject({ name: "NotFoundError", message: "DagRun for etl with run_id or execution_date of '2001-01-01' does not exist" });
    await expect(tasksState(home.config, "etl", "load", home.runId, { mapIndex: "x" })).rejects.toMatchObject({ name: "UsageError" });
  });

  it("prints every instance of a run with Airflow's columns", async () => {
    const r = await capture(() => tasksStatesForDagRun(home.config, "etl", home.runId, "json"));
    const rows = JSON.parse(r.out) as Array<Record<string, string>>;
    expect(rows.map((x) => [x.task_id, x.state])).toEqual([["after_boom", "upstream_failed"], ["boom", "failed"], ["extract", "success"], ["load", "success"]]);
    expect(Object.keys(rows[0]!)).toEqual(["dag_id", "execution_date", "task_id", "state", "start_date", "end_date"]);
    expect(rows[0]!.execution_date).toBe("2026-03-01T00:00:00+00:00");
    const table = await capture(() => tasksStatesForDagRun(home.config, "etl", "2026-03-01", "table"));
    expect(table.out.split("\n")[0]).toMatch(/^dag_id +execution_date +task_id +state +start_date +end_date$/);
  });

  it("renders a shell task's command and env for the run at that date, with its conf and run id", async () => {
    const r = await capture(() => tasksRender(home.config, "etl", "load", "2026-03-01", {}));
    expect(r.out).toBe([
      "# ----------------------------------------------------------", "# property: command", "# ----------------------------------------------------------",
      `echo s3://b/2026-03-01 ${home.runId}`, "",
      "# ----------------------------------------------------------", "# property: env", "# ----------------------------------------------------------",
      "{'TARGET': '20260301'}", "", "",
    ].join("\n"));
    // Without a run at that date: the date's own values, the argument as the run id (Airflow's in-memory run).
    expect((await capture(() => tasksRender(home.config, "etl", "load", "2026-05-06", {}))).out).toContain("echo s3://b/2026-05-06 2026-05-06\n");
    // A task that is not a shell task has no templated fields.
    expect((await capture(() => tasksRender(home.config, "etl", "extract", "2026-05-06", {}))).out).toBe("");
  });

  it("says why an instance cannot run, by the scheduler's checks", async () => {
    const r = await capture(() => tasksFailedDeps(home.config, "etl", "after_boom", home.runId, {}));
    expect(r.out.split("\n")[0]).toBe("Task instance dependencies not met:");
    expect(r.out).toContain("Task Instance State: Task is in the 'upstream_failed' state which is not a valid state for execution.");
    expect(r.out).toContain("Dagrun Running: Task instance's dagrun was not in the 'running' state but in the state 'failed'.");
    await expect(tasksFailedDeps(home.config, "etl", "load", home.runId, { mapIndex: "3" })).rejects.toMatchObject({ name: "NotFoundError" });
  });
});
