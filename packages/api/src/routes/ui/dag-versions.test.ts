// GET /api/updraft/ui/dags/{dag_id}/versions and …/versions/{id}/source over the real app and a
// real :memory: store whose DAG file was parsed twice (two versions).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAG, getJson, makeFixture, OTHER, RUN1, RUN2, RUN3, type Fixture } from "./task-views.fixture.ts";

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
}, 60_000);
afterAll(() => f?.close());

describe("a DAG's versions", () => {
  it("lists versions newest first, with the runs that used each and the latest of them", async () => {
    const { status, body } = await getJson(f, `/api/updraft/ui/dags/${DAG}/versions`);
    expect(status).toBe(200);
    const [v1, v2] = f.versions as [number, number];
    expect(body.versions.map((v: any) => v.id)).toEqual([v2, v1]);
    expect(body.versions[0]).toMatchObject({ current: true, runs: 2, latest_run: { run_id: RUN3, state: "running" } });
    expect(body.versions[1]).toMatchObject({ current: false, runs: 1, latest_run: { run_id: RUN1, state: "success" } });
    expect(body.versions[0].version_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(body.versions[0].fileloc).toMatch(/views_demo\.ts$/);
    expect(body.run_version_id).toBeNull();
  });

  it("says which version a run used", async () => {
    expect((await getJson(f, `/api/updraft/ui/dags/${DAG}/versions?run_id=${encodeURIComponent(RUN1)}`)).body.run_version_id).toBe(f.versions[0]);
    expect((await getJson(f, `/api/updraft/ui/dags/${DAG}/versions?run_id=${encodeURIComponent(RUN2)}`)).body.run_version_id).toBe(f.versions[1]);
    expect((await getJson(f, `/api/updraft/ui/dags/${DAG}/versions?run_id=nope`)).status).toBe(404);
  });

  it("a run with no recorded version counts as using the current one", async () => {
    const { body } = await getJson(f, `/api/updraft/ui/dags/${OTHER}/versions?run_id=${encodeURIComponent(RUN1)}`);
    expect(body.run_version_id).toBe(body.versions[0].id);
    expect(body.versions[0].runs).toBe(0);
  });

  it("serves each version's own source text", async () => {
    const [v1, v2] = f.versions as [number, number];
    const old = await getJson(f, `/api/updraft/ui/dags/${DAG}/versions/${v1}/source`);
    const now = await getJson(f, `/api/updraft/ui/dags/${DAG}/versions/${v2}/source`);
    expect(old.body.source).toContain('shell("say"');
    expect(old.body.source).not.toContain("second version");
    expect(now.body.source).toContain("// second version");
    expect(now.body).toMatchObject({ dag_id: DAG, id: v2 });
  });

  it("answers 404 for another DAG's version, a missing one, or a DAG the token may not see", async () => {
    const [v1] = f.versions as [number];
    expect((await getJson(f, `/api/updraft/ui/dags/${OTHER}/versions/${v1}/source`)).status).toBe(404);
    expect((await getJson(f, `/api/updraft/ui/dags/${DAG}/versions/999999/source`)).status).toBe(404);
    expect((await getJson(f, `/api/updraft/ui/dags/${DAG}/versions/abc/source`)).status).toBe(400);
    expect((await getJson(f, `/api/updraft/ui/dags/${DAG}/versions`, f.restricted)).status).toBe(404);
    expect((await getJson(f, `/api/updraft/ui/dags/${DAG}/versions/${v1}/source`, f.restricted)).status).toBe(404);
  });
});
