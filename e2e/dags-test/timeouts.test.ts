// Contract 1 executionTimeout (ctx.signal) and Contract 2 dagrunTimeout. Outcomes only.
import { describe, expect, it } from "vitest";
import { dagsTest, sortedTis, sortTis, ti, TEST_TIMEOUT, describe as show } from "./run-cli.ts";

const folder = "timeouts";

describe("timeouts", () => {
  it("fails a task that exceeds executionTimeout while honouring ctx.signal", async () => {
    const r = await dagsTest("timeout_cooperative", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("slow", "failed", 1),
      ti("after", "upstream_failed", 0),
    ]));
    expect(r.json?.state).toBe("failed");
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT);

  it("retries a timed-out task (up_for_retry) and fails it on its last try", async () => {
    const r = await dagsTest("timeout_retried", { folder });
    expect(sortedTis(r.json), show(r)).toEqual([ti("slow", "failed", 2)]);
    expect(r.stderr).toMatch(/\bslow up_for_retry\b/);
    expect(r.json?.state).toBe("failed");
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT);

  it("terminates a task that busy-loops ignoring the signal, and the run still finishes", async () => {
    const r = await dagsTest("timeout_busy_loop", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("spin", "failed", 1),
      ti("other", "success", 1, "other ran"),
      ti("cleanup", "success", 1, "cleanup ran"),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("fails the run and skips its unfinished tasks when dagrunTimeout passes", async () => {
    // Contract 2, as Airflow's scheduler does: the running task and the one not started yet
    // both end skipped; the run fails.
    const r = await dagsTest("dagrun_timeout", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("quick", "success", 1, "quick"),
      ti("slow", "skipped", 1),
      ti("later", "skipped", 0),
    ]));
    expect(r.json?.state).toBe("failed");
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT);
});
