// The scheduler's pure timing and dependency logic: schedules and data intervals, retry and
// poke delays, trigger rules. No I/O; the scheduler loop calls these.
export {
  parseSchedule, describeSchedule, CRON_PRESETS, nextDataInterval, manualDataInterval, isDue,
} from "./schedule.ts";
export type { DataInterval, NextIntervalOptions } from "./schedule.ts";
export { retryDelayMs, MAX_RETRY_DELAY_MS, pythonUtcString } from "./retry.ts";
export type { RetryIdentity } from "./retry.ts";
export { evaluateTriggerRule, summarizeUpstream } from "./trigger-rules.ts";
export type { UpstreamSummary, TriggerDecision } from "./trigger-rules.ts";
export { isValidTimeZone } from "./wall-clock.ts";
