// Contract 2's `removed` state (Airflow's DagRun.verify_integrity): while `updraft dags test`
// holds a run, the DAG file changes and `updraft dags list` records the new version; the run
// takes it: the task dropped from the DAG becomes removed, and so do the mapped instances past
// the end of the shortened list. What maps over them sees only the live ones.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openStore, taskInstance } from "@updraft/store";
import { freshHome, ownDagsFolder, removeHome, replaceDagFile, REPO, runCli, sortedTis, sortTis, ti, UPDRAFT, TEST_TIMEOUT, type DagTestOut } from "./run-cli.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeHome(d);
});

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("removed", () => {
  it("removes a task dropped from the DAG, and mapped instances past a shrunken list, while a run holds them", async () => {
    const home = await freshHome();
    const dags = await ownDagsFolder("removed_versions/v1.ts", "removed_tasks.ts");
    dirs.push(home, dags);
    const gate = join(home, "gate");

    // `dags test` in the background: its run waits on the gate file.
    const child = spawn(UPDRAFT, ["dags", "test", "removed_tasks", "--dags-folder", dags, "--home", home, "--output", "json", "--conf", JSON.stringify({ gate })], { cwd: REPO });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await until("the run to wait on its gate", () => (existsSync(`${gate}.waiting`) ? true : undefined));

      // The DAG changes; `updraft dags list` records its new version in the same database.
      await replaceDagFile(dags, "removed_versions/v2.ts", "removed_tasks.ts");
      const listed = await runCli(["dags", "list", "--dags-folder", dags, "--home", home]);
      expect(listed.code, listed.stderr).toBe(0);

      // The scheduler of `dags test` sees the new version and applies it to its run.
      const store = await openStore({ url: `file:${join(home, "updraft.db")}` });
      try {
        await until("doomed to be removed", async () => {
          const [row] = await store.db.select({ state: taskInstance.state }).from(taskInstance)
            .where(and(eq(taskInstance.dagId, "removed_tasks"), eq(taskInstance.taskId, "doomed")));
          return row?.state === "removed" ? true : undefined;
        });
      } finally {
        await store.close();
      }
      await writeFile(gate, "open");
      expect(await exited, stderr).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
    const out = JSON.parse(stdout) as DagTestOut;
    // A removed mapped instance may have started its try or still waited for a thread.
    const rows = sortedTis(out).map((t) => (t.task_id === "double" && t.state === "removed" ? { ...t, try_number: 1 } : t));
    expect(rows).toEqual(sortTis([
      ti("gate", "success", 1, "open"),
      ti("doomed", "removed", 0),
      ti("double", "success", 1, 2, 0),
      ti("double", "success", 1, 4, 1),
      ti("double", "removed", 1, null, 2),
      ti("double", "removed", 1, null, 3),
      ti("collect", "success", 1, [2, 4]),
    ]));
    expect(out.state).toBe("success");
  }, TEST_TIMEOUT);
});
