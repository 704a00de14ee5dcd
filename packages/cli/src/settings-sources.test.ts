// Settings from `.env` and updraft.config.{json,yaml} in a real working folder: the environment
// wins, then `.env`, then the file; unknown keys and bad values stop with one line naming the
// file; and `updraft config list | get-value` (the real CLI, in a child process) shows each
// setting with its origin and never a secret.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadSettingSources } from "./settings-sources.ts";

const BIN = resolve(fileURLToPath(import.meta.url), "../../../../node_modules/.bin/updraft");

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "updraft-settings-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const YAML = `# the project's settings
UPDRAFT_PORT: 7000
UPDRAFT_PARSE_TIMEOUT: 45s
UPDRAFT_MAX_THREADS: 8
UPDRAFT_METRICS_PUBLIC: true
UPDRAFT_LOCAL_QUEUES: [default, etl]
UPDRAFT_CONN_WAREHOUSE: { conn_type: postgres, host: db.internal, password: conn-secret-123 }
`;

describe("loadSettingSources", () => {
  it("takes the environment first, then .env, then the settings file, and records each origin", async () => {
    await writeFile(join(dir, ".env"), "UPDRAFT_PORT=9191\nUPDRAFT_DB_AUTH_TOKEN=tok\nAWS_REGION=eu-west-1\n");
    await writeFile(join(dir, "updraft.config.yaml"), YAML);
    const env: NodeJS.ProcessEnv = { UPDRAFT_MAX_THREADS: "4" };
    const { origins, files } = await loadSettingSources(dir, env);
    expect(files).toEqual([".env", "updraft.config.yaml"]);
    expect(env).toMatchObject({
      UPDRAFT_MAX_THREADS: "4", UPDRAFT_PORT: "9191", UPDRAFT_DB_AUTH_TOKEN: "tok", AWS_REGION: "eu-west-1",
      UPDRAFT_PARSE_TIMEOUT: "45s", UPDRAFT_METRICS_PUBLIC: "true", UPDRAFT_LOCAL_QUEUES: "default,etl",
    });
    expect(JSON.parse(env.UPDRAFT_CONN_WAREHOUSE!)).toEqual({ conn_type: "postgres", host: "db.internal", password: "conn-secret-123" });
    expect(Object.fromEntries(["UPDRAFT_MAX_THREADS", "UPDRAFT_PORT", "AWS_REGION", "UPDRAFT_PARSE_TIMEOUT"].map((k) => [k, origins.get(k)]))).toEqual({
      UPDRAFT_MAX_THREADS: "environment", UPDRAFT_PORT: ".env", AWS_REGION: ".env", UPDRAFT_PARSE_TIMEOUT: "updraft.config.yaml",
    });
  });

  it("reads updraft.config.json, or the file UPDRAFT_CONFIG names", async () => {
    await writeFile(join(dir, "updraft.config.json"), JSON.stringify({ UPDRAFT_PORT: 7001 }));
    await writeFile(join(dir, "prod.yaml"), "UPDRAFT_PORT: 7002\n");
    const json: NodeJS.ProcessEnv = {};
    await loadSettingSources(dir, json);
    expect(json.UPDRAFT_PORT).toBe("7001");
    const named: NodeJS.ProcessEnv = { UPDRAFT_CONFIG: "prod.yaml" };
    expect((await loadSettingSources(dir, named)).files).toEqual(["prod.yaml"]);
    expect(named.UPDRAFT_PORT).toBe("7002");
  });

  it.each([
    ["updraft.config.yaml", "UPDRAFT_PROT: 8080\n", "updraft.config.yaml: UPDRAFT_PROT is not an Updraft setting (did you mean UPDRAFT_PORT?); `updraft config list` lists them"],
    ["updraft.config.yaml", "UPDRAFT_PARSE_TIMEOUT: 30\n", 'updraft.config.yaml: UPDRAFT_PARSE_TIMEOUT: "30" has no unit; write e.g. "30s" or "30ms"'],
    ["updraft.config.yaml", "UPDRAFT_PORT: [1, 2]\n", "updraft.config.yaml: UPDRAFT_PORT: expected a string, number or boolean, got object"],
    ["updraft.config.yaml", "- UPDRAFT_PORT\n", "updraft.config.yaml: expected a map of settings (UPDRAFT_PORT: 8080, …)"],
    ["updraft.config.json", '{"UPDRAFT_PORT": ', "updraft.config.json: not valid JSON"],
    [".env", "UPDRAFT_WORKER_TIMOUT=30s\n", ".env: UPDRAFT_WORKER_TIMOUT is not an Updraft setting".replace("TIMEOUT is", "TIMOUT is") + " (did you mean UPDRAFT_WORKER_TIMEOUT?)"],
    [".env", "UPDRAFT_WORKER_TIMEOUT=30\n", '.env: UPDRAFT_WORKER_TIMEOUT: "30" has no unit; write e.g. "30s" or "30ms"'],
    [".env", "UPDRAFT_EXECUTOR=celery\n", '.env: UPDRAFT_EXECUTOR: expected one of threads, sequential, got "celery"'],
  ])("refuses a bad %s (%j) in one line naming it", async (file, text, message) => {
    await writeFile(join(dir, file), text);
    await expect(loadSettingSources(dir, {})).rejects.toThrow(message);
  });

  it("checks the environment's own values too, and names a missing UPDRAFT_CONFIG", async () => {
    await expect(loadSettingSources(dir, { UPDRAFT_WORKER_HEARTBEAT: "5" })).rejects.toThrow('UPDRAFT_WORKER_HEARTBEAT: "5" has no unit');
    await expect(loadSettingSources(dir, { UPDRAFT_CONFIG: "nope.yaml" })).rejects.toThrow("nope.yaml: cannot read it (ENOENT)");
  });
});

interface Run { code: number; stdout: string; stderr: string }

function updraft(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_")));
    execFile(BIN, args, { cwd: dir, env: { ...clean, CI: "true", ...env } }, (err, stdout, stderr) => {
      done({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

describe("updraft config", () => {
  it("lists every setting with its value and origin, secrets hidden", async () => {
    await writeFile(join(dir, ".env"), "UPDRAFT_PORT=9191\nUPDRAFT_DB_AUTH_TOKEN=dotenv-secret-456\n");
    await writeFile(join(dir, "updraft.config.yaml"), YAML);
    const r = await updraft(["config", "list", "-o", "json", "--executor", "sequential"], { UPDRAFT_MAX_THREADS: "4" });
    expect(r.code, r.stderr).toBe(0);
    const rows = Object.fromEntries((JSON.parse(r.stdout) as Array<{ setting: string; value: string; source: string }>).map((x) => [x.setting, x]));
    expect(rows.UPDRAFT_PORT).toEqual({ setting: "UPDRAFT_PORT", value: "9191", source: ".env" });
    expect(rows.UPDRAFT_PARSE_TIMEOUT).toEqual({ setting: "UPDRAFT_PARSE_TIMEOUT", value: "45s", source: "updraft.config.yaml" });
    expect(rows.UPDRAFT_MAX_THREADS).toEqual({ setting: "UPDRAFT_MAX_THREADS", value: "4", source: "environment" });
    expect(rows.UPDRAFT_EXECUTOR).toEqual({ setting: "UPDRAFT_EXECUTOR", value: "sequential", source: "flag --executor" });
    expect(rows.UPDRAFT_HOME).toEqual({ setting: "UPDRAFT_HOME", value: join(dir, ".updraft"), source: "default" });
    expect(rows.UPDRAFT_CONFIG).toEqual({ setting: "UPDRAFT_CONFIG", value: "updraft.config.yaml", source: "found in the working folder" });
    expect(rows.UPDRAFT_DB_AUTH_TOKEN!.value).toBe("< hidden >");
    expect(rows.UPDRAFT_CONN_WAREHOUSE).toEqual({ setting: "UPDRAFT_CONN_WAREHOUSE", value: "< hidden >", source: "updraft.config.yaml" });
    expect(r.stdout).not.toMatch(/dotenv-secret-456|conn-secret-123/);
  }, 60_000);

  it("gets one value by name or by Airflow's section and option; an unknown one is refused with a suggestion", async () => {
    await writeFile(join(dir, "updraft.config.json"), JSON.stringify({ UPDRAFT_PORT: 7003 }));
    expect((await updraft(["config", "get-value", "UPDRAFT_PORT"])).stdout).toBe("7003\n");
    expect((await updraft(["config", "get-value", "webserver", "web_server_port"])).stdout).toBe("7003\n");
    expect((await updraft(["config", "get-value", "core", "dagbag_import_timeout"])).stdout).toBe("30s\n");
    const typo = await updraft(["config", "get-value", "UPDRAFT_PROT"]);
    expect([typo.code, typo.stderr]).toEqual([1, 'updraft: setting "UPDRAFT_PROT" does not exist (did you mean UPDRAFT_PORT?)\n']);
  }, 60_000);

  it("stops any command on a bad setting file, in one line (exit 2)", async () => {
    await writeFile(join(dir, "updraft.config.yaml"), "UPDRAFT_WORKER_TIMEOUT: 10\n");
    const r = await updraft(["dags", "list"]);
    expect([r.code, r.stderr]).toEqual([2, 'updraft: updraft.config.yaml: UPDRAFT_WORKER_TIMEOUT: "10" has no unit; write e.g. "10s" or "10ms"\n']);
  }, 60_000);
});
