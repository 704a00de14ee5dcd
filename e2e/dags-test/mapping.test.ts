// Contract 1 `.expand`: map_index 0..n-1, the downstream receives results in map-index order, an
// empty list skips the mapped task; XCom pull of a mapped task.
import { describe, expect, it } from "vitest";
import { dagsTest, sortedTis, sortTis, ti, TEST_TIMEOUT, describe as show } from "./run-cli.ts";

const folder = "mapping";

describe("dynamic task mapping", () => {
  it("maps over a literal list and hands the reducer the results in map-index order", async () => {
    // Later elements finish first (they sleep less); the reducer still sees [2, 4, 6].
    const r = await dagsTest("map_literal", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("double", "success", 1, 2, 0),
      ti("double", "success", 1, 4, 1),
      ti("double", "success", 1, 6, 2),
      ti("collect", "success", 1, [2, 4, 6]),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("maps over an upstream task's output at run time", async () => {
    const r = await dagsTest("map_upstream", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("make", "success", 1, ["a", "b", "c", "d"]),
      ti("shout", "success", 1, "A0", 0),
      ti("shout", "success", 1, "B1", 1),
      ti("shout", "success", 1, "C2", 2),
      ti("shout", "success", 1, "D3", 3),
      ti("join", "success", 1, "A0-B1-C2-D3"),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("skips a task mapped over an empty upstream list, and its all_success downstream", async () => {
    const r = await dagsTest("map_empty", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("make", "success", 1, []),
      ti("inc", "skipped", 0),
      ti("total", "skipped", 0),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("skips a task mapped over an empty literal list, and its all_success downstream", async () => {
    const r = await dagsTest("map_empty_literal", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("inc", "skipped", 0),
      ti("total", "skipped", 0),
    ]));
  }, TEST_TIMEOUT);

  // A run can finish without executing any task (every task is decided while the run starts);
  // its final state must still be reported once committed.
  it("succeeds the run whose only tasks are skipped by an empty literal map", async () => {
    const r = await dagsTest("map_empty_literal", { folder });
    expect(r.json?.state, show(r)).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("passes extra fixed arguments (a literal or an upstream output) to every mapped instance", async () => {
    const r = await dagsTest("map_fixed_arg", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("factor", "success", 1, 10),
      ti("scale", "success", 1, 10, 0),
      ti("scale", "success", 1, 20, 1),
      ti("scale", "success", 1, 30, 2),
      ti("label", "success", 1, "n=7", 0),
      ti("label", "success", 1, "n=8", 1),
      ti("collect", "success", 1, { scaled: [10, 20, 30], labelled: ["n=7", "n=8"] }),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("marks the reducer upstream_failed when one mapped instance fails, the others still succeed", async () => {
    const r = await dagsTest("map_failing", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("check", "success", 1, 1, 0),
      ti("check", "failed", 1, null, 1),
      ti("check", "success", 1, 3, 2),
      ti("collect", "upstream_failed", 0),
    ]));
    expect(r.json?.state).toBe("failed");
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT);

  it("retries a failing mapped instance on its own, the others keep try 1", async () => {
    const r = await dagsTest("map_retry", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("flaky", "success", 1, "a on try 1", 0),
      ti("flaky", "success", 2, "b on try 2", 1),
      ti("flaky", "success", 1, "c on try 1", 2),
      ti("collect", "success", 1, ["a on try 1", "b on try 2", "c on try 1"]),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("maps over a mapped task's results, and xcom.pull of a mapped task returns all values in map-index order", async () => {
    const r = await dagsTest("map_xcom_pull", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("square", "success", 1, 1, 0),
      ti("square", "success", 1, 4, 1),
      ti("square", "success", 1, 9, 2),
      ti("square", "success", 1, 16, 3),
      ti("plus_one", "success", 1, 2, 0),
      ti("plus_one", "success", 1, 5, 1),
      ti("plus_one", "success", 1, 10, 2),
      ti("plus_one", "success", 1, 17, 3),
      ti("pull_all", "success", 1, { all: [1, 4, 9, 16], bumped: [2, 5, 10, 17] }),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("expands over .map() and .zip() of outputs, as Airflow's XComArg.map and .zip", async () => {
    const r = await dagsTest("map_and_zip", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("names", "success", 1, ["ann", "bob", "cy"]),
      ti("ages", "success", 1, [31, 42]),
      ti("hello", "success", 1, "hello ann", 0), ti("hello", "success", 1, "hello bob", 1), ti("hello", "success", 1, "hello cy", 2),
      ti("gather", "success", 1, "hello ann hello bob hello cy"),
      ti("pair", "success", 1, "ann:31", 0), ti("pair", "success", 1, "bob:42", 1),
      ti("padded", "success", 1, "ann:31", 0), ti("padded", "success", 1, "bob:42", 1), ti("padded", "success", 1, "cy:?", 2),
      ti("no_bob", "success", 1, "ann", 0), ti("no_bob", "skipped", 1, null, 1), ti("no_bob", "success", 1, "cy", 2),
    ]));
    expect(r.json?.state).toBe("success");
  }, TEST_TIMEOUT);
});
