import { describe, expect, it } from "vitest";
import { MAX_RETRY_DELAY_MS, retryDelayMs } from "./retry.ts";

const S = 1_000;
const H = 3_600 * S;

describe("retryDelayMs", () => {
  const plain = { retryDelayMs: 30 * S, retryExponentialBackoff: false, maxRetryDelayMs: null };
  const backoff = { ...plain, retryExponentialBackoff: true };

  it.each([
    ["waits retryDelay after every try without backoff", plain, 1, 30 * S],
    ["keeps the same delay on later tries without backoff", plain, 5, 30 * S],
    ["ignores maxRetryDelay without backoff, as Airflow does", { ...plain, maxRetryDelayMs: 10 * S }, 2, 30 * S],
    ["waits retryDelay after the first try with backoff", backoff, 1, 30 * S],
    ["doubles after the second try", backoff, 2, 60 * S],
    ["doubles again after the third try", backoff, 3, 120 * S],
    ["reaches retryDelay * 2^(n-1) after try n", backoff, 6, 960 * S],
    ["caps the backoff at maxRetryDelay", { ...backoff, maxRetryDelayMs: 100 * S }, 3, 100 * S],
    ["treats a maxRetryDelay of 0 as no cap, as Airflow does", { ...backoff, maxRetryDelayMs: 0 }, 3, 120 * S],
    ["caps the backoff at 24 hours by default", { ...backoff, retryDelayMs: 1 * H }, 30, MAX_RETRY_DELAY_MS],
    ["keeps millisecond delays", { ...backoff, retryDelayMs: 250 }, 2, 500],
    ["stays finite for huge try numbers", { ...backoff, retryDelayMs: 1 }, 5000, MAX_RETRY_DELAY_MS],
    ["stays 0 for a zero delay on huge try numbers", { ...backoff, retryDelayMs: 0 }, 5000, 0],
  ] as const)("%s", (_name, task, tryNumber, expected) => {
    expect(retryDelayMs(task, tryNumber)).toBe(expected);
  });

  it("rejects a try number below 1", () => {
    expect(() => retryDelayMs(backoff, 0)).toThrow("failedTryNumber must be an integer >= 1, got 0");
  });
});
