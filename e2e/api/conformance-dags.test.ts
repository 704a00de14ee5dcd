// Conformance of the DAG routes (DESIGN.md, Contract 4): pause and unpause one DAG or every DAG
// matching a pattern, DAG statistics, the fields a DAG reports (owners, schedule in words, next
// run, file token), re-parsing a file, deleting a DAG; and the routes that answer without
// credentials (version, /openapi.json, the Swagger UI) and the challenge of a 401. Each answer is
// validated against Airflow 2.10's document. The sweeps over every route are in
// conformance-routes.test.ts.
import { describe, expect, it } from "vitest";
import { DAGS } from "./server.ts";
import { conformanceSuite, expectProblem, expectValid, req, server, step, T, type Obj } from "./conformance-kit.ts";


describe("DAG write routes, for real, validated against Airflow's spec", () => {
  step("PATCH /api/v1/dags/{dag_id}", "pauses and unpauses (update_mask=is_paused)", async () => {
    const d = expectValid(await req("PATCH", `/api/v1/dags/${DAGS.shell}?update_mask=is_paused`, { auth: "edit", body: { is_paused: true } }), "pause");
    expect(d.is_paused).toBe(true);
    const paused = expectValid(await req("GET", "/api/v1/dags?paused=true&only_active=false", { auth: "read" }), "paused=true");
    expect((paused.dags as Obj[]).map((x) => x.dag_id).sort()).toEqual([DAGS.paused, DAGS.shell].sort());
    expect(expectValid(await req("PATCH", `/api/v1/dags/${DAGS.shell}`, { auth: "edit", body: { is_paused: false } }), "unpause").is_paused).toBe(false);
  });

  step("PATCH /api/v1/dags", "pauses every DAG matching dag_id_pattern, then unpauses them", async () => {
    const r = expectValid(await req("PATCH", "/api/v1/dags?dag_id_pattern=conformance_&update_mask=is_paused", { auth: "edit", body: { is_paused: true } }), "pause by pattern");
    expect(r.total_entries).toBe(Object.values(DAGS).length);
    expect((r.dags as Obj[]).every((d) => d.is_paused === true)).toBe(true);
    expectProblem(await req("PATCH", "/api/v1/dags?dag_id_pattern=~", { auth: "trigger", body: { is_paused: false } }), 403);
    expectProblem(await req("PATCH", "/api/v1/dags?dag_id_pattern=~&update_mask=tags", { auth: "edit", body: { is_paused: false } }), 400, "update_mask");
    expectProblem(await req("PATCH", "/api/v1/dags", { auth: "edit", body: { is_paused: false } }), 400, "dag_id_pattern");
    const back = expectValid(await req("PATCH", `/api/v1/dags?dag_id_pattern=~`, { auth: "edit", body: { is_paused: false } }), "unpause all");
    expect((back.dags as Obj[]).every((d) => d.is_paused === false)).toBe(true);
    expectValid(await req("PATCH", `/api/v1/dags/${DAGS.paused}`, { auth: "edit", body: { is_paused: true } }), "pause the paused one again");
  });
  step("PUT /api/v1/parseDagFile/{file_token}", "asks for a DAG's file to be parsed again, which the DAG processor does", async () => {
    const dag = expectValid(await req("GET", `/api/v1/dags/${DAGS.shell}`, { auth: "read" }), "the DAG");
    const before = Date.parse(dag.last_parsed_time as string);
    const res = await req("PUT", `/api/v1/parseDagFile/${encodeURIComponent(dag.file_token as string)}`, { auth: "edit" });
    expectValid(res, "reparse", 201);
    expect(res.text).toBe("");
    const deadline = Date.now() + 60_000;
    for (;;) {
      const now = expectValid(await req("GET", `/api/v1/dags/${DAGS.shell}`, { auth: "read" }), "after");
      if (Date.parse(now.last_parsed_time as string) > before) break;
      if (Date.now() > deadline) throw new Error(`${DAGS.shell} was not parsed again within 60 s of PUT /parseDagFile`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const forged = `${Buffer.from("/etc/passwd").toString("base64url")}.${String(dag.file_token).split(".")[1]}`;
    expectProblem(await req("PUT", `/api/v1/parseDagFile/${forged}`, { auth: "edit" }), 404);
    expectProblem(await req("PUT", `/api/v1/parseDagFile/${encodeURIComponent(dag.file_token as string)}`, { auth: "read" }), 403);
  }, 90_000);
  step("DELETE /api/v1/dags/{dag_id}", "deletes a DAG's metadata", async () => {
    // A run on the paused DAG, failed so that the DAG may be deleted (a queued or running run may be refused, 409).
    expectValid(await req("POST", `/api/v1/dags/${DAGS.paused}/dagRuns`, { auth: "trigger", body: { dag_run_id: "conformance_paused_run", conf: {} } }), "run to delete");
    expectValid(await req("PATCH", `/api/v1/dags/${DAGS.paused}/dagRuns/conformance_paused_run`, { body: { state: "failed" } }), "fail it");
    const before = expectValid(await req("GET", `/api/v1/dags/${DAGS.paused}/dagRuns`, { auth: "read" }), "before delete");
    expect(before.total_entries, "the paused DAG has runs").toBeGreaterThan(0);
    expectValid(await req("DELETE", `/api/v1/dags/${DAGS.paused}`), "delete", 204);
    // The file is still in the folder, so the DAG processor may list the DAG again at once; its
    // runs, though, are gone either way.
    const after = await req("GET", `/api/v1/dags/${DAGS.paused}/dagRuns`, { auth: "read" });
    if (after.status === 404) expectProblem(after, 404);
    else expect(expectValid(after, "after delete").total_entries).toBe(0);
  });
});

describe("what a DAG reports", () => {
  it("GET /api/v1/dagStats counts runs by state, every state listed", async () => {
    const r = expectValid(await req("GET", `/api/v1/dagStats?dag_ids=${DAGS.fails},${DAGS.mapped},no_such_dag`, { auth: "read" }), "stats");
    expect((r.dags as Obj[]).map((d) => d.dag_id)).toEqual([DAGS.fails, DAGS.mapped]);
    const fails = (r.dags as Obj[])[0]!.stats as Obj[];
    expect(fails.map((s) => s.state)).toEqual(["queued", "running", "success", "failed"]);
    expect(fails.find((s) => s.state === "failed")?.count).toBeGreaterThanOrEqual(1);
    expectProblem(await req("GET", "/api/v1/dagStats", { auth: "read" }), 400, "dag_ids");
  }, T);

  it("GET /api/v1/dags/{dag_id} gives owners, the schedule in words and the next scheduled run", async () => {
    const shell = expectValid(await req("GET", `/api/v1/dags/${DAGS.shell}/details`, { auth: "read" }), "details");
    expect(shell.owners).toEqual(["airflow"]);
    expect(shell.timetable_description).toBe("At 06:00");
    expect(new Date(shell.next_dagrun as string).getUTCHours()).toBe(6);
    expect(Date.parse(shell.next_dagrun_data_interval_end as string) - Date.parse(shell.next_dagrun_data_interval_start as string)).toBe(86_400_000);
    expect(shell.next_dagrun_create_after).toBe(shell.next_dagrun_data_interval_end);
    const manual = expectValid(await req("GET", `/api/v1/dags/${DAGS.mapped}`, { auth: "read" }), "manual");
    expect([manual.timetable_description, manual.next_dagrun]).toEqual(["Never, external triggers only", null]);
  }, T);

  it("signs file tokens: a DAG's token reads its source, an altered one is a 404", async () => {
    const token = String(expectValid(await req("GET", `/api/v1/dags/${DAGS.mapped}`, { auth: "read" }), "dag").file_token);
    expect(String(expectValid(await req("GET", `/api/v1/dagSources/${encodeURIComponent(token)}`, { auth: "read" }), "source").content)).toContain(DAGS.mapped);
    expectProblem(await req("GET", `/api/v1/dagSources/${Buffer.from("/etc/passwd").toString("base64url")}`, { auth: "read" }), 404);
  }, T);
});

describe("without credentials", () => {
  it("/api/v1/version and /openapi.json answer; a 401 of /api/v1 carries WWW-Authenticate with Basic and Bearer", async () => {
    expectValid(await req("GET", "/api/v1/version", { auth: null }), "no credentials");
    expect((await req("GET", "/openapi.json", { auth: null })).status).toBe(200);
    const res = await fetch(`${server.baseUrl}/api/v1/dags`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="Updraft", Bearer realm="Updraft"');
  }, T);

  it("serves the Swagger UI at /api/v1/ui/ from local files, pointed at /openapi.json, under the app's CSP", async () => {
    const page = await fetch(`${server.baseUrl}/api/v1/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    const html = await page.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.every((r) => r.startsWith("/api/v1/ui/")), refs.join(" ")).toBe(true);
    for (const ref of refs) expect((await fetch(`${server.baseUrl}${ref}`)).status, ref).toBe(200);
    expect(await (await fetch(`${server.baseUrl}/api/v1/ui/init.js`)).text()).toContain("/openapi.json");
  }, T);
});

// Last: its checks run after every test above, and it stops the server.
conformanceSuite("dags");
