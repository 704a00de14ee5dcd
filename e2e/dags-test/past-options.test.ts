// Contract 1 task options waitForDownstream, ignoreFirstDependsOnPast and
// waitForPastDependsBeforeSkipping (Airflow's PrevDagrunDep and TriggerRuleDep). Several runs of
// one DAG in one home, at successive logical dates.
import { afterEach, describe, expect, it } from "vitest";
import { dagsTest, freshHome, ownDagsFolder, removeHome, replaceDagFile, sortedTis, sortTis, ti, TEST_TIMEOUT, describe as show } from "./run-cli.ts";

const folder = "past_options";
const homes: string[] = [];
afterEach(async () => {
  for (const h of homes.splice(0)) await removeHome(h);
});

async function home(): Promise<string> {
  const h = await freshHome();
  homes.push(h);
  return h;
}

const DAY1 = "2026-01-01T00:00:00Z";
const DAY2 = "2026-01-02T00:00:00Z";

describe("past options", () => {
  it("waitForDownstream holds a task until its downstream succeeded in the previous run", async () => {
    const h = await home();
    const first = await dagsTest("past_wait_for_downstream", { folder, home: h, logicalDate: DAY1, conf: { fail_report: true } });
    expect(first.json?.state, show(first)).toBe("failed");
    const second = await dagsTest("past_wait_for_downstream", { folder, home: h, logicalDate: DAY2 });
    expect(sortedTis(second.json), show(second)).toEqual(sortTis([
      ti("load", "skipped", 0), // never ran: held until the dagrunTimeout settled it
      ti("report", "skipped", 0),
    ]));
    expect(second.json?.state).toBe("failed");
  }, TEST_TIMEOUT);

  it("dependsOnPast alone looks at the task itself, not its downstream", async () => {
    const h = await home();
    await dagsTest("past_depends_only", { folder, home: h, logicalDate: DAY1, conf: { fail_report: true } });
    const second = await dagsTest("past_depends_only", { folder, home: h, logicalDate: DAY2 });
    expect(sortedTis(second.json), show(second)).toEqual(sortTis([
      ti("load", "success", 1, "loaded"),
      ti("report", "success", 1, "reported"),
    ]));
  }, TEST_TIMEOUT);

  it("waitForPastDependsBeforeSkipping holds a skip until the previous run allows the task", async () => {
    const h = await home();
    const first = await dagsTest("past_wait_before_skipping", { folder, home: h, logicalDate: DAY1, conf: { fail_step: true } });
    expect(first.json?.state, show(first)).toBe("failed");
    const second = await dagsTest("past_wait_before_skipping", { folder, home: h, logicalDate: DAY2, conf: { skip: true } });
    expect(sortedTis(second.json), show(second)).toEqual(sortTis([ti("maybe", "skipped", 1), ti("step", "skipped", 0)]));
    // Held: the skip never happened, the run timed out instead of succeeding.
    expect(second.json?.state).toBe("failed");
  }, TEST_TIMEOUT);

  it("without waitForPastDependsBeforeSkipping a dependsOnPast task is skipped at once", async () => {
    const h = await home();
    await dagsTest("past_skip_at_once", { folder, home: h, logicalDate: DAY1, conf: { fail_step: true } });
    const second = await dagsTest("past_skip_at_once", { folder, home: h, logicalDate: DAY2, conf: { skip: true } });
    expect(sortedTis(second.json), show(second)).toEqual(sortTis([ti("maybe", "skipped", 1), ti("step", "skipped", 0)]));
    expect(second.json?.state).toBe("success");
  }, TEST_TIMEOUT);

  it("ignoreFirstDependsOnPast (the default) lets a new task's first instance run; false makes it wait", async () => {
    const h = await home();
    const dags = await ownDagsFolder("past_growing_versions/v1.ts", "past_growing.ts");
    homes.push(dags);
    const first = await dagsTest("past_growing", { folder: dags, home: h, logicalDate: DAY1 });
    expect(first.json?.state, show(first)).toBe("success");
    await replaceDagFile(dags, "past_growing_versions/v2.ts", "past_growing.ts");
    const second = await dagsTest("past_growing", { folder: dags, home: h, logicalDate: DAY2 });
    expect(sortedTis(second.json), show(second)).toEqual(sortTis([
      ti("old", "success", 1, "old ran"),
      ti("new_default", "success", 1, "new_default ran"),
      ti("new_strict", "skipped", 0), // waited for a previous instance that does not exist
    ]));
    expect(second.json?.state).toBe("failed");
  }, TEST_TIMEOUT);
});
