// Contract 1 shell(id, { command, env, cwd }) and templates.
import { describe, expect, it } from "vitest";
import { dagsTest, freshHome, removeHome, runCli, sortedTis, sortTis, ti, TEST_TIMEOUT, describe as show } from "./run-cli.ts";

const folder = "shell";

describe("shell", () => {
  it("succeeds on exit 0 with the last line of stdout as return_value", async () => {
    const r = await dagsTest("shell_ok", { folder });
    expect(sortedTis(r.json), show(r)).toEqual([ti("say", "success", 1, "last line")]);
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);

  it("skips on exit 99 and fails on exit 3", async () => {
    const r = await dagsTest("shell_exit_codes", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("skips", "skipped", 1),
      ti("after_skip", "skipped", 0),
      ti("fails", "failed", 1),
      ti("after_fail", "upstream_failed", 0),
    ]));
    expect(r.json?.state).toBe("failed");
    expect(r.code).toBe(1);
  }, TEST_TIMEOUT);

  it("renders ds, ds_nodash, run_id, params, var.value and xcom() templates", async () => {
    const home = await freshHome();
    try {
      const set = await runCli(["variables", "set", "k", "v-value", "--home", home]);
      expect(set.code, show(set)).toBe(0);
      const r = await dagsTest("shell_templates", { folder, home, logicalDate: "2026-03-01" });
      expect(r.json?.run_id, show(r)).toBe("manual__2026-03-01T00:00:00+00:00");
      expect(sortedTis(r.json), show(r)).toEqual(sortTis([
        ti("produce", "success", 1, "from-xcom"),
        ti("dates", "success", 1, "2026-03-01|20260301"),
        ti("run_id", "success", 1, "manual__2026-03-01T00:00:00+00:00"),
        ti("params", "success", 1, "param-x"),
        ti("variable", "success", 1, "v-value"),
        ti("xcom", "success", 1, "from-xcom"),
      ]));
      expect(r.json?.state).toBe("success");
      expect(r.code).toBe(0);
    } finally {
      await removeHome(home);
    }
  }, TEST_TIMEOUT);

  it("passes env variables and runs in cwd", async () => {
    const r = await dagsTest("shell_env", { folder });
    expect(sortedTis(r.json), show(r)).toEqual(sortTis([
      ti("env", "success", 1, "hello-world"),
      ti("cwd", "success", 1, "/tmp"),
    ]));
    expect(r.json?.state).toBe("success");
    expect(r.code).toBe(0);
  }, TEST_TIMEOUT);
});
