// Contract 1 `ctx.submit`: children started from inside a running task are task instances of the
// run, listed by `dags test` with their parent; the parent's await gets their results.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { dagsTest, freshHome, REPO, removeHome, runCli, sortedTis, sortTis, ti, TEST_TIMEOUT, describe as show, type DagTestOut } from "./run-cli.ts";

describe("ctx.submit", () => {
  it("lists the children with their parent, retried by their own options, and the parents' results", async () => {
    const r = await dagsTest("submit_sum", { folder: "submit" });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("sum", "success", 1, 1 + 4 + 9 + 16 + 100),
      ti("square", "success", 1, 1, 0),
      ti("square", "success", 1, 4, 1),
      ti("square", "success", 1, 9, 2),
      ti("square", "success", 1, 16, 3),
      ti("flaky", "success", 2, 100, 0),
      ti("tolerant", "success", 1, "ChildTaskFailed"),
      ti("doomed", "failed", 1, null, 0),
    ]));
    const parents = Object.fromEntries(r.json!.task_instances.map((t) => [`${t.task_id}[${t.map_index}]`, (t as { parent_task_id?: string }).parent_task_id ?? null]));
    expect(parents).toMatchObject({ "square[0]": "sum", "square[3]": "sum", "flaky[0]": "sum", "doomed[0]": "tolerant", "sum[-1]": null });
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("runs the example DAG dags/dynamic_fanout.ts", async () => {
    const home = await freshHome();
    try {
      const out = await runCli(["dags", "test", "dynamic_fanout", "--dags-folder", join(REPO, "dags"), "--home", home, "--output", "json", "--conf", '{"shards": 5}']);
      const json = JSON.parse(out.stdout) as DagTestOut;
      expect(json.state, out.stderr).toBe("success");
      const children = json.task_instances.filter((t) => t.task_id === "score_shard");
      expect(children.map((t) => [t.map_index, t.state])).toEqual([0, 1, 2, 3, 4].map((i) => [i, "success"]));
      expect(json.task_instances.find((t) => t.task_id === "report")?.return_value).toMatch(/^5 shards scored [\d.]+ in total for /);
      expect(out.code).toBe(0);
    } finally {
      await removeHome(home);
    }
  }, TEST_TIMEOUT);
});
