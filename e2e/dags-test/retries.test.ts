// Contract 1 task options retries/retryDelay/retryExponentialBackoff/maxRetryDelay, FailTask;
// Contract 2 retries (XComs of a failed try are cleared). Outcomes only, never timing.
import { describe, expect, it } from "vitest";
import { dagsTest, sortedTis, ti, TEST_TIMEOUT, describe as show } from "./run-cli.ts";

const folder = "retries";

describe("retries", () => {
  it("succeeds on try 3 when a task with retries: 2 fails twice", async () => {
    const r = await dagsTest("retry_flaky", { folder });
    expect(sortedTis(r.json), show(r)).toEqual([ti("flaky", "success", 3, "succeeded on try 3")]);
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("fails on try 2 when a task with retries: 1 always fails", async () => {
    const r = await dagsTest("retry_always_fails", { folder });
    expect(sortedTis(r.json), show(r)).toEqual([ti("always_fails", "failed", 2)]);
    expect(r.json?.state).toBe("failed");
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT);

  it("fails at try 1 when a task throws FailTask, ignoring retries: 3", async () => {
    const r = await dagsTest("retry_fail_task", { folder });
    expect(sortedTis(r.json), show(r)).toEqual([ti("gives_up", "failed", 1)]);
    expect(r.json?.state).toBe("failed");
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT);

  it("retries with exponential backoff capped by maxRetryDelay until the task succeeds", async () => {
    const r = await dagsTest("retry_backoff", { folder });
    expect(sortedTis(r.json), show(r)).toEqual([ti("backs_off", "success", 4, 4)]);
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("takes retries from defaultArgs", async () => {
    const r = await dagsTest("retry_default_args", { folder });
    expect(sortedTis(r.json), show(r)).toEqual([ti("second_time_lucky", "success", 2, 2)]);
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("clears the XComs pushed by a failed try once a retry succeeds", async () => {
    const r = await dagsTest("retry_xcom_cleared", { folder });
    expect(sortedTis(r.json), show(r)).toEqual([
      ti("consumer", "success", 1, { stale: null, value: "from try 2" }),
      ti("producer", "success", 2, "from try 2"),
    ]);
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  // Airflow's test_next_retry_datetime_short_or_zero_intervals: with backoff, never under 1 s.
  it("waits at least 1 s before retrying with exponential backoff and a retryDelay of 0", async () => {
    const r = await dagsTest("retry_backoff_floor", { folder });
    expect(sortedTis(r.json), show(r)).toEqual([ti("quick_retry", "success", 2, "waited at least 1s")]);
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);
});
