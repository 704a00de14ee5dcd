// Tokens restricted to DAG id patterns, over the real app and real runs: lists carry only the
// allowed DAGs, another DAG answers exactly as a missing one (reads and changes), routes that are
// not about DAGs refuse them, and the live event stream carries only their DAGs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HR_RUN, portalFixture, RUN, VISIBLE, type PortalFixture, type Reply } from "./testing/portal-fixture.ts";

let f: PortalFixture;

beforeAll(async () => {
  f = await portalFixture();
}, 120_000);

afterAll(async () => {
  await f?.close();
});

const enc = encodeURIComponent;
const ids = (rows: Array<{ dag_id: string | null }>) => [...new Set(rows.map((r) => r.dag_id))].sort();
const ok = (r: Reply) => {
  expect(r.status, r.text).toBe(200);
  return r.body;
};

describe("lists seen by a DAG-restricted token", () => {
  it("carry only the DAGs its patterns match, case-sensitively and with `_` taken literally", async () => {
    const { portalRead: portal, read } = f.tokens;
    const dags = ok(await f.call("/api/v1/dags", portal));
    expect(ids(dags.dags)).toEqual(VISIBLE);
    expect(dags.total_entries).toBe(2);
    expect(ok(await f.call("/api/v1/dags", read)).total_entries).toBe(6);
    expect(ok(await f.call("/api/v1/dags?dag_id_pattern=hr", portal))).toEqual({ dags: [], total_entries: 0 });

    const runs = ok(await f.call("/api/v1/dags/~/dagRuns", portal));
    expect(ids(runs.dag_runs)).toEqual(VISIBLE);
    expect(runs.total_entries).toBe(2);
    const batch = ok(await f.call("/api/v1/dags/~/dagRuns/list", portal, { body: { dag_ids: ["hr_payroll", "sales_daily"] } }));
    expect(ids(batch.dag_runs)).toEqual(["sales_daily"]);

    expect(ids(ok(await f.call("/api/v1/dags/~/dagRuns/~/taskInstances", portal)).task_instances)).toEqual(VISIBLE);
    expect(ids(ok(await f.call("/api/v1/dags/~/dagRuns/~/taskInstances/list", portal, { body: {} })).task_instances)).toEqual(VISIBLE);
    expect(ids(ok(await f.call("/api/v1/dags/~/dagRuns/~/taskInstances/~/xcomEntries", portal)).xcom_entries)).toEqual(VISIBLE);
    expect(ids(ok(await f.call("/api/v1/dags/~/dagRuns/~/taskInstances/~/xcomEntries", read)).xcom_entries)).toHaveLength(6);
  });

  it("leave out other DAGs' event log entries and entries about no DAG, and other files' import errors", async () => {
    const { portalRead: portal, read } = f.tokens;
    const events = ok(await f.call("/api/v1/eventLogs?event=fixture", portal));
    expect(events.event_logs.map((e: { dag_id: string }) => e.dag_id)).toEqual(["sales_daily"]);
    expect(events.total_entries).toBe(1);
    expect(ok(await f.call("/api/v1/eventLogs?event=fixture", read)).total_entries).toBe(3);

    const errors = ok(await f.call("/api/v1/importErrors", portal));
    expect(errors.import_errors.map((e: { filename: string }) => e.filename)).toEqual([f.files.sales_daily]);
    expect(errors.total_entries).toBe(1);
    expect(ok(await f.call("/api/v1/importErrors", read)).total_entries).toBe(3);
  });

  it("finds a run id of `~` among the allowed DAGs only", async () => {
    const path = `/api/v1/dags/~/dagRuns/${HR_RUN}/taskInstances`;
    expect(ok(await f.call(path, f.tokens.read)).total_entries).toBe(1);
    const hidden = await f.call(path, f.tokens.portalRead);
    expect(hidden.status).toBe(404);
    expect((await f.call(`/api/v1/dags/~/dagRuns/no_such_run/taskInstances`, f.tokens.portalRead)).body.detail).toBe(hidden.body.detail.replace(HR_RUN, "no_such_run"));
  });

  it("still reads the allowed DAGs' own routes: the DAG, its run, its log, its source, and HEAD as GET", async () => {
    const portal = f.tokens.portalRead;
    const base = `/api/v1/dags/sales_daily/dagRuns/${enc(RUN)}/taskInstances/work`;
    expect(ok(await f.call("/api/v1/dags/sales_daily", portal)).dag_id).toBe("sales_daily");
    expect(ok(await f.call(base, portal)).state).toBe("success");
    expect(ok(await f.call(`${base}/logs/1?full_content=true`, portal)).content).toContain("working for sales_daily");
    const salesToken = ok(await f.call("/api/v1/dags/sales_daily", portal)).file_token as string;
    expect(ok(await f.call(`/api/v1/dagSources/${salesToken}`, portal)).content).toContain('id: "sales_daily"');
    expect(ok(await f.call("/api/updraft/ui/dags/sales_daily/run-status", portal)).run.state).toBe("success");
    for (const path of ["/api/v1/dags", "/api/v1/dags/sales_daily", `${base}/tries`]) {
      expect((await f.call(path, portal, { method: "HEAD" })).status, path).toBe(200);
    }
  });
});

