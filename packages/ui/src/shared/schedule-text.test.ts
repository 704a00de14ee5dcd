// describeSchedule: presets, intervals and the common cron shapes in words; the rest as written.
import { describe, expect, it } from "vitest";
import { describeSchedule } from "./schedule-text.ts";

describe("describeSchedule", () => {
  it.each([
    [null, "Manual only"],
    ["None", "Manual only"],
    ["@daily", "Every day at 00:00"],
    ["@once", "Once"],
    ["every 5m", "Every 5 minutes"],
    ["every 1h", "Every hour"],
    ["every 1h30m", "Every 1 hour 30 minutes"],
    ["* * * * *", "Every minute"],
    ["*/15 * * * *", "Every 15 minutes"],
    ["5 * * * *", "Every hour at :05"],
    ["0 6 * * *", "Every day at 06:00"],
    ["30 6,18 * * *", "Every day at 06:30 and 18:30"],
    ["0 */4 * * *", "Every 4 hours at :00"],
    ["0 6 * * 1-5", "Every Monday to Friday at 06:00"],
    ["0 6 * * mon,wed,fri", "Every Monday, Wednesday and Friday at 06:00"],
    ["0 0 1 * *", "On day 1 of every month at 00:00"],
    ["0 0 1 1 *", "0 0 1 1 *"],
    ["0 0 L * *", "0 0 L * *"],
  ])("says %s as %s", (schedule, words) => {
    expect(describeSchedule(schedule)).toBe(words);
  });
});
