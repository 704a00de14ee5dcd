// GET /api/updraft/ui/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/instance over the real app and
// a real :memory: store (see task-views.fixture.ts for the data).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIG, DAG, getJson, makeFixture, OTHER, RUN1, RUN2, RUN3, type Fixture } from "./task-views.fixture.ts";
import { XCOM_PREVIEW_CHARS } from "./task-instance-detail.ts";

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
}, 60_000);
afterAll(() => f?.close());

const enc = encodeURIComponent;
const url = (runId: string, taskId: string, q = "", dag = DAG) => `/api/updraft/ui/dags/${enc(dag)}/runs/${enc(runId)}/tasks/${enc(taskId)}/instance${q}`;

describe("the task-instance panel's endpoint", () => {
  it("gives the instance, every try oldest first with the failed try's error, and the task's definition", async () => {
    const { status, body } = await getJson(f, url(RUN1, "extract"));
    expect(status).toBe(200);
    expect(body.instance).toMatchObject({ state: "success", try_number: 2, max_tries: 2, hostname: "host-a", duration: 10, parent: null });
    expect(body.tries.map((t: any) => [t.try_number, t.state, t.current])).toEqual([[1, "failed", false], [2, "success", true]]);
    expect(body.tries[0]).toMatchObject({ hostname: "host-b", error: { name: "Error", message: "503 Service Unavailable" } });
    expect(body.task).toMatchObject({ kind: "task", retries: 2, retry_delay: 5, trigger_rule: "all_success", doc: "Pulls rows.", downstream: ["double"], submittable: false });
    expect(body.run).toMatchObject({ state: "success", dag_version_id: f.versions[0] });
    expect(body.templates).toEqual([]);
  });

  it("previews XCom values as JSON text, cut when long, with their full size", async () => {
    const { body } = await getJson(f, url(RUN1, "extract"));
    const byKey = Object.fromEntries(body.xcom.map((x: any) => [x.key, x]));
    expect(byKey.return_value).toMatchObject({ preview: "[1,2,3]", size: 7, truncated: false });
    expect(byKey.big.size).toBe(JSON.stringify(BIG).length);
    expect(byKey.big.truncated).toBe(true);
    expect(byKey.big.preview).toHaveLength(XCOM_PREVIEW_CHARS);
  });

  it("shows a shell command's template and the command as the try ran it, from its log", async () => {
    const { body } = await getJson(f, url(RUN1, "say"));
    const fields = Object.fromEntries(body.templates.map((t: any) => [t.field, t]));
    expect(fields.command).toMatchObject({ template: "echo {{ ds }} {{ params.region }}", rendered: "echo 2026-03-01 eu", rendered_from: "log" });
    expect(fields["env.TARGET"]).toMatchObject({ template: "{{ params.region }}/out", rendered: null });
    expect(fields["env.TARGET"].note).toMatch(/rendered at run time/);
    expect(fields["env.PLAIN"]).toMatchObject({ rendered: "yes", note: null });
  });

  it("answers a mapped task asked without a map index with its instances counted by state", async () => {
    const { status, body } = await getJson(f, url(RUN1, "double"));
    expect(status).toBe(200);
    expect(body.instance).toBeNull();
    expect(body.mapped).toMatchObject({ total: 3, counts: { success: 3 } });
    expect(body.mapped.instances.map((i: any) => i.map_index)).toEqual([0, 1, 2]);
    const one = await getJson(f, url(RUN1, "double", "?map_index=1"));
    expect(one.body.instance).toMatchObject({ state: "success", duration: 7 });
    expect(one.body.map_index).toBe(1);
  });

  it("names a submitted child's parent, and lists a parent's children", async () => {
    const child = await getJson(f, url(RUN3, "child"));
    expect(child.body.instance.parent).toEqual({ task_id: "extract", map_index: -1 });
    const parent = await getJson(f, url(RUN3, "extract"));
    expect(parent.body.children).toEqual([{ task_id: "child", map_index: -1, state: "success", rendered_map_index: null }]);
    expect(parent.body.tries).toEqual([expect.objectContaining({ try_number: 1, state: "running", current: true, end_date: null })]);
  });

  it("lists no tries for an instance that has not run", async () => {
    const { status, body } = await getJson(f, url(RUN2, "double"));
    expect(status).toBe(200);
    expect(body.instance).toMatchObject({ state: null, try_number: 0 });
    expect(body.tries).toEqual([]);
  });

  it("answers 404 naming what is missing", async () => {
    expect((await getJson(f, url(RUN1, "nope"))).body.detail).toMatch(/Task with id 'nope' not found/);
    expect((await getJson(f, url("manual__missing", "extract"))).status).toBe(404);
    expect((await getJson(f, url(RUN1, "extract", "?map_index=4"))).body.detail).toMatch(/with map_index 4 not found/);
    expect((await getJson(f, url(RUN1, "extract", "?map_index=x"))).status).toBe(400);
  });

  it("answers 404 for a DAG a restricted token may not see, as for one that does not exist", async () => {
    const hidden = await getJson(f, url(RUN1, "extract"), f.restricted);
    expect(hidden.status).toBe(404);
    expect(hidden.body.detail).toBe(`DAG with dag_id: '${DAG}' not found`);
    expect((await getJson(f, url(RUN1, "solo", "", OTHER), f.restricted)).status).toBe(200);
  });
});
