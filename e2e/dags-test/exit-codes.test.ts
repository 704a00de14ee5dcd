// Contract 3 exit codes: 0 the run succeeded, 1 the run failed, 2 bad usage.
import { describe, expect, it } from "vitest";
import { dagsTest, FIXTURES, freshHome, removeHome, runCli, TEST_TIMEOUT, describe as show } from "./run-cli.ts";
import { join } from "node:path";

describe("exit codes", () => {
  it("exits 0 and prints the JSON report when the run succeeds", async () => {
    const r = await dagsTest("good", { folder: "load_good" });
    expect(r.code, show(r)).toBe(0);
    expect(r.json).toMatchObject({ dag_id: "good", state: "success" });
    expect(r.json?.run_id).toMatch(/^manual__/);
    for (const t of r.json?.task_instances ?? []) {
      expect(Object.keys(t).sort()).toEqual(["map_index", "return_value", "state", "task_id", "try_number"]);
    }
  }, TEST_TIMEOUT);

  it("exits 1 and still prints the JSON report when the run fails", async () => {
    const r = await dagsTest("chain_upstream_failed", { folder: "chain_upstream_failed" });
    expect(r.code, show(r)).toBe(1);
    expect(r.json).toMatchObject({ dag_id: "chain_upstream_failed", state: "failed" });
  }, TEST_TIMEOUT);

  it("exits 2 for --conf that is not JSON", async () => {
    const home = await freshHome();
    try {
      const r = await runCli(["dags", "test", "good", "--dags-folder", join(FIXTURES, "load_good"), "--home", home, "--output", "json", "--conf", "{not json"]);
      expect(r.code, show(r)).toBe(2);
      expect(r.stderr).not.toBe("");
    } finally {
      await removeHome(home);
    }
  }, TEST_TIMEOUT);

  it("exits 2 for a --logical-date that is not a date", async () => {
    const home = await freshHome();
    try {
      const r = await runCli(["dags", "test", "good", "--dags-folder", join(FIXTURES, "load_good"), "--home", home, "--output", "json", "--logical-date", "yesterday-ish"]);
      expect(r.code, show(r)).toBe(2);
    } finally {
      await removeHome(home);
    }
  }, TEST_TIMEOUT);

  it("exits 2 when the dag id is missing", async () => {
    const home = await freshHome();
    try {
      const r = await runCli(["dags", "test", "--dags-folder", join(FIXTURES, "load_good"), "--home", home]);
      expect(r.code, show(r)).toBe(2);
    } finally {
      await removeHome(home);
    }
  }, TEST_TIMEOUT);
});
