// What the import errors and the audit log show in one line.
import { describe, expect, it } from "vitest";
import { headline } from "./import-errors.ts";
import { extraText } from "../event-log/event-log.ts";

describe("headline", () => {
  it("takes the error's message, not a stack frame", () => {
    expect(headline("dags/a.ts: ReferenceError: x is not defined\n    at file:///a.ts:2:11\n    at load")).toBe("dags/a.ts: ReferenceError: x is not defined");
    expect(headline("\n  at only frames\n")).toBe("at only frames");
  });
});

describe("extraText", () => {
  it("writes a JSON object's pairs on one line and leaves other text alone", () => {
    expect(extraText('{"path": "/api/v1/pools", "n": 2}')).toBe("path: /api/v1/pools · n: 2");
    expect(extraText("plain words")).toBe("plain words");
    expect(extraText(null)).toBe("");
  });
});
