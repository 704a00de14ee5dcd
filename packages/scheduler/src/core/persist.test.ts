import { describe, expect, it } from "vitest";
import type { InStatement } from "@libsql/client";
import { compileOps, type RowOp } from "./persist.ts";

const sqlOf = (s: InStatement) => (typeof s === "string" ? s : s.sql);

const ti = (key: string, state: string): RowOp => ({ kind: "ti", key, values: ["d", "r", key, -1, state] });

describe("compileOps", () => {
  it("writes the last state of a row changed twice in one batch, once", () => {
    const statements = compileOps([ti("a", "scheduled"), ti("b", "scheduled"), ti("a", "queued")]);
    expect(statements).toHaveLength(1);
    expect(sqlOf(statements[0]!)).toMatch(/^INSERT INTO task_instance .* VALUES \(.*\), \(.*\) ON CONFLICT/);
    expect((statements[0] as { args: unknown[] }).args.filter((v) => v === "scheduled" || v === "queued")).toEqual(["scheduled", "queued"]);
  });

  it("orders statements so rows exist before the history and XComs that reference them", () => {
    const statements = compileOps([
      { kind: "xcom", key: "a\u0000k", values: ["d", "r", "a", -1, "k", "1", 0] },
      { kind: "history", key: "a\u00001", values: ["d", "r", "a", -1, 1, "success", null, null, null, null, "default", null] },
      ti("a", "success"),
      { kind: "sql", statement: { sql: "UPDATE dag_run SET state = 'success'", args: [] } },
    ]);
    expect(statements.map((s) => sqlOf(s).split(" ").slice(0, 3).join(" "))).toEqual([
      "UPDATE dag_run SET", "INSERT INTO task_instance", "INSERT OR REPLACE", "INSERT OR REPLACE",
    ]);
    expect(sqlOf(statements[2]!)).toContain("task_instance_history");
    expect(sqlOf(statements[3]!)).toContain("xcom");
  });

  it("drops an XCom written before its task instance's XComs were cleared in the same batch", () => {
    const statements = compileOps([
      { kind: "xcom", key: "k1\u0000return_value", values: [] },
      { kind: "xcom_clear", key: "k1", values: ["d", "r", "t", -1] },
    ]);
    expect(statements.map((s) => sqlOf(s).slice(0, 16))).toEqual(["DELETE FROM xcom"]);
  });

  it("splits large batches into statements of at most 400 rows", () => {
    const ops = Array.from({ length: 1_000 }, (_, i) => ti(`t${i}`, "queued"));
    expect(compileOps(ops)).toHaveLength(3);
  });
});
