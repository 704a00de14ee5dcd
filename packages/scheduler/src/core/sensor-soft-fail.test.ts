import { describe, expect, it } from "vitest";
import type { SensorSpec } from "@updraft/sdk";
import type { TaskOutcome } from "@updraft/worker";
import { softFailOutcome } from "./sensor-soft-fail.ts";

const sensor: SensorSpec = { pokeIntervalMs: 60_000, timeoutMs: 3_600_000, mode: "poke", softFail: true, exponentialBackoff: false };
const soft = { kind: "sensor" as const, sensor };
const hard = { kind: "sensor" as const, sensor: { ...sensor, softFail: false } };
const plainTask = { kind: "task" as const, sensor: null };

const timedOut: TaskOutcome = { status: "failed", retryable: true, error: { name: "TaskTimeoutError", message: 'task "d.wait" (try 1) exceeded executionTimeout of 300ms' } };
const crashed: TaskOutcome = { status: "failed", retryable: true, error: { name: "Error", message: "network down" } };
const success: TaskOutcome = { status: "success", value: 1, pushed: {} };

describe("softFailOutcome", () => {
  it.each([
    ["skips a softFail sensor that passed its executionTimeout", soft, timedOut, "skipped"],
    ["fails a sensor without softFail that passed its executionTimeout", hard, timedOut, "failed"],
    ["fails a softFail sensor whose poke raised another error (retries apply)", soft, crashed, "failed"],
    ["fails a task that is not a sensor on its executionTimeout", plainTask, timedOut, "failed"],
    ["leaves a success alone", soft, success, "success"],
  ] as const)("%s", (_name, spec, outcome, status) => {
    expect(softFailOutcome(spec, outcome).status).toBe(status);
  });

  it("says why it skipped", () => {
    expect(softFailOutcome(soft, timedOut)).toEqual({ status: "skipped", reason: 'task "d.wait" (try 1) exceeded executionTimeout of 300ms (softFail)', pushed: {} });
  });
});