/** A problem's detail with the DAG id (or other name) in it replaced, to compare two answers. */
const normal = (r: Reply, name: string) => ({ status: r.status, detail: typeof r.body === "object" ? String(r.body.detail).replaceAll(name, "<name>") : r.text });

describe("another DAG's routes", () => {
  const paths = [
    "/api/v1/dags/{d}", "/api/v1/dags/{d}/details", "/api/v1/dags/{d}/tasks", "/api/v1/dags/{d}/tasks/work",
    "/api/v1/dags/{d}/dagRuns", "/api/v1/dags/{d}/dagRuns/{r}", "/api/v1/dags/{d}/dagRuns/{r}/taskInstances",
    "/api/v1/dags/{d}/dagRuns/{r}/taskInstances/work", "/api/v1/dags/{d}/dagRuns/{r}/taskInstances/work/tries",
    "/api/v1/dags/{d}/dagRuns/{r}/taskInstances/work/tries/1", "/api/v1/dags/{d}/dagRuns/{r}/taskInstances/work/logs/1",
    "/api/v1/dags/{d}/dagRuns/{r}/taskInstances/work/xcomEntries", "/api/v1/dags/{d}/dagRuns/{r}/taskInstances/work/xcomEntries/rows",
    "/api/v1/dags/{d}/dagRuns?limit=oops", "/api/updraft/ui/dags/{d}/run-status",
  ];
  const at = (path: string, dagId: string) => path.replace("{d}", dagId).replace("{r}", enc(HR_RUN));

  it("answer a read as for a DAG that does not exist (same status and detail), GET and HEAD", async () => {
    for (const path of paths) {
      expect((await f.call(at(path, "hr_payroll"), f.tokens.read)).status, `unrestricted ${path}`).toBe(path.includes("oops") ? 400 : 200);
      const hidden = await f.call(at(path, "hr_payroll"), f.tokens.portalRead);
      const missing = await f.call(at(path, "no_such_dag"), f.tokens.portalRead);
      expect(hidden.status, path).toBe(path.includes("oops") ? 400 : 404);
      expect(normal(hidden, "hr_payroll"), path).toEqual(normal(missing, "no_such_dag"));
      expect((await f.call(at(path, "hr_payroll"), f.tokens.portalRead, { method: "HEAD" })).status, `HEAD ${path}`).toBe(hidden.status);
    }
    for (const id of ["Sales_upper", "salesXreport", "finance_daily_v2"]) {
      expect((await f.call(`/api/v1/dags/${id}`, f.tokens.portalRead)).status, id).toBe(404);
    }
  });

  it("answer 404 for another DAG's source, import error and event log entry", async () => {
    const portal = f.tokens.portalRead;
    // A signed token of a hidden DAG's file (as the read token sees it), and one of a file no DAG has.
    const token = ok(await f.call("/api/v1/dags/hr_payroll", f.tokens.read)).file_token as string;
    const other = `${Buffer.from("/nowhere.ts").toString("base64url")}.${token.split(".")[1]}`;
    expect(ok(await f.call(`/api/v1/dagSources/${token}`, f.tokens.read)).content).toContain("hr_payroll");
    expect(normal(await f.call(`/api/v1/dagSources/${token}`, portal), token)).toEqual(normal(await f.call(`/api/v1/dagSources/${other}`, portal), other));

    const errors = ok(await f.call("/api/v1/importErrors", f.tokens.read)).import_errors as Array<{ import_error_id: number; filename: string }>;
    const hr = errors.find((e) => e.filename === f.files.hr_payroll)!.import_error_id;
    const sales = errors.find((e) => e.filename === f.files.sales_daily)!.import_error_id;
    expect((await f.call(`/api/v1/importErrors/${sales}`, portal)).status).toBe(200);
    expect(normal(await f.call(`/api/v1/importErrors/${hr}`, portal), String(hr))).toEqual(normal(await f.call("/api/v1/importErrors/99999", portal), "99999"));

    const events = ok(await f.call("/api/v1/eventLogs?event=fixture", f.tokens.read)).event_logs as Array<{ event_log_id: number; dag_id: string | null }>;
    for (const e of events) {
      const r = await f.call(`/api/v1/eventLogs/${e.event_log_id}`, portal);
      expect(r.status, String(e.dag_id)).toBe(e.dag_id === "sales_daily" ? 200 : 404);
    }
  });

  it("answer every change as for a DAG that does not exist: 403 without the scope, 400 for a bad body, 404 otherwise, and change nothing", async () => {
    const doc = ok(await f.call("/openapi.json", f.tokens.admin)) as { paths: Record<string, Record<string, unknown>> };
    const valid: Record<string, unknown> = {
      "patch /api/v1/dags/{dag_id}": { is_paused: true },
      "post /api/v1/dags/{dag_id}/dagRuns": { dag_run_id: "injected" },
      "patch /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}": { state: "failed" },
      "post /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/clear": { dry_run: false },
      "patch /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/setNote": { note: "injected" },
      "post /api/v1/dags/{dag_id}/clearTaskInstances": { dry_run: false, only_failed: false },
      "post /api/v1/dags/{dag_id}/updateTaskInstancesState": { dry_run: false, task_id: "work", dag_run_id: HR_RUN, new_state: "failed" },
      "patch /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}": { dry_run: false, new_state: "failed" },
      "patch /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}": { dry_run: false, new_state: "failed" },
    };
    let changes = 0;
    for (const [template, methods] of Object.entries(doc.paths)) {
      if (!template.includes("{dag_id}")) continue;
      for (const method of Object.keys(methods).filter((m) => ["post", "patch", "put", "delete"].includes(m))) {
        const path = (dagId: string) => template.replace("{dag_id}", dagId).replace("{dag_run_id}", enc(HR_RUN)).replace("{task_id}", "work").replace("{map_index}", "0");
        const key = `${method} ${template}`;
        for (const body of [valid[key], { unknown_field: 1 }]) {
          const init = { method: method.toUpperCase(), ...(method === "delete" ? {} : { body: body ?? {} }) };
          for (const token of [f.tokens.portalRead, f.tokens.portalEdit]) {
            const hidden = await f.call(path("hr_payroll"), token, init);
            const missing = await f.call(path("no_such_dag"), token, init);
            expect(normal(hidden, "hr_payroll"), `${key} ${JSON.stringify(init.body)}`).toEqual(normal(missing, "no_such_dag"));
            if (token === f.tokens.portalRead) expect(hidden.status, key).toBe(403);
            else if (body === valid[key] && (body !== undefined || method === "delete")) expect(hidden.status, key).toBe(404);
          }
        }
        changes++;
      }
    }
    expect(changes).toBeGreaterThanOrEqual(10);
    const hr = ok(await f.call("/api/v1/dags/hr_payroll", f.tokens.admin));
    expect(hr.is_paused).toBe(false);
    const runs = ok(await f.call("/api/v1/dags/hr_payroll/dagRuns", f.tokens.admin)).dag_runs as Array<{ dag_run_id: string; state: string; note: string | null }>;
    expect(runs.map((r) => [r.dag_run_id, r.state, r.note])).toEqual([[HR_RUN, "success", null]]);
    expect(ok(await f.call(`/api/v1/dags/hr_payroll/dagRuns/${HR_RUN}/taskInstances/work`, f.tokens.admin)).state).toBe("success");
  });

  it("lets an edit token restricted to DAGs change its own DAGs", async () => {
    const r = await f.call("/api/v1/dags/finance_daily", f.tokens.portalEdit, { method: "PATCH", body: { is_paused: true } });
    expect(ok(r).is_paused).toBe(true);
    ok(await f.call("/api/v1/dags/finance_daily", f.tokens.portalEdit, { method: "PATCH", body: { is_paused: false } }));
  });
});

