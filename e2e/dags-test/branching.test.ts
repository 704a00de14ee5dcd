// Contract 1 branch and shortCircuit (Airflow's BranchPythonOperator and ShortCircuitOperator with
// its default ignore_downstream_trigger_rules=True).
import { describe, expect, it } from "vitest";
import { dagsTest, sortedTis, sortTis, ti, TEST_TIMEOUT, describe as show, type Ti } from "./run-cli.ts";

const folder = "branching";
const ELSEWHERE = "(asserted in its own test)";

/** The branch task's return_value is checked by a separate test (see the bug below). */
function maskReturnValue(rows: Ti[], taskId: string): Ti[] {
  return rows.map((t) => (t.task_id === taskId ? { ...t, return_value: ELSEWHERE } : t));
}

describe("branch", () => {
  it("skips the other direct downstream tasks when a branch returns one task id", async () => {
    const r = await dagsTest("branch_one", { folder });
    expect(maskReturnValue(sortedTis(r.json), "pick"), show(r)).toEqual(sortTis([
      ti("pick", "success", 1, ELSEWHERE),
      ti("left", "success", 1, "left ran"),
      ti("middle", "skipped", 0),
      ti("right", "skipped", 0),
      ti("after_right", "skipped", 0),
      ti("join", "success", 1, "joined"),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  // Contract 1: the return value of fn is the task's return_value XCom; Airflow's
  // BranchPythonOperator likewise pushes what the callable returned ("left", not ["left"]).
  it("records the branch callable's own return value (a single id) as return_value", async () => {
    const r = await dagsTest("branch_one", { folder });
    expect(sortedTis(r.json).find((t) => t.task_id === "pick")?.return_value, show(r)).toBe("left");
  }, TEST_TIMEOUT);

  it("runs every listed task and skips the rest when a branch returns a list of ids", async () => {
    const r = await dagsTest("branch_many", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("pick", "success", 1, ["left", "right"]),
      ti("left", "success", 1, "left ran"),
      ti("middle", "skipped", 0),
      ti("right", "success", 1, "right ran"),
      ti("join", "success", 1, "joined"),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  // Airflow's skip_all_except accepts any task id of the DAG and follows the targets and what
  // lies below them: "child" and "other" are neither, so both are skipped, and "grandchild"
  // (all_success) is skipped after its skipped upstream.
  it("accepts a target below its direct downstream tasks and skips the direct ones not leading there, as Airflow", async () => {
    const r = await dagsTest("branch_not_direct", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("pick", "success", 1, "grandchild"),
      ti("child", "skipped", 0),
      ti("other", "skipped", 0),
      ti("grandchild", "skipped", 0),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("follows a target two levels down: both legs skipped, the none_failed join runs", async () => {
    const r = await dagsTest("branch_deep_target", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("pick", "success", 1, "join"),
      ti("left", "skipped", 0),
      ti("right", "skipped", 0),
      ti("join", "success", 1, "joined"),
    ]));
    expect(r.json?.state).toBe("success");
  }, TEST_TIMEOUT);

  it("fails the branch task when it returns an id that is not in the DAG, naming it", async () => {
    const r = await dagsTest("branch_unknown", { folder });
    expect(r.stderr, show(r)).toContain('returned task ids that are not in dag "branch_unknown": "no_such_task"');
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("pick", "failed", 1),
      ti("child", "upstream_failed", 0),
      ti("other", "upstream_failed", 0),
    ]));
    expect(r.json?.state).toBe("failed");
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT);
});

describe("shortCircuit", () => {
  it("skips everything downstream of a falsy short circuit, even all_done and none_failed tasks", async () => {
    const r = await dagsTest("short_circuit_falsy", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("gate", "success", 1, false),
      ti("unrelated", "success", 1, "unrelated ran"),
      ti("next", "skipped", 0),
      ti("cleanup_all_done", "skipped", 0),
      ti("join_unrelated", "skipped", 0),
      ti("none_failed_after", "skipped", 0),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("lets the downstream run after a truthy short circuit", async () => {
    const r = await dagsTest("short_circuit_truthy", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("gate", "success", 1, 42),
      ti("next", "success", 1, "next ran"),
      ti("cleanup_all_done", "success", 1, "cleanup ran"),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  // Airflow's ShortCircuitOperator tests `if condition:`: [] {} 0 "" None are falsy, [0] is not.
  it("takes [], {}, 0, \"\" and null as falsy by Python's rules and skips their downstream", async () => {
    const r = await dagsTest("short_circuit_python_falsy", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("gate_empty_list", "success", 1, []),
      ti("after_empty_list", "skipped", 0),
      ti("gate_empty_dict", "success", 1, {}),
      ti("after_empty_dict", "skipped", 0),
      ti("gate_zero", "success", 1, 0),
      ti("after_zero", "skipped", 0),
      ti("gate_empty_string", "success", 1, ""),
      ti("after_empty_string", "skipped", 0),
      ti("gate_nothing", "success", 1, null),
      ti("after_nothing", "skipped", 0),
      ti("gate_list_of_zero", "success", 1, [0]),
      ti("after_list_of_zero", "success", 1, "after_list_of_zero ran"),
    ]));
    expect(r.json?.state).toBe("success");
  }, TEST_TIMEOUT);

  it("skips only the direct downstream with ignoreDownstreamTriggerRules: false; the rest follow their rules", async () => {
    const r = await dagsTest("short_circuit_direct_only", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("gate", "success", 1, false),
      ti("op1", "skipped", 0),
      ti("op2_all_done", "success", 1, "op2 ran"),
      ti("op3_all_success", "skipped", 0),
    ]));
    expect(r.json?.state).toBe("success");
  }, TEST_TIMEOUT);
});
