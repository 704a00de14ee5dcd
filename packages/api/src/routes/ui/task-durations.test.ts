// GET /api/updraft/ui/dags/{dag_id}/task-durations over the real app and a real :memory: store.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAG, getJson, makeFixture, RUN1, RUN2, RUN3, type Fixture } from "./task-views.fixture.ts";
import { summaryState } from "./task-durations.ts";

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
}, 60_000);
afterAll(() => f?.close());

const byTask = (body: any) => Object.fromEntries(body.tasks.map((t: any) => [t.task_id, t.points]));

describe("task durations across runs", () => {
  it("lists the last runs oldest first and one point per task and run, tasks in the DAG's order", async () => {
    const { status, body } = await getJson(f, `/api/updraft/ui/dags/${DAG}/task-durations?runs=25`);
    expect(status).toBe(200);
    expect(body.runs.map((r: any) => r.run_id)).toEqual([RUN1, RUN2, RUN3]);
    expect(body.tasks.map((t: any) => t.task_id)).toEqual(["extract", "double", "say", "child"]);
    const p = byTask(body);
    expect(p.extract[0]).toMatchObject({ duration: 10, queued: 2, state: "success", instances: 1 });
    expect(p.extract[1]).toMatchObject({ duration: 30, state: "failed" });
    expect(p.extract[2]).toMatchObject({ state: "running", end_date: null });
    expect(p.extract[2].duration).toBeGreaterThan(0);
    expect(p.say).toEqual([expect.objectContaining({ duration: 1 }), null, null]);
  });

  it("spans a mapped task's instances from the first start to the last end", async () => {
    const p = byTask((await getJson(f, `/api/updraft/ui/dags/${DAG}/task-durations`)).body);
    expect(p.double[0]).toMatchObject({ duration: 7, queued: 2, instances: 3, state: "success" });
    expect(p.double[1]).toMatchObject({ duration: null, queued: null, state: null, instances: 1 });
  });

  it("takes only the last N runs", async () => {
    const { body } = await getJson(f, `/api/updraft/ui/dags/${DAG}/task-durations?runs=1`);
    expect(body.runs.map((r: any) => r.run_id)).toEqual([RUN3]);
    expect(body.tasks.map((t: any) => t.task_id)).toEqual(["extract", "child"]);
    expect((await getJson(f, `/api/updraft/ui/dags/${DAG}/task-durations?runs=0`)).status).toBe(400);
    expect((await getJson(f, `/api/updraft/ui/dags/${DAG}/task-durations`, f.restricted)).status).toBe(404);
  });

  it("summarises mixed states by the most pressing one", () => {
    expect(summaryState(["success", "failed"])).toBe("failed");
    expect(summaryState(["success", "running", "failed"])).toBe("running");
    expect(summaryState(["skipped", "success"])).toBe("skipped");
    expect(summaryState(["none"])).toBeNull();
  });
});