describe("routes that are not about DAGs", () => {
  it("refuse DAG-restricted credentials (403) but serve them the version, the OpenAPI document and their identity", async () => {
    for (const path of ["/api/v1/variables", "/api/v1/connections", "/api/v1/pools", "/api/v1/pools/default_pool", "/api/v1/config", "/metrics", "/api/updraft/bundles/x"]) {
      const r = await f.call(path, f.tokens.portalEdit);
      expect(r.status, path).toBe(403);
      expect(r.body.detail, path).toMatch(/restricted to the DAGs "sales_\*", "finance_daily"/);
    }
    expect((await f.call("/api/v1/variables", f.tokens.read)).status).toBe(200);
    expect((await f.call("/api/v1/version", f.tokens.portalRead)).status).toBe(200);
    expect((await f.call("/openapi.json", f.tokens.portalRead)).status).toBe(200);
    expect(ok(await f.call("/api/updraft/ui/me", f.tokens.portalRead))).toEqual({
      name: expect.stringMatching(/^token:\d+$/), scope: "read", dags: ["sales_*", "finance_daily"], can: { trigger: false, edit: false, admin: false },
    });
  });
});

/** Reads an SSE response until `until` holds for the events so far or `ms` pass; returns the events. */
async function readEvents(res: Response, until: (events: Array<Record<string, any>>) => boolean, ms = 15_000): Promise<Array<Record<string, any>>> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const events: Array<Record<string, any>> = [];
  const deadline = Date.now() + ms;
  try {
    while (!until(events) && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now())))]);
      if (chunk === null || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
      const blocks = text.split("\n\n");
      text = blocks.pop()!;
      for (const b of blocks) {
        const data = b.split("\n").find((l) => l.startsWith("data: "));
        if (data) events.push(JSON.parse(data.slice(6)));
      }
    }
  } finally {
    await reader.cancel();
  }
  return events;
}

