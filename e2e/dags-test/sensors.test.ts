// Contract 1 sensor(id, { pokeInterval, timeout, mode, softFail, exponentialBackoff }, poke).
import { describe, expect, it } from "vitest";
import { dagsTest, sortedTis, sortTis, ti, TEST_TIMEOUT, describe as show } from "./run-cli.ts";

const folder = "sensors";

describe("sensors", () => {
  it("succeeds in poke mode after a few pokes", async () => {
    const r = await dagsTest("sensor_poke", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("wait", "success", 1),
      ti("report", "success", 1, "3"),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("goes through up_for_reschedule between pokes in reschedule mode and ends success", async () => {
    const r = await dagsTest("sensor_reschedule", { folder });
    const rows = sortedTis(r.json).map((t) => (t.task_id === "wait" ? { ...t, try_number: "(own test)" } : t));
    expect(rows, show(r)).toEqual(sortTis([
      { ...ti("wait", "success", 1), try_number: "(own test)" as never },
      ti("report", "success", 1, "3"),
    ]));
    // The progress lines on stderr are the only outside view of intermediate states.
    expect(r.stderr).toMatch(/\bwait up_for_reschedule\b/);
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  // Airflow 2.10 does not count a reschedule as a try (DagRun.schedule_tis leaves try_number
  // alone for up_for_reschedule).
  it("keeps try_number 1 across the pokes of a reschedule-mode sensor", async () => {
    const r = await dagsTest("sensor_reschedule", { folder });
    expect(sortedTis(r.json).find((t) => t.task_id === "wait")?.try_number, show(r)).toBe(1);
  }, TEST_TIMEOUT);

  // Waiting must not use up retries: pokes 1-3 are false and poke 4 throws; with retries: 1 the
  // sensor goes up_for_retry and try 2 succeeds (poke 5), as in Airflow.
  it("retries a reschedule-mode sensor whose poke throws, since reschedules are not tries", async () => {
    const r = await dagsTest("sensor_reschedule_retry", { folder });
    expect(sortedTis(r.json), show(r)).toEqual([ti("wait", "success", 2)]);
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("fails a sensor that times out, and its downstream is upstream_failed", async () => {
    const r = await dagsTest("sensor_timeout", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("wait", "failed", 1),
      ti("after", "upstream_failed", 0),
    ]));
    expect(r.json?.state).toBe("failed");
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT);

  it("fails a reschedule-mode sensor that times out", async () => {
    const r = await dagsTest("sensor_timeout_reschedule", { folder });
    const rows = sortedTis(r.json).map((t) => ({ ...t, try_number: "(see reschedule bug)" }));
    expect(rows, show(r)).toEqual([{ ...ti("wait", "failed", 1), try_number: "(see reschedule bug)" }]);
    expect(r.json?.state).toBe("failed");
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT);

  it("does not retry a sensor time-out even with retries (Airflow's AirflowSensorTimeout)", async () => {
    const r = await dagsTest("sensor_timeout_retries", { folder });
    expect(sortedTis(r.json), show(r)).toEqual([ti("wait", "failed", 1)]);
    expect(r.json?.state).toBe("failed");
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT);

  it("skips a softFail sensor that times out, and its all_success downstream", async () => {
    const r = await dagsTest("sensor_soft_fail", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("wait", "skipped", 1),
      ti("after", "skipped", 0),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("makes the value of { done: true, value } the sensor's XCom and passes it downstream", async () => {
    const r = await dagsTest("sensor_value", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("find_file", "success", 1, { path: "/data/in.csv", pokes: 2 }),
      ti("use", "success", 1, "using /data/in.csv"),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("succeeds with exponential backoff between pokes", async () => {
    const r = await dagsTest("sensor_backoff", { folder });
    expect(sortedTis(r.json), show(r)).toEqual([ti("wait", "success", 1)]);
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  // Airflow's sensor reads a poke's result with `if is_done:`: [] is not done, ["in.csv"] is.
  it("reads a poke's result by Python's truth test: [] is not done, a non-empty list is", async () => {
    const r = await dagsTest("sensor_falsy_poke", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("wait", "success", 1),
      ti("report", "success", 1, "3"),
    ]));
    expect(r.json?.state).toBe("success");
  }, TEST_TIMEOUT);

  it("skips a softFail sensor whose poke throws FailTask, without retrying (test_soft_fail_with_skip_exception)", async () => {
    const r = await dagsTest("sensor_soft_fail_fail_task", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("wait", "skipped", 1),
      ti("after", "skipped", 0),
    ]));
    expect(r.json?.state).toBe("success");
  }, TEST_TIMEOUT);

  it("skips a softFail sensor that passes its executionTimeout", async () => {
    const r = await dagsTest("sensor_soft_fail_execution_timeout", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("wait", "skipped", 1),
      ti("after", "skipped", 0),
    ]));
    expect(r.json?.state).toBe("success");
  }, TEST_TIMEOUT);

  it("fails and retries a softFail sensor whose poke throws another error (test_soft_fail_with_exception)", async () => {
    const r = await dagsTest("sensor_soft_fail_error", { folder });
    expect(sortedTis(r.json), show(r)).toEqual([ti("wait", "failed", 2)]);
    expect(r.json?.state).toBe("failed");
  }, TEST_TIMEOUT);
});
