import { afterEach, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { taskInstance } from "@updraft/store";
import { dag, task, branch, shortCircuit, chain, type Json } from "@updraft/sdk";
import { buildTaskGroups, type RunModel } from "./run-model.ts";
import { branchDecision, shortCircuitSkips, skippedByDecision } from "./skip-decisions.ts";
import { dagFile, testEngines } from "../testing/engine.ts";

const engines = testEngines();
afterEach(() => engines.cleanup());

// pick ─┬─ left ── after_left ─┐
//       ├─ right ──────────────┼─ join
//       └──────────────────────┘
// gate ── op1 ── op2     gate_direct ── d1 ── d2
const serialized = dag({ id: "s" }, () => {
  const leg = (id: string) => task(id, () => id);
  const pick = branch("pick", () => "left")();
  const left = leg("left")().after(pick);
  const right = leg("right")().after(pick);
  const afterLeft = leg("after_left")().after(left);
  leg("join")().after(afterLeft, right, pick);
  const gate = shortCircuit("gate", () => false)();
  chain(gate, leg("op1")(), leg("op2")());
  const direct = shortCircuit("gate_direct", { ignoreDownstreamTriggerRules: false }, () => false)();
  chain(direct, leg("d1")(), leg("d2")());
}).serialize(() => null);

const run = { tasks: buildTaskGroups(serialized) } as RunModel;
const group = (id: string) => run.tasks.get(id)!;

describe("branchDecision (Airflow's skip_all_except)", () => {
  it.each([
    ["follows one direct target and a join it reaches", "left", ["join", "left"], ["right"]],
    ["follows a list of targets", ["left", "right"], ["join", "left", "right"], []],
    ["follows a target two levels down through nothing direct but the join below it", "after_left", ["join"], ["left", "right"]],
    ["skips every direct downstream task for null", null, [], ["left", "right", "join"]],
  ] as const)("%s", (_name, value, followed, skip) => {
    expect(branchDecision(run, group("pick"), value as Json)).toEqual({ followed, skip });
  });
});

describe("shortCircuitSkips", () => {
  it("skips everything downstream by default (ignoreDownstreamTriggerRules)", () => {
    expect(shortCircuitSkips(run, group("gate")).sort()).toEqual(["op1", "op2"]);
  });

  it("skips only the direct downstream with ignoreDownstreamTriggerRules: false", () => {
    expect(shortCircuitSkips(run, group("gate_direct"))).toEqual(["d1"]);
  });
});

describe("skippedByDecision (Airflow's NotPreviouslySkippedDep)", () => {
  it.each([
    ["a task a branch did not follow", "right", [{ followed: ["left"] }], true],
    ["a task a branch followed", "left", [{ followed: ["left"] }], false],
    ["a task a short circuit skipped", "op1", [{ skipped: ["op1", "op2"] }], true],
    ["a task a short circuit did not skip", "other", [{ skipped: ["op1"] }], false],
    ["no decision recorded", "left", [], false],
    ["one of two decisions says skip", "join", [{ followed: ["join"] }, { skipped: ["join"] }], true],
  ] as const)("%s → %s", (_name, taskId, decisions, expected) => {
    expect(skippedByDecision(taskId, decisions as unknown as Json[])).toBe(expected);
  });
});

describe("branching in a run", { timeout: 60_000 }, () => {
  it("does not skip a join that a followed branch also leads to", async () => {
    const e = await engines.open();
    await e.writeDag("join.ts", dagFile(`export default dag({ id: "join" }, () => {
  const pick = branch("pick", () => "a");
  const a = task("a", () => 1);
  const b = task("b", () => 2);
  const join = task({ id: "join", triggerRule: "none_failed_min_one_success" }, () => 3);
  const p = pick();
  const ao = a().after(p);
  b().after(p);
  join().after(p, ao);
});`, "dag, task, branch"));
    await e.parseOk();
    await e.start();
    const { runId } = await e.scheduler.triggerRun("join");
    expect(await e.waitForRunEnd("join", runId)).toBe("success");
    const rows = await e.store.db.select().from(taskInstance).where(eq(taskInstance.runId, runId)).orderBy(asc(taskInstance.taskId));
    expect(rows.map((r) => [r.taskId, r.state])).toEqual([["a", "success"], ["b", "skipped"], ["join", "success"], ["pick", "success"]]);
  });
});