describe("GET /api/updraft/events", () => {
  const stream = (token: string, query = "") => f.app.request(`/api/updraft/events${query}`, { headers: { authorization: `Bearer ${token}` } });

  it("carries only the allowed DAGs' run and task events", async () => {
    const portal = await stream(f.tokens.portalRead);
    const all = await stream(f.tokens.read);
    const ended = (dagId: string) => (es: Array<Record<string, any>>) => es.some((e) => e.type === "run" && e.dag_id === dagId && e.state === "success");
    await f.scheduler.triggerRun("hr_payroll", { runId: "hr_live" });
    const hrDone = readEvents(all, ended("hr_payroll"));
    expect((await hrDone).some((e) => e.dag_id === "hr_payroll" && e.type === "task")).toBe(true);
    await f.scheduler.triggerRun("sales_daily", { runId: "sales_live" });
    const seen = await readEvents(portal, ended("sales_daily"));
    expect(seen.filter((e) => e.type === "task").map((e) => e.dag_id)).toContain("sales_daily");
    expect(ids(seen as Array<{ dag_id: string }>)).toEqual(["sales_daily"]);
  }, 30_000);

  it("sends no snapshot of another DAG's run, as for a missing one", async () => {
    const query = `?dag_id=hr_payroll&run_id=${HR_RUN}`;
    expect((await readEvents(await stream(f.tokens.read, query), (es) => es.length >= 2, 2000)).map((e) => e.type)).toEqual(["task", "run"]);
    expect(await readEvents(await stream(f.tokens.portalRead, query), (es) => es.length > 0, 500)).toEqual([]);
  });
});
