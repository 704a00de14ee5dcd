// Contract 1 trigger rules and Contract 2 run state, against Airflow 2.10's TriggerRuleDep
// (and Airflow 3.1 for all_done_min_one_success, which 2.10 does not have).
import { describe, expect, it } from "vitest";
import { dagsTest, sortedTis, sortTis, ti, TEST_TIMEOUT, describe as show, type Ti } from "./run-cli.ts";

// Every tr_<rule> fixture: ok1 ok2 succeed, bad1 (throws) bad2 (FailTask) fail, skip1 skip2 skip
// (SkipTask); each d_* task has the rule and waits on one combination of them.
const COMBOS = ["d_ok_ok", "d_ok_bad_skip", "d_ok_skip", "d_ok_bad", "d_bad_bad", "d_skip_skip", "d_bad_skip"] as const;
const describeCombo: Record<(typeof COMBOS)[number], string> = {
  d_ok_ok: "success+success",
  d_ok_bad_skip: "success+failed+skipped",
  d_ok_skip: "success+skipped",
  d_ok_bad: "success+failed",
  d_bad_bad: "failed+failed",
  d_skip_skip: "skipped+skipped",
  d_bad_skip: "failed+skipped",
};

type Outcome = "R" | "S" | "U"; // ran (success), skipped, upstream_failed
// Outcomes per combination, in COMBOS order (Airflow's TriggerRuleDep with flag_upstream_failed).
const TABLE: Record<string, Outcome[]> = {
  all_success:                 ["R", "U", "S", "U", "U", "S", "U"],
  all_failed:                  ["S", "S", "S", "S", "R", "S", "S"],
  all_done:                    ["R", "R", "R", "R", "R", "R", "R"],
  all_done_min_one_success:    ["R", "S", "S", "R", "U", "S", "S"],
  all_skipped:                 ["S", "S", "S", "S", "S", "R", "S"],
  one_success:                 ["R", "R", "R", "R", "U", "S", "U"],
  one_failed:                  ["S", "R", "S", "R", "R", "S", "R"],
  one_done:                    ["R", "R", "R", "R", "R", "S", "R"],
  none_failed:                 ["R", "U", "R", "U", "U", "R", "U"],
  none_failed_min_one_success: ["R", "U", "R", "U", "U", "S", "U"],
  none_skipped:                ["R", "S", "S", "R", "R", "S", "S"],
  always:                      ["R", "R", "R", "R", "R", "R", "R"],
};

const SOURCES: Ti[] = [
  ti("ok1", "success", 1, "ok1"),
  ti("ok2", "success", 1, "ok2"),
  ti("bad1", "failed", 1),
  ti("bad2", "failed", 1),
  ti("skip1", "skipped", 1),
  ti("skip2", "skipped", 1),
];

function expectedRow(id: string, o: Outcome): Ti {
  // A task that never ran keeps try_number 0 (Airflow 2.10 counts a try when it is scheduled).
  if (o === "R") return ti(id, "success", 1, `${id} ran`);
  return ti(id, o === "S" ? "skipped" : "upstream_failed", 0);
}

describe("trigger rules", () => {
  for (const [rule, outcomes] of Object.entries(TABLE)) {
    const summary = COMBOS.map((c, i) => `${describeCombo[c]}→${{ R: "runs", S: "skipped", U: "upstream_failed" }[outcomes[i]!]}`).join(", ");
    it(`${rule}: ${summary}`, async () => {
      const r = await dagsTest(`tr_${rule}`, { folder: `tr_${rule}` });
      const downstream = COMBOS.map((c, i) => expectedRow(c, outcomes[i]!));
      // The d_* tasks are the leaves: the run fails when one of them is upstream_failed.
      const runFails = outcomes.includes("U");
      expect(r.json?.dag_id, show(r)).toBe(`tr_${rule}`);
      expect(sortedTis(r.json), show(r)).toEqual(sortTis([...SOURCES, ...downstream]));
      expect(r.json?.state, show(r)).toBe(runFails ? "failed" : "success");
      expect(r.code, show(r)).toBe(runFails ? 1 : 0);
    }, TEST_TIMEOUT);
  }

  it("treats an upstream_failed upstream as a failure for all_failed/one_failed, as done for all_done/none_skipped, and neither for one_done", async () => {
    // bad fails; mid (all_success) is upstream_failed; r_<rule> waits on mid alone.
    const r = await dagsTest("tr_upstream_failed_input", { folder: "tr_upstream_failed_input" });
    const outcome: Record<string, Outcome> = {
      all_success: "U", all_failed: "R", all_done: "R", all_done_min_one_success: "U", all_skipped: "S",
      one_success: "U", one_failed: "R", one_done: "S", none_failed: "U", none_failed_min_one_success: "U",
      none_skipped: "R", always: "R",
    };
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("bad", "failed", 1),
      ti("mid", "upstream_failed", 0),
      ...Object.entries(outcome).map(([rule, o]) => expectedRow(`r_${rule}`, o)),
    ]));
    expect(r.json?.state).toBe("failed");
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT);

  it("always runs a task without waiting for its upstream to finish", async () => {
    const r = await dagsTest("tr_always_immediate", { folder: "tr_always_immediate" });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("slow", "success", 1, "slow done"),
      ti("eager", "success", 1, "ran before slow finished"),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("propagates a failure through an all_success chain as upstream_failed and fails the run", async () => {
    const r = await dagsTest("chain_upstream_failed", { folder: "chain_upstream_failed" });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("first", "success", 1, "first"),
      ti("breaks", "failed", 1),
      ti("second", "upstream_failed", 0),
      ti("third", "upstream_failed", 0),
    ]));
    expect(r.json?.state).toBe("failed");
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT);

  it("succeeds the run when the failed task is not a leaf and the leaf uses all_done", async () => {
    const r = await dagsTest("leaf_all_done", { folder: "leaf_all_done" });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("breaks", "failed", 1),
      ti("cleanup", "success", 1, "cleaned"),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);
});
