// Reading an import file in Airflow's format.
import { describe, expect, it } from "vitest";
import { parseImport } from "./variable-import.ts";
import { isSensitive } from "./variable-form.ts";

describe("parseImport", () => {
  it("keeps strings as they are and stores other values as their JSON, as `airflow variables import` does", () => {
    expect(parseImport('{"a": "text", "b": {"x": [1]}, "c": 5, "d": null}')).toEqual({
      entries: [["a", "text"], ["b", '{"x":[1]}'], ["c", "5"], ["d", "null"]], error: null,
    });
  });
  it("says why a file is not an import file", () => {
    expect(parseImport("{nope").error).toMatch(/^The file is not JSON/);
    expect(parseImport("[1, 2]").error).toMatch(/one JSON object/);
    expect(parseImport("{}").error).toBe("The file holds no variables.");
    expect(parseImport(JSON.stringify({ [""]: "x" })).error).toMatch(/^key: "" is not a valid key/);
  });
});

describe("isSensitive", () => {
  it("masks the names Airflow masks", () => {
    expect(["slack_api_token", "DB_PASSWORD", "gcp_service_account", "my_secret"].every(isSensitive)).toBe(true);
    expect(isSensitive("warehouse_url")).toBe(false);
  });
});
