// Marking a run that has ended (so no scheduler holds it; the change is made in the store) still
// tells the live views: the scheduler emits a run event, as it does for the runs it holds, so a
// grid open in a browser shows the new state without a reload. Real parts: a libSQL file, a DAG
// file parsed by the processor, tries in worker threads.
import { afterEach, describe, expect, it } from "vitest";
import { dagFile, isRunEvent, testEngines } from "../testing/engine.ts";

const engines = testEngines();
afterEach(() => engines.cleanup());

const DAG = dagFile(`export default dag({ id: "marked" }, () => { task("one", () => 1)(); });`, "dag, task");

describe("marking an ended run", { timeout: 60_000 }, () => {
  it("emits a run event with the new state, failed then success", async () => {
    const e = await engines.open();
    await e.writeDag("dag.ts", DAG);
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("marked");
    expect(await e.waitForRun("marked", runId)).toBe("success");
    await e.scheduler.flushed();

    for (const state of ["failed", "success"] as const) {
      const from = e.events.length;
      await e.scheduler.commands.setRunState("marked", runId, state);
      const ev = await e.waitForEvent((x) => e.events.indexOf(x) >= from && isRunEvent(x) && x.runId === runId, `a run event for ${state}`);
      expect(ev).toMatchObject({ type: "run", dagId: "marked", runId, state });
    }
  });
});
