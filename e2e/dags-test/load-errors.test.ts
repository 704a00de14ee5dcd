// Contract 3: exit code 2 for bad usage or a DAG that does not load (stderr names the file and
// the reason); another file that fails to load does not stop `dags test` of a DAG that loads.
import { describe, expect, it } from "vitest";
import { dagsTest, sortedTis, ti, TEST_TIMEOUT, describe as show } from "./run-cli.ts";

const GOOD = [ti("hello", "success", 1, "hello"), ti("world", "success", 1, "hello world")];

describe("DAGs that do not load", () => {
  it("exits 2 for a DAG with a cycle and names the tasks of the cycle and the file", async () => {
    const r = await dagsTest("has_cycle", { folder: "load_cycle" });
    expect(r.code, show(r)).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/cycle/i);
    expect(r.stderr).toContain("cycle.ts");
    for (const id of ["extract", "transform", "load"]) expect(r.stderr).toContain(id);
  }, TEST_TIMEOUT);

  it("still tests a good DAG when another file of the folder has a syntax error", async () => {
    const r = await dagsTest("good", { folder: "load_syntax_error" });
    expect(sortedTis(r.json), show(r)).toEqual(GOOD);
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("exits 2 for the DAG of a file with a syntax error, naming the file and the reason", async () => {
    const r = await dagsTest("broken", { folder: "load_syntax_error" });
    expect(r.code, show(r)).toBe(2);
    expect(r.stderr).toContain("broken_syntax.ts");
  }, TEST_TIMEOUT);

  it("exits 2 for an unknown dag id", async () => {
    const r = await dagsTest("no_such_dag", { folder: "load_good" });
    expect(r.code, show(r)).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("no_such_dag");
  }, TEST_TIMEOUT);

  it("does not hang on a file whose top level loops forever when testing another DAG of the folder", async () => {
    // Finding: this takes the whole parse time limit (~30s) before the good DAG runs.
    const r = await dagsTest("good", { folder: "load_infinite_loop", timeoutMs: 58_000 });
    console.log(`dags test with an endless-loop file in the folder took ${r.ms}ms`);
    expect(sortedTis(r.json), show(r)).toEqual(GOOD);
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, 60_000);

  it("still tests a good DAG when the endless-loop file mentions the DAG's id (after the parse time limit)", async () => {
    // Finding: `dags test` parses first the files whose text mentions the id; this one does, so
    // the run waits for the whole parse time limit (30s, not configurable) before starting.
    const r = await dagsTest("good", { folder: "load_infinite_loop_mentions", timeoutMs: 58_000 });
    console.log(`dags test with an endless-loop file mentioning the id took ${r.ms}ms`);
    expect(sortedTis(r.json), show(r)).toEqual(GOOD);
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, 60_000);

  it("exits 2 for an unknown dag id in a folder with an endless-loop file, naming the file that failed", async () => {
    const r = await dagsTest("no_such_dag", { folder: "load_infinite_loop", timeoutMs: 58_000 });
    console.log(`dags test of an unknown id beside an endless-loop file took ${r.ms}ms`);
    expect(r.code, show(r)).toBe(2);
    expect(r.stderr).toContain("no_such_dag");
    expect(r.stderr).toContain("hangs.ts");
  }, 60_000);
});
