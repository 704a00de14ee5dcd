import { describe, expect, it } from "vitest";
import { MAX_RETRY_DELAY_MS, pythonUtcString, retryDelayMs } from "./retry.ts";

const S = 1_000;
const H = 3_600 * S;
const ti = { dagId: "etl", taskId: "load", logicalDate: Date.UTC(2026, 0, 1) };

describe("retryDelayMs", () => {
  const plain = { retryDelayMs: 30 * S, retryExponentialBackoff: false, maxRetryDelayMs: null };
  const backoff = { ...plain, retryExponentialBackoff: true };

  // Expected values: Airflow's next_retry_datetime evaluated in Python (hashlib.sha1 of
  // "etl#load#2026-01-01 00:00:00+00:00#<try>") for the same inputs.
  it.each([
    ["waits retryDelay after every try without backoff", plain, 1, 30 * S],
    ["keeps the same delay on later tries without backoff", plain, 5, 30 * S],
    ["keeps a sub-second delay without backoff", { ...plain, retryDelayMs: 500 }, 1, 500],
    ["ignores maxRetryDelay without backoff, as Airflow does", { ...plain, maxRetryDelayMs: 10 * S }, 2, 30 * S],
    ["waits between 30 s and 60 s after the first try with backoff (39 s here)", backoff, 1, 39 * S],
    ["waits between 60 s and 120 s after the second try (111 s)", backoff, 2, 111 * S],
    ["waits between 120 s and 240 s after the third try (202 s)", backoff, 3, 202 * S],
    ["waits between 480 s and 960 s after the fifth try (595 s)", backoff, 5, 595 * S],
    ["caps the backoff at maxRetryDelay", { ...backoff, maxRetryDelayMs: 60 * 60 * S }, 9, 60 * 60 * S],
    ["treats a maxRetryDelay of 0 as no cap, as Airflow does", { ...backoff, maxRetryDelayMs: 0 }, 3, 202 * S],
    ["caps the backoff at 24 hours by default", { ...backoff, retryDelayMs: 1 * H }, 30, MAX_RETRY_DELAY_MS],
    ["never waits less than 1 s with a retryDelay of 0 (test_next_retry_datetime_short_or_zero_intervals)", { ...backoff, retryDelayMs: 0 }, 1, 1 * S],
    ["never waits less than 1 s with a retryDelay of 0.5 s", { ...backoff, retryDelayMs: 500 }, 1, 1 * S],
    ["waits exactly 1 s with a retryDelay of 1 s on the first try", { ...backoff, retryDelayMs: 1 * S }, 1, 1 * S],
    ["rounds a sub-second backoff up to whole seconds", { ...backoff, retryDelayMs: 250 }, 2, 1 * S],
    ["stays finite for huge try numbers", { ...backoff, retryDelayMs: 1 }, 5000, MAX_RETRY_DELAY_MS],
    ["waits 1 s for a zero delay on huge try numbers", { ...backoff, retryDelayMs: 0 }, 5000, 1 * S],
  ] as const)("%s", (_name, task, tryNumber, expected) => {
    expect(retryDelayMs(task, tryNumber, ti)).toBe(expected);
  });

  it("gives other task instances another jitter, so they do not retry all at once", () => {
    expect(retryDelayMs(backoff, 3, { ...ti, taskId: "extract" })).toBe(206 * S);
    expect(retryDelayMs(backoff, 3, { ...ti, logicalDate: ti.logicalDate + 250 })).toBe(136 * S);
  });

  it("stays within [b, 2b) of the lower bound b for any task instance", () => {
    for (let i = 0; i < 200; i++) {
      const d = retryDelayMs(backoff, 2, { ...ti, taskId: `t${i}` });
      expect(d).toBeGreaterThanOrEqual(60 * S);
      expect(d).toBeLessThan(120 * S);
    }
  });

  it("rejects a try number below 1", () => {
    expect(() => retryDelayMs(backoff, 0, ti)).toThrow("failedTryNumber must be an integer >= 1, got 0");
  });
});

describe("pythonUtcString", () => {
  it.each([
    ["prints whole seconds without a fraction", Date.UTC(2026, 0, 1), "2026-01-01 00:00:00+00:00"],
    ["prints milliseconds as microseconds", Date.UTC(2026, 10, 22, 16, 19, 28, 594), "2026-11-22 16:19:28.594000+00:00"],
  ] as const)("%s", (_name, ms, expected) => {
    expect(pythonUtcString(ms)).toBe(expected);
  });
});
