// UPDRAFT_CONN_<ID> as a task sees it (DESIGN.md Contract 1: ctx.connections.get and
// {{ conn.id.host }}): the environment's connection wins over a stored one of the same id, and its
// password and sensitive extra values are masked in the task log and the shell task's XCom.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dagsTest, describe as show, freshHome, removeHome, runCli } from "./run-cli.ts";

let home: string;
beforeEach(async () => {
  home = await freshHome();
  process.env.UPDRAFT_CONN_WAREHOUSE = "postgres://env-user:env-pa%40ss@env-host:6543/sales?sslmode=require&api_token=tok-secret-1";
});
afterEach(async () => {
  delete process.env.UPDRAFT_CONN_WAREHOUSE;
  await removeHome(home);
});

describe("connections from the environment in a run", () => {
  it("reaches ctx.connections.get and templates before the stored one, masked in logs", async () => {
    const stored = await runCli(["connections", "add", "warehouse", "--conn-uri", "postgres://db-user:db-pass@stored-host:5432/x", "--home", home]);
    expect(stored.code, show(stored)).toBe(0);
    const r = await dagsTest("env_connections", { folder: "env_connections", home });
    expect(r.json?.state, show(r)).toBe("success");
    const byTask = Object.fromEntries((r.json?.task_instances ?? []).map((t) => [t.task_id, t.return_value]));
    expect(byTask.read).toEqual({ host: "env-host", port: 6543, login: "env-user", schema: "sales", sslmode: "require" });
    expect(byTask.templated).toBe("env-host:6543 ***");
    const log = await readFile(join(home, "logs", "dag_id=env_connections", `run_id=${r.json!.run_id}`, "task_id=read", "attempt=1.log"), "utf8").catch(async () => {
      // The run id is written into the path as the log writer makes it safe; find the file instead.
      const { readdir } = await import("node:fs/promises");
      const runs = await readdir(join(home, "logs", "dag_id=env_connections"));
      return readFile(join(home, "logs", "dag_id=env_connections", runs[0]!, "task_id=read", "attempt=1.log"), "utf8");
    });
    expect(log).toContain("password is *** and token is ***");
    expect(log).not.toContain("env-pa@ss");
    expect(log).not.toContain("tok-secret-1");
  }, 300_000);
});
