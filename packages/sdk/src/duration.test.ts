import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.ts";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500], ["30s", 30_000], ["5m", 300_000], ["1h", 3_600_000], ["2d", 172_800_000], ["1h30m", 5_400_000], [250, 250], ["1500", 1500],
  ])("reads %s as %d ms", (input, ms) => expect(parseDuration(input)).toBe(ms));

  it("names the field and value it cannot read", () => {
    expect(() => parseDuration("soon", "retryDelay")).toThrow('retryDelay: "soon" is not a duration');
    expect(() => parseDuration(-1, "timeout")).toThrow("timeout: -1 is not a non-negative number");
  });
});
