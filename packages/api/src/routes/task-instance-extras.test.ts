// A task instance's note, what holds it back (the scheduler's own checks) and its extra links.
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { taskInstance } from "@updraft/store";
import { makeExtrasFixture, type ExtrasFixture } from "./extras.fixture.ts";

let f: ExtrasFixture;
beforeEach(async () => {
  f = await makeExtrasFixture();
});
afterEach(() => f.close());

const ti = "/api/v1/dags/sales_daily/dagRuns/scheduled__1/taskInstances";

describe("PATCH …/taskInstances/{task_id}/setNote", () => {
  it("sets the note and answers the task instance", async () => {
    const r = await f.call("PATCH", `${ti}/extract/setNote`, f.tokens.edit, { note: "looked at it" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ task_id: "extract", dag_run_id: "scheduled__1", map_index: -1, note: "looked at it" });
    expect((await f.call("GET", `${ti}/extract`, f.tokens.read)).body.note).toBe("looked at it");
  });

  it("refuses a read token, a note over 1000 characters, a missing note, and a map index of an unmapped task", async () => {
    expect((await f.call("PATCH", `${ti}/extract/setNote`, f.tokens.read, { note: "x" })).status).toBe(403);
    expect((await f.call("PATCH", `${ti}/extract/setNote`, f.tokens.edit, { note: "x".repeat(1001) })).body.detail).toMatch(/note/);
    expect((await f.call("PATCH", `${ti}/extract/setNote`, f.tokens.edit, {})).status).toBe(400);
    expect((await f.call("PATCH", `${ti}/extract/0/setNote`, f.tokens.edit, { note: "x" })).status).toBe(404);
    expect((await f.call("PATCH", `${ti}/extract/x/setNote`, f.tokens.edit, { note: "x" })).status).toBe(400);
    expect((await f.call("PATCH", `${ti}/nope/setNote`, f.tokens.edit, { note: "x" })).status).toBe(404);
  });
});

describe("GET …/dependencies", () => {
  const deps = async (run: string, task: string) => (await f.call("GET", `/api/v1/dags/sales_daily/dagRuns/${run}/taskInstances/${task}/dependencies`, f.tokens.read)).body.dependencies as Array<{ name: string; reason: string }>;

  it("names the trigger rule while the upstream task is still running", async () => {
    const d = await deps("scheduled__1", "load");
    expect(d.map((x) => x.name)).toEqual(["Trigger Rule"]);
    expect(d[0]!.reason).toMatch(/all_success/);
  });

  it("is empty once nothing holds the instance back", async () => {
    await f.store.write((tx) => tx.update(taskInstance).set({ state: "success" })
      .where(and(eq(taskInstance.runId, "scheduled__1"), eq(taskInstance.taskId, "extract"))));
    expect(await deps("scheduled__1", "load")).toEqual([]);
  });

  it("names the instance's state and the run's state when it has finished", async () => {
    const d = await deps("scheduled__0", "load");
    expect(d.map((x) => x.name)).toEqual(["Task Instance State", "Dagrun Running"]);
    expect(d[0]!.reason).toContain("'upstream_failed'");
    expect(d[1]!.reason).toContain("'failed'");
    expect((await deps("scheduled__1", "extract")).map((x) => x.name)).toEqual(["Task Instance State"]);
  });

  it("answers 404 for an unknown task, and 400 for a map index that is not a number", async () => {
    expect((await f.call("GET", `${ti}/nope/dependencies`, f.tokens.read)).status).toBe(404);
    expect((await f.call("GET", `${ti}/load/x/dependencies`, f.tokens.read)).status).toBe(400);
  });
});

describe("GET …/links", () => {
  it("is an empty list (no operator defines extra links yet), and a 404 for an unknown task", async () => {
    expect((await f.call("GET", `${ti}/load/links`, f.tokens.read)).body).toEqual({ extra_links: [] });
    expect((await f.call("GET", `${ti}/nope/links`, f.tokens.read)).status).toBe(404);
  });
});
