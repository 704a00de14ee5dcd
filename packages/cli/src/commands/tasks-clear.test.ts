// `tasks clear` against a real store in a temp home, after a real run of an example DAG that
// failed (boom failed, after_boom upstream_failed): the selection, the listing before the
// question, the clear itself through the scheduler's RunCommands, and runs a scheduler holds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { dagRun, taskInstance } from "@updraft/store";
import { tasksClear } from "./tasks-clear.ts";
import { capture, verbsHome, type VerbsHome } from "./verbs-fixture.ts";

let home: VerbsHome;
beforeAll(async () => {
  home = await verbsHome();
}, 180_000);
afterAll(() => home?.cleanup());

const states = async () => Object.fromEntries((await home.store.db.select({ t: taskInstance.taskId, s: taskInstance.state }).from(taskInstance)
  .where(and(eq(taskInstance.dagId, "etl"), eq(taskInstance.runId, home.runId)))).map((r) => [r.t, r.s]));

describe("tasks clear", { timeout: 60_000 }, () => {
  it("says when nothing matches", async () => {
    const r = await capture(() => tasksClear(home.config, "etl", { taskRegex: "^nothing$", yes: true }));
    expect([r.code, r.out]).toEqual([0, "Nothing to clear.\n"]);
    expect((await capture(() => tasksClear(home.config, "etl", { onlyRunning: true, yes: true }))).out).toBe("Nothing to clear.\n");
  });

  it("lists what it would clear and refuses to go on without an answer (stdin is not a terminal)", async () => {
    let error: unknown;
    const r = await capture(() => tasksClear(home.config, "etl", { onlyFailed: true }).catch((err: unknown) => ((error = err), -1)));
    const lines = r.out.split("\n");
    expect(lines[0]).toBe("You are about to delete these 2 tasks:");
    expect(lines.slice(1, 3).sort()).toEqual([`<TaskInstance: etl.after_boom ${home.runId} [upstream_failed]>`, `<TaskInstance: etl.boom ${home.runId} [failed]>`]);
    expect(lines.slice(3)).toEqual(["", ""]);
    expect(error).toMatchObject({ name: "UsageError", message: expect.stringContaining("pass -y") });
    expect(await states()).toMatchObject({ boom: "failed", after_boom: "upstream_failed" });
  });

  it("clears the failed instances with -y, and queues their run again for a scheduler", async () => {
    const r = await capture(() => tasksClear(home.config, "etl", { onlyFailed: true, yes: true }));
    expect([r.code, r.out]).toEqual([0, "2 task instance(s) cleared\n"]);
    expect(await states()).toEqual({ extract: "success", load: "success", boom: null, after_boom: null });
    const [run] = await home.store.db.select({ state: dagRun.state }).from(dagRun).where(eq(dagRun.runId, home.runId));
    expect(run!.state).toBe("queued");
  });

  it("leaves the instances of a run a scheduler holds and exits 1, naming them", async () => {
    // The run is queued now (the clear above): a scheduler would hold it.
    const r = await capture(() => tasksClear(home.config, "etl", { taskRegex: "^extract$", downstream: true, yes: true }));
    expect(r.code).toBe(1);
    expect(r.out).toBe("Nothing to clear.\n");
    expect(r.err).toContain("2 matching task instance(s) are in runs a scheduler holds (queued or running) and were not cleared");
  });

  it("selects by regex with downstream tasks, within the date range", async () => {
    await home.store.write((tx) => tx.update(dagRun).set({ state: "success" }).where(eq(dagRun.runId, home.runId)));
    expect((await capture(() => tasksClear(home.config, "etl", { taskRegex: "^extract$", downstream: true, startDate: "2026-03-02", yes: true }))).out).toBe("Nothing to clear.\n");
    const r = await capture(() => tasksClear(home.config, "etl", { taskRegex: "^extract$", downstream: true, startDate: "2026-03-01", endDate: "2026-03-01", yes: true }));
    expect(r.out).toBe("2 task instance(s) cleared\n");
    expect(await states()).toEqual({ extract: null, load: null, boom: null, after_boom: null });
  });

  it("names a regex that does not compile", async () => {
    await expect(tasksClear(home.config, "etl", { taskRegex: "(", yes: true })).rejects.toMatchObject({ message: expect.stringContaining('task regex "(" is not a valid regular expression') });
  });
});
